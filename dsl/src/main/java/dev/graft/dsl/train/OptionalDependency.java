package dev.graft.dsl.train;

/**
 * Checks for the optional libraries behind plots and progress bars before the classes that use
 * them are loaded, so that a project without them gets a clear message, not a {@code
 * NoClassDefFoundError}, and only when it asks for the feature.
 */
final class OptionalDependency {
  /** XChart, for {@link LossPlot}. */
  static final Library XCHART = new Library("org.knowm.xchart.XYChart",
      "org.knowm.xchart:xchart:4.0.3");

  /** progressbar (with its JLine), for the trainer's progress bar. */
  static final Library PROGRESSBAR = new Library("me.tongfei.progressbar.ProgressBar",
      "me.tongfei:progressbar:0.10.2");

  /** A library known by one of its classes and its Maven coordinates. */
  record Library(String probeClass, String coordinates) {}

  private OptionalDependency() {}

  /** Whether {@code library} is on this module's class path. */
  static boolean present(Library library) {
    try {
      Class.forName(library.probeClass(), false, OptionalDependency.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Throws unless {@code library} is present.
   *
   * @throws IllegalStateException naming the feature and the dependency to add
   */
  static void require(Library library, String feature) {
    if (!present(library)) {
      throw new IllegalStateException(feature + " needs " + library.coordinates()
          + " on the class path (an optional dependency of graft-dsl): add it to your build, or"
          + " do without the feature");
    }
  }
}
