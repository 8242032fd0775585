/** The kernel benchmark runner: matmul and convolution throughput, printed as a table. */
@NullMarked
package dev.graft.runtime.bench;

import org.jspecify.annotations.NullMarked;
