package dev.graft.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The package dependency graph of compiled classes, read from their bytecode (see {@link
 * ClassRefs} for what counts as a reference), and the checks a module's test runs on it: no
 * package cycle ({@link #assertAcyclic()}), and optionally the order of its layers ({@link
 * #assertLayered}). Only packages that have a class under the scanned directory are nodes;
 * references to other modules and the JDK are left out (Maven already keeps modules acyclic).
 *
 * <pre>{@code
 * PackageGraph.of(java.nio.file.Path.of("target/classes")).assertAcyclic();
 * }</pre>
 */
public final class PackageGraph {
  /** Class-level edges shown per package edge in a failure message. */
  private static final int SHOWN = 6;

  /** package -> package -> the class-level references that make the edge. */
  private final Map<String, Map<String, Set<String>>> edges;
  private final Set<String> packages;

  private PackageGraph(Set<String> packages, Map<String, Map<String, Set<String>>> edges) {
    this.packages = packages;
    this.edges = edges;
  }

  /**
   * The graph of every {@code .class} file under {@code classesDir} ({@code module-info.class}
   * excluded).
   *
   * @throws IllegalArgumentException when {@code classesDir} is not a directory (compile first)
   * @throws UncheckedIOException naming the file that cannot be read as a class file
   */
  public static PackageGraph of(Path classesDir) {
    if (!Files.isDirectory(classesDir)) {
      throw new IllegalArgumentException("PackageGraph: " + classesDir.toAbsolutePath()
          + " is not a directory of compiled classes");
    }
    List<ClassRefs> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classesDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.equals("module-info.class")) {
          try (InputStream in = Files.newInputStream(f)) {
            classes.add(ClassRefs.read(in, f.toString()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PackageGraph: cannot read " + classesDir + ": "
          + e.getMessage(), e);
    }
    Set<String> packages = new TreeSet<>();
    for (ClassRefs c : classes) {
      packages.add(ClassRefs.packageOf(c.name));
    }
    Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
    for (ClassRefs c : classes) {
      String from = ClassRefs.packageOf(c.name);
      for (String ref : c.refs) {
        String to = ClassRefs.packageOf(ref);
        if (!to.equals(from) && packages.contains(to)) {
          edges.computeIfAbsent(from, k -> new TreeMap<>())
              .computeIfAbsent(to, k -> new TreeSet<>()).add(c.name + " -> " + ref);
        }
      }
    }
    return new PackageGraph(Collections.unmodifiableSet(packages), edges);
  }

  /** The packages with classes under the scanned directory, sorted. */
  public Set<String> packages() {
    return packages;
  }

  /** The packages {@code from} refers to (within the scanned ones), sorted. */
  public Set<String> dependencies(String from) {
    return Collections.unmodifiableSet(edges.getOrDefault(from, Map.of()).keySet());
  }

  /**
   * The class-level references behind the package edge {@code from -> to}, as {@code
   * "from.Class -> to.Class"}, sorted; empty when there is no such edge.
   */
  public Set<String> classEdges(String from, String to) {
    return Collections.unmodifiableSet(
        edges.getOrDefault(from, Map.of()).getOrDefault(to, Set.of()));
  }

  /**
   * The package cycles: each strongly connected component of more than one package, its packages
   * sorted; the components sorted by their first package.
   */
  public List<Set<String>> cycles() {
    List<Set<String>> out = new ArrayList<>(new Tarjan().components());
    out.removeIf(c -> c.size() < 2);
    out.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
    return out;
  }

  /**
   * Fails when a package cycle exists, naming each cycle's packages and the class-level
   * references that make each package edge inside it.
   *
   * @throws AssertionError naming the cycles
   */
  public void assertAcyclic() {
    List<Set<String>> cycles = cycles();
    if (cycles.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("package cycle");
    sb.append(cycles.size() == 1 ? "" : "s").append(':');
    for (Set<String> cycle : cycles) {
      sb.append("\n  ").append(cycle);
      for (String from : cycle) {
        for (String to : dependencies(from)) {
          if (cycle.contains(to)) {
            describeEdge(sb, from, to);
          }
        }
      }
    }
    throw new AssertionError(sb.toString());
  }

  /**
   * Fails unless every package edge goes down the list {@code bottomToTop}: a package may refer
   * only to packages listed before it. Every scanned package must be listed, so a new package has
   * to be placed.
   *
   * @throws AssertionError naming the unlisted packages or the upward edges and their classes
   */
  public void assertLayered(List<String> bottomToTop) {
    Map<String, Integer> level = new HashMap<>();
    for (int i = 0; i < bottomToTop.size(); i++) {
      level.put(bottomToTop.get(i), i);
    }
    Set<String> unlisted = new TreeSet<>(packages);
    unlisted.removeAll(level.keySet());
    if (!unlisted.isEmpty()) {
      throw new AssertionError("packages not placed in the layer order " + bottomToTop + ": "
          + unlisted);
    }
    StringBuilder sb = new StringBuilder();
    for (String from : packages) {
      for (String to : dependencies(from)) {
        if (level.get(to) >= level.get(from)) {
          describeEdge(sb, from, to);
        }
      }
    }
    if (sb.length() > 0) {
      throw new AssertionError("edges against the layer order " + bottomToTop + " (bottom first):"
          + sb);
    }
  }

  private void describeEdge(StringBuilder sb, String from, String to) {
    Set<String> why = classEdges(from, to);
    sb.append("\n    ").append(from).append(" -> ").append(to).append(": ");
    int shown = 0;
    for (String e : why) {
      if (shown == SHOWN) {
        sb.append(", … (").append(why.size() - SHOWN).append(" more)");
        break;
      }
      sb.append(shown++ == 0 ? "" : ", ").append(e);
    }
  }

  /** Tarjan's strongly connected components over the package edges (iterative). */
  private final class Tarjan {
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<Set<String>> out = new ArrayList<>();
    private int next;

    List<Set<String>> components() {
      for (String p : packages) {
        if (!index.containsKey(p)) {
          visit(p);
        }
      }
      return out;
    }

    /** A package being visited and the dependencies still to look at. */
    private record Frame(String pkg, Iterator<String> deps) {}

    private void visit(String root) {
      Deque<Frame> work = new ArrayDeque<>();
      work.push(enter(root));
      while (!work.isEmpty()) {
        Frame frame = work.peek();
        String v = frame.pkg();
        if (frame.deps().hasNext()) {
          String w = frame.deps().next();
          if (!index.containsKey(w)) {
            work.push(enter(w));
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = work.peek().pkg();
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          Set<String> component = new TreeSet<>();
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!w.equals(v));
          out.add(component);
        }
      }
    }

    private Frame enter(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      return new Frame(v, dependencies(v).iterator());
    }
  }
}
