package dev.graft.dsl.tree;

import java.util.List;

/**
 * A model tree together with the paths of its trainable leaves: all that optimizers, the trainer
 * and the gradient code need to know of a model. They take any {@code T extends Trainable<T>} and
 * return a {@code T} ({@link #withModule} rebuilds it around an updated tree), so they work on
 * trees and path-keyed maps without knowing the {@code Net} facade, which implements this
 * interface and sits above them — as optax works on pytrees and knows nothing of Equinox modules.
 *
 * <p>{@link #of} gives a plain one for code that keeps its own trainable set.
 *
 * @param <T> the implementing type, returned by {@link #withModule}
 */
public interface Trainable<T extends Trainable<T>> {
  /** The model tree. */
  Layer module();

  /** The paths of the trainable leaves, in tree order. */
  List<Path> trainablePaths();

  /**
   * This value around another tree of the same structure (after an optimizer step or a load):
   * whatever else it carries, the trainable set included, is kept.
   */
  T withModule(Layer newModule);

  /**
   * A plain tree with its trainable leaves: the leaves at {@code trainable} (each must be a leaf of
   * {@code module}), in tree order.
   *
   * @throws IllegalArgumentException naming a path that is not a leaf of {@code module}
   */
  static TrainableTree of(Layer module, List<Path> trainable) {
    return TrainableTree.of(module, trainable);
  }
}
