package dev.graft.dsl.bench;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Interpreter;
import dev.graft.runtime.Params;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A profiling {@link Interpreter}: installed with {@link #run} around a training step, it times
 * every primitive application it computes (delegating to the eager interpreter) and groups the
 * time by phase, primitive, parameters and input shapes. Autodiff's tracer delegates its forward
 * computation to the interpreter that was current when the gradient call began, and the backward
 * pass runs under it too, so one profile covers forward and backward; what the table does not
 * cover (tracing, tree rebuilding, the optimizer) is the wall time minus the sum.
 */
public final class PrimitiveProfile implements Interpreter {
  /** Time and count of one kind of application. */
  private static final class Entry {
    long nanos;
    long count;
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private String phase = "fwd";
  private long wallNanos;

  /** Sets the label the following applications are grouped under, e.g. {@code "bwd"}. */
  public void phase(String name) {
    phase = name;
  }

  /** Runs {@code body} with this profiler installed on the calling thread, adding its wall time. */
  public <T> T run(Supplier<T> body) {
    long t0 = System.nanoTime();
    try {
      return Dispatch.with(this, body);
    } finally {
      wallNanos += System.nanoTime() - t0;
    }
  }

  @Override
  public Tensor apply(Primitive primitive, Params params, Tensor... inputs) {
    long t0 = System.nanoTime();
    Tensor out = Dispatch.eager().apply(primitive, params, inputs);
    long dt = System.nanoTime() - t0;
    StringBuilder key = new StringBuilder(phase).append(' ').append(primitive);
    if (params instanceof Params.Matmul m) {
      key.append(m.transposeA() ? " T" : " N").append(m.transposeB() ? "T" : "N");
    }
    for (Tensor t : inputs) {
      key.append(' ').append(Arrays.toString(t.shape()).replace(" ", ""));
    }
    Entry e = entries.computeIfAbsent(key.toString(), k -> new Entry());
    e.nanos += dt;
    e.count++;
    return out;
  }

  /**
   * The table: one line per kind of application, slowest first, with its total milliseconds per
   * {@code calls} runs, count per run and share of the wall time; then the unaccounted rest.
   */
  public String report(int calls) {
    List<Map.Entry<String, Entry>> list = new ArrayList<>(entries.entrySet());
    list.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
    long sum = 0;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%9s %6s %6s  %s%n", "ms/run", "n/run", "%wall",
        "phase primitive [flags] input shapes"));
    for (Map.Entry<String, Entry> e : list) {
      Entry v = e.getValue();
      sum += v.nanos;
      sb.append(String.format(Locale.ROOT, "%9.3f %6.1f %5.1f%%  %s%n", v.nanos / 1e6 / calls,
          (double) v.count / calls, 100.0 * v.nanos / wallNanos, e.getKey()));
    }
    sb.append(String.format(Locale.ROOT, "%9.3f %6s %5.1f%%  (wall time outside primitives)%n",
        (wallNanos - sum) / 1e6 / calls, "", 100.0 * (wallNanos - sum) / wallNanos));
    sb.append(String.format(Locale.ROOT, "%9.3f %6s %5s  (wall per run)%n",
        wallNanos / 1e6 / calls, "", ""));
    return sb.toString();
  }
}
