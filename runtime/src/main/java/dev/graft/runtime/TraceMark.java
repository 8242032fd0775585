package dev.graft.runtime;

/**
 * What a tensor computed under a gradient trace carries: the thread that runs the trace, and
 * whether the trace is still recording. A trace lives on one thread (its interpreter is installed
 * there only), so a tensor it follows that is consumed by a primitive on another thread while it
 * records is a contribution to the gradient that would be lost; {@link Dispatch#bind} refuses
 * that with an {@link IllegalStateException} instead. Interpreters that trace create one mark per
 * trace, put it on the tensors they follow ({@link Dispatch#markTraced}) and {@link #end} it when
 * they stop recording.
 *
 * <p><b>Internal</b>: part of the interface between the runtime and the autodiff module (an
 * interpreter sees every primitive application). It is public only because that module lives in
 * another package; applications use {@link Tensor}'s methods and {@code dev.graft.autodiff.Grad}
 * instead, and it may change without notice.
 */
public final class TraceMark {
  private final Thread owner;
  private volatile boolean live = true;

  /** A mark for a trace run by the calling thread, recording until {@link #end}. */
  public TraceMark() {
    this.owner = Thread.currentThread();
  }

  /** The thread the trace runs on. */
  public Thread owner() {
    return owner;
  }

  /** Whether the trace is still recording. */
  boolean isLive() {
    return live;
  }

  /** The trace stopped recording: its tensors may be used anywhere from now on. */
  public void end() {
    live = false;
  }
}
