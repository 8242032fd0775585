/** Array kernels behind the eager interpreter: elementwise, layout, reductions, matmul, im2col. */
@NullMarked
package dev.graft.runtime.kernel;

import org.jspecify.annotations.NullMarked;
