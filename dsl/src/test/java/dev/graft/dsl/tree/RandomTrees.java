package dev.graft.dsl.tree;

import dev.graft.dsl.tree.TestModules.Block;
import dev.graft.dsl.tree.TestModules.Custom;
import dev.graft.dsl.tree.TestModules.Dense;
import dev.graft.dsl.tree.TestModules.Grid;
import dev.graft.dsl.tree.TestModules.Relu;
import dev.graft.dsl.tree.TestModules.Seq;
import dev.graft.dsl.tree.TestModules.Stack;
import dev.graft.dsl.tree.TestModules.Wrapped;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Random model trees drawn from one seed: nested records, lists and maps of modules and tensors,
 * a non-record module, null components and empty containers. Every node and leaf is a distinct
 * object, so selectors resolve by identity without ambiguity.
 */
final class RandomTrees {
  final SplittableRandom rnd;

  RandomTrees(long seed) {
    rnd = new SplittableRandom(seed);
  }

  Tensor tensor() {
    int[] shape = new int[rnd.nextInt(3)];
    int n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = 1 + rnd.nextInt(3);
      n *= shape[i];
    }
    float[] d = new float[n];
    for (int i = 0; i < n; i++) {
      d[i] = rnd.nextInt(-5, 6);
    }
    return Tensor.of(d, shape);
  }

  Dense dense() {
    return new Dense(tensor(), rnd.nextBoolean() ? tensor() : null);
  }

  Layer module(int depth) {
    int kind = depth <= 0 || rnd.nextInt(5) == 0 ? (rnd.nextInt(5) == 0 ? 1 : 0)
        : 2 + rnd.nextInt(6);
    switch (kind) {
      case 0:
        return dense();
      case 1:
        return new Relu();
      case 2:
        return new Block(module(depth - 1), dense(), rnd.nextInt(4), "b" + rnd.nextInt(3),
            new float[] {rnd.nextInt(3)}, UnaryOperator.identity());
      case 3:
        return new Seq(list(3, () -> module(depth - 1)), map(3, this::tensor),
            list(2, this::tensor));
      case 4:
        return new Grid(list(2, () -> this.<Layer>list(2, () -> module(depth - 1))),
            map(2, () -> list(2, this::tensor)));
      case 5:
        return new Wrapped(module(depth - 1), tensor());
      case 6:
        return new Custom(tensor(), module(depth - 1));
      default:
        return new Stack(list(3, this::dense));
    }
  }

  Layer tree() {
    int depth = 1 + rnd.nextInt(3);
    return rnd.nextInt(4) == 0 ? module(depth)
        : new Seq(list(4, () -> module(depth)), map(3, this::tensor), list(2, this::tensor));
  }

  /** A fresh list (never the shared empty {@code List.of()}). */
  <T> List<T> list(int max, java.util.function.Supplier<T> element) {
    int n = rnd.nextInt(max + 1);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return Collections.unmodifiableList(out);
  }

  /** A fresh map with keys inserted in random order. */
  <T> Map<String, T> map(int max, java.util.function.Supplier<T> value) {
    int n = rnd.nextInt(max + 1);
    Map<String, T> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(String.valueOf((char) ('a' + rnd.nextInt(26))) + rnd.nextInt(3), value.get());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Every path in the tree (nodes, containers, leaves), the root first. */
  static List<Path> allPaths(Object tree) {
    List<Path> out = new ArrayList<>();
    Nodes.walk(tree, Path.root(), (p, n) -> out.add(p));
    return out;
  }

  <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  /** A value that fits where {@code node} is: a fresh tensor, or a copy of the node. */
  Object replacementFor(Object node) {
    return node instanceof Tensor ? tensor() : equalCopy(node);
  }

  /** A new object equal to {@code node} (a tensor copied, containers and modules rebuilt). */
  static Object equalCopy(Object node) {
    if (node instanceof Tensor t) {
      return copy(t);
    }
    if (node instanceof Layer m) {
      return Tree.map(m, RandomTrees::copy);
    }
    if (node instanceof List<?> l) {
      return Collections.unmodifiableList(new ArrayList<>(l));
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>((Map<?, ?>) node));
  }

  static Tensor copy(Tensor t) {
    return Tensor.of(t.toArray(), t.shape());
  }
}
