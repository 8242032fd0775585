/** JMH benchmarks of the runtime's kernels; run them as documented on {@code KernelBenchmark}. */
@NullMarked
package dev.graft.runtime.jmh;

import org.jspecify.annotations.NullMarked;
