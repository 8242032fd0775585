package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XChart and progressbar are optional dependencies of dsl. With dsl's classes loaded where they
 * are hidden, the trainer's classes still load and run without a bar, and asking for a plot or a
 * bar fails with an {@link IllegalStateException} that names the dependency to add.
 */
class OptionalLibrariesTest {

  /** dsl's main classes, child-first; XChart, progressbar and JLine hidden; the rest shared. */
  private static final class Hiding extends URLClassLoader {
    Hiding(URL dslClasses) {
      super(new URL[] {dslClasses}, OptionalLibrariesTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("org.knowm.xchart.") || name.startsWith("me.tongfei.progressbar.")
          || name.startsWith("org.jline.")) {
        throw new ClassNotFoundException(name + " (hidden by the test)");
      }
      if (!name.startsWith("dev.graft.dsl.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  private static Hiding hiding() {
    return new Hiding(LossPlot.class.getProtectionDomain().getCodeSource().getLocation());
  }

  private static Object call(Class<?> c, String name, Object target, Object... args)
      throws Exception {
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(target, args);
      }
    }
    throw new NoSuchMethodException(c.getName() + "." + name);
  }

  private static IllegalStateException failure(Executable body) {
    InvocationTargetException e = assertThrows(InvocationTargetException.class, body::run);
    return assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @FunctionalInterface
  private interface Executable {
    void run() throws Exception;
  }

  @Test
  void theLibrariesArePresentInThisBuild() {
    assertTrue(OptionalDependency.present(OptionalDependency.XCHART));
    assertTrue(OptionalDependency.present(OptionalDependency.PROGRESSBAR));
  }

  @Test
  void withoutThemTheTrainerLoadsAndAskingForABarNamesTheDependency() throws Exception {
    try (Hiding loader = hiding()) {
      Class<?> dep = Class.forName(OptionalDependency.class.getName(), true, loader);
      Class<?> library = Class.forName(OptionalDependency.Library.class.getName(), true, loader);
      assertEquals(loader, dep.getClassLoader());
      for (String field : List.of("XCHART", "PROGRESSBAR")) {
        Field f = dep.getDeclaredField(field);
        f.setAccessible(true);
        Object lib = f.get(null);
        assertEquals(false, call(dep, "present", null, lib), field);
        assertEquals(library, lib.getClass());
      }
      Class.forName(Trainer.class.getName(), true, loader);
      Class<?> progress = Class.forName(Progress.class.getName(), true, loader);
      Object off = call(progress, "open", null, false, "run", 3L);
      call(progress, "step", off, "loss 1");
      call(progress, "close", off);
      IllegalStateException e = failure(() -> call(progress, "open", null, true, "run", 3L));
      assertTrue(e.getMessage().contains("me.tongfei:progressbar"), e.getMessage());
      assertTrue(e.getMessage().contains("Trainer.progressBar(true)"), e.getMessage());
    }
  }

  @Test
  void withoutXChartSavingAPlotNamesTheDependency(@TempDir Path dir) throws Exception {
    try (Hiding loader = hiding()) {
      Class<?> history = Class.forName(History.class.getName(), true, loader);
      Constructor<?> make = history.getConstructor(String.class, List.class, List.class,
          List.class);
      Object h = make.newInstance("run", List.of(1.0, 0.5), List.of(1e-3, 1e-3), List.of());
      Class<?> plot = Class.forName(LossPlot.class.getName(), true, loader);
      Object p = call(plot, "add", call(plot, "titled", null, "t"), h);
      Path png = dir.resolve("loss.png");
      IllegalStateException e = failure(() -> call(plot, "save", p, png));
      assertTrue(e.getMessage().contains("org.knowm.xchart:xchart"), e.getMessage());
      assertTrue(Files.notExists(png));
    }
  }
}
