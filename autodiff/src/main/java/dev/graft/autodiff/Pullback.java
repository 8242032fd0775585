package dev.graft.autodiff;

import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The backward half of one recorded primitive application: maps the cotangent of its output to
 * the cotangents of its inputs. It captures only the values its rule needs.
 */
@FunctionalInterface
interface Pullback {
  /**
   * One entry per input of the application, each of that input's shape, or {@code null} for an
   * input that needs no cotangent (a constant to the tape).
   */
  @Nullable Tensor[] apply(Tensor cotangent);
}
