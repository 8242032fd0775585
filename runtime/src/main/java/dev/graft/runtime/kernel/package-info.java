/**
 * Array kernels behind the eager interpreter: elementwise, layout, reductions, matmul, im2col.
 *
 * <h2>Matrix products</h2>
 *
 * <p>Two entry points, both on flat row-major {@code float[]} with plain sizes and offsets (no
 * runtime types, so any layer can call them):
 *
 * <ul>
 *   <li>{@link dev.graft.runtime.kernel.Matmul#matmul Matmul.matmul} returns a fresh array for a
 *       batched product with broadcast batch axes and either operand transposed.
 *   <li>{@link dev.graft.runtime.kernel.Matmul#gemm(int, int, int, float[], int, boolean, float[],
 *       int, boolean, float[], int, boolean, MatmulEpilogue) Matmul.gemm} writes one product into
 *       the caller's array ({@code accumulate = false}: {@code C = A·B}, the old contents ignored,
 *       no zeroing pass; {@code true}: {@code C += A·B}) and then applies a
 *       {@link dev.graft.runtime.kernel.MatmulEpilogue MatmulEpilogue}: a bias over columns and
 *       an activation ({@code IDENTITY}, {@code RELU}, {@code GELU}), each block of {@code C}
 *       right after its last multiply-adds, while it is in cache. A {@code Linear} forward is
 *       {@code Matmul.gemm(batch, out, in, x, 0, false, w, 0, true, y, 0, false,
 *       MatmulEpilogue.bias(b, 0).then(Activation.RELU))}. An overload takes the thread count
 *       (for benchmarks).
 * </ul>
 *
 * <p>Products run on the Vector API kernel when the JVM has {@code --add-modules
 * jdk.incubator.vector} (otherwise on a plain-Java kernel that C2 auto-vectorizes, and the
 * library says once through its logger how to enable the fast one). The Vector API kernel uses
 * Goto/BLIS blocking with a 12×32 micro-kernel (24 accumulators in zmm registers; in L1 it runs at
 * the FMA loop's peak). Large products run on {@link dev.graft.runtime.kernel.Parallel#THREADS}
 * threads: each block of {@code B} ({@code k} deep, up to 2048 columns) is packed once, its panels
 * split between the threads, and shared by all of them; then each thread takes work items (whole
 * 12-row tiles of C, and 32-column ranges when there are too few rows for every thread) and packs
 * its own blocks of {@code A}. Nothing is packed twice, so the packing cost per thread falls as
 * threads are added; the limits past a few threads are the one join per block of B and the
 * shared L3 bandwidth for B's panels. The results are bit for bit the same on any thread count:
 * the kernel path depends on the shape alone and every tile sums the same depth blocks in the
 * same order whichever thread computes it.
 */
@NullMarked
package dev.graft.runtime.kernel;

import org.jspecify.annotations.NullMarked;
