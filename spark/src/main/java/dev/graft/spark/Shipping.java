package dev.graft.spark;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte forms a run broadcasts, all made by {@link TreeCodec} (plain {@code byte[]}s, which
 * Java serialization and Kryo both write as they are): the net once (module tree and trainable
 * paths), then the trainable leaves after every step.
 */
final class Shipping {
  private static final String MODULE = "module";
  private static final String TRAINABLE = "trainable";

  private Shipping() {}

  /** The module tree and the trainable paths of {@code net}. */
  static byte[] net(Net net) {
    List<String> paths = new ArrayList<>();
    for (Path p : net.trainablePaths()) {
      paths.add(p.toString());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(MODULE, net.module());
    m.put(TRAINABLE, paths);
    return TreeCodec.encode(m);
  }

  /** The net {@link #net(Net)} wrote: exactly its trainable paths are trainable. */
  static Net net(byte[] bytes) {
    Map<?, ?> m = TreeCodec.decode(bytes, Map.class);
    Layer module = (Layer) m.get(MODULE);
    List<Path> paths = new ArrayList<>();
    for (Object p : (List<?>) m.get(TRAINABLE)) {
      paths.add(Path.of((String) p));
    }
    return Net.of(module).freeze().unfreeze(Mask.of(paths));
  }

  /** The trainable leaves of {@code net}, by slash-joined path, in tree order. */
  static byte[] leaves(Net net) {
    Map<Path, Tensor> all = Tree.leavesByPath(net.module());
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Path p : net.trainablePaths()) {
      m.put(p.toString(), all.get(p));
    }
    return TreeCodec.encode(m);
  }

  /** {@code base} with the leaves {@link #leaves} wrote put in place. */
  static Net withLeaves(Net base, byte[] bytes) {
    Map<?, ?> m = TreeCodec.decode(bytes, Map.class);
    Map<Path, Tensor> leaves = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      leaves.put(Path.of((String) e.getKey()), (Tensor) e.getValue());
    }
    return base.withModule(Tree.combine(base.module(), leaves));
  }
}
