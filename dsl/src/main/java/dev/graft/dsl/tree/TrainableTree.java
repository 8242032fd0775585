package dev.graft.dsl.tree;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The plain {@link Trainable}: a tree and the paths of its trainable leaves, in tree order, with
 * nothing else; what {@link Trainable#of} returns.
 *
 * @param module the model tree
 * @param trainablePaths the trainable leaves' paths, in tree order (unmodifiable)
 */
public record TrainableTree(Layer module, List<Path> trainablePaths)
    implements Trainable<TrainableTree> {
  /** Copies {@code trainablePaths} into an unmodifiable list. */
  public TrainableTree {
    trainablePaths = List.copyOf(trainablePaths);
  }

  static TrainableTree of(Layer module, List<Path> trainable) {
    Set<Path> wanted = new LinkedHashSet<>(trainable);
    List<Path> ordered = new ArrayList<>();
    for (Path p : Tree.paths(module)) {
      if (wanted.remove(p)) {
        ordered.add(p);
      }
    }
    if (!wanted.isEmpty()) {
      throw new IllegalArgumentException("Trainable.of: " + wanted + " are not leaves of the "
          + module.getClass().getSimpleName() + " tree; its leaves are " + Tree.paths(module));
    }
    return new TrainableTree(module, ordered);
  }

  @Override
  public TrainableTree withModule(Layer newModule) {
    return new TrainableTree(newModule, trainablePaths);
  }
}
