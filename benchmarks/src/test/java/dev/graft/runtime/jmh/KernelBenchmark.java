package dev.graft.runtime.jmh;

import dev.graft.runtime.bench.Bench;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH twin of {@link Bench}: the same named cases (square matmul in both orientations, the LoRA
 * step's products, conv2d), timed by JMH in a forked JVM. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl benchmarks -am test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main KernelBenchmark -p name=mm1024,mm1024_nt"
 * </pre>
 *
 * Add {@code -jvmArgsAppend --add-modules=jdk.incubator.vector} to the JMH arguments for the
 * Vector API kernel. Convert a score to GFLOP/s with the case's flop count
 * ({@code 2·m·n·k}; Bench prints it directly).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmark {
  /** Which {@link Bench} case to time. */
  @Param({"mm256", "mm512", "mm1024", "mm2048", "mm256_nt", "mm512_nt", "mm1024_nt",
      "mm2048_nt", "lora_xWt", "lora_gW", "lora_xtg", "lora_xAt_r8", "lora_hBt_r8", "lora_gtx_r8",
      "small_32x64x64", "conv2d_k3"})
  public String name;

  private Runnable op = () -> { };

  /** Allocates the case's operands once per trial. */
  @Setup
  public void setup() {
    op = Bench.named(name).setup().get();
  }

  /** One run of the case. */
  @Benchmark
  public void run() {
    op.run();
  }
}
