package dev.graft.autodiff;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Interpreter;
import dev.graft.runtime.Params;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import dev.graft.runtime.TraceMark;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The interpreter installed (on one thread) while a function being differentiated runs. It
 * computes every application by delegating to the interpreter that was current before it (eager,
 * or an enclosing trace), and records on the tape only the applications with at least one traced
 * input. Tensors are traced by identity: the differentiated tensors, the stand-ins handed to the
 * function for them, and every output recorded since.
 *
 * <p>The stand-ins and the recorded outputs carry this trace's {@link TraceMark}, so a primitive
 * applied to one of them on another thread while the trace records fails loudly (see {@link
 * Dispatch#checkTraceThread}) instead of dropping its part of the gradient. The stand-ins exist so
 * that the mark never lands on the caller's own tensors, which other threads may use freely.
 */
final class Tracer implements Interpreter {
  private final Interpreter parent;
  private final VjpRules rules;
  private final IdentityHashMap<Tensor, Integer> ids = new IdentityHashMap<>();
  private final List<Tape.Node> nodes = new ArrayList<>();
  private final int[] leafIds;
  private final List<Tensor> arguments;
  private final IdentityHashMap<Tensor, Tensor> originals = new IdentityHashMap<>();
  private final TraceMark mark = new TraceMark();
  private boolean finished;

  /**
   * A tracer whose leaves are the distinct tensors of {@code wrt}; a tensor listed twice is one
   * leaf. Each leaf gets a stand-in: a new tensor object sharing its data, traced as the leaf.
   */
  Tracer(Interpreter parent, VjpRules rules, List<Tensor> wrt) {
    this.parent = parent;
    this.rules = rules;
    this.leafIds = new int[wrt.size()];
    List<Tensor> standIns = new ArrayList<>(wrt.size());
    IdentityHashMap<Tensor, Tensor> standInOf = new IdentityHashMap<>();
    for (int k = 0; k < wrt.size(); k++) {
      Tensor t = wrt.get(k);
      Integer id = ids.get(t);
      if (id == null) {
        id = nodes.size();
        ids.put(t, id);
        nodes.add(new Tape.Node(null, null, new int[0], new int[0][], t.shape()));
        // Through the parent, so an enclosing trace that follows t follows the stand-in too.
        Tensor standIn = parent.apply(Primitive.RESHAPE, new Params.Shape(t.shape()), t);
        if (standIn == t) {
          standIn = Dispatch.eager().apply(Primitive.RESHAPE, new Params.Shape(t.shape()), t);
        }
        Dispatch.markTraced(standIn, mark);
        ids.put(standIn, id);
        standInOf.put(t, standIn);
        originals.put(standIn, t);
      }
      leafIds[k] = id;
      standIns.add(standInOf.get(t));
    }
    this.arguments = List.copyOf(standIns);
  }

  /** What the function is called with: a stand-in for each tensor of {@code wrt}, in order. */
  List<Tensor> arguments() {
    return arguments;
  }

  @Override
  public Tensor apply(Primitive primitive, Params params, Tensor... inputs) {
    if (finished) {
      throw new IllegalStateException("autodiff: a finished trace was asked to apply " + primitive);
    }
    Dispatch.checkTraceThread(primitive, inputs);
    int[] inputIds = new int[inputs.length];
    boolean[] traced = new boolean[inputs.length];
    boolean any = false;
    for (int k = 0; k < inputs.length; k++) {
      Integer id = ids.get(inputs[k]);
      inputIds[k] = id == null ? -1 : id;
      traced[k] = id != null;
      any |= traced[k];
    }
    if (!any) {
      return parent.apply(primitive, params, inputs);
    }
    VjpRule rule = rules.rule(primitive);
    Tensor output = distinct(parent.apply(primitive, params, inputs), inputs);
    Pullback pullback = rule.pullback(params, inputs.clone(), output, traced);
    if (pullback == null) {
      return output; // not differentiable: a constant to the tape
    }
    int[][] shapes = new int[inputs.length][];
    for (int k = 0; k < inputs.length; k++) {
      shapes[k] = traced[k] ? inputs[k].shape() : new int[0];
    }
    int id = nodes.size();
    nodes.add(new Tape.Node(primitive, pullback, inputIds, shapes, output.shape()));
    ids.put(output, id);
    Dispatch.markTraced(output, mark);
    return output;
  }

  /**
   * An output that is the very object of one of its inputs (stop-gradient is the identity) gets a
   * fresh identity sharing the same data, so tracing by identity stays exact.
   */
  private static Tensor distinct(Tensor output, Tensor[] inputs) {
    for (Tensor in : inputs) {
      if (in == output) {
        return Dispatch.eager().apply(Primitive.RESHAPE, new Params.Shape(output.shape()), output);
      }
    }
    return output;
  }

  /** The node id of {@code t}, or {@code -1} when it is a constant to this trace. */
  int idOf(@Nullable Tensor t) {
    Integer id = t == null ? null : ids.get(t);
    return id == null ? -1 : id;
  }

  /** The leaf id of each position of {@code wrt}. */
  int[] leafIds() {
    return leafIds.clone();
  }

  /** {@code t}, or the tensor of {@code wrt} it stands in for: what a caller is given back. */
  Tensor original(Tensor t) {
    Tensor o = originals.get(t);
    return o == null ? t : o;
  }

  /** The function returned or threw: tensors it made may be used on any thread from now on. */
  void stopMarking() {
    mark.end();
  }

  /**
   * Ends recording and hands over the tape; the identity map (which holds every traced value) is
   * dropped so only what the pullbacks keep stays reachable.
   */
  Tape finish() {
    finished = true;
    mark.end();
    ids.clear();
    originals.clear();
    Tape tape = new Tape(nodes.toArray(new Tape.Node[0]));
    nodes.clear();
    return tape;
  }
}
