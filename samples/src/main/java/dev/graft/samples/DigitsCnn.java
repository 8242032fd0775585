package dev.graft.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;

/**
 * The shoot-out's small CNN for 8×8 digits: {@code conv1} (1→16 channels, 4×4 kernel, stride 2,
 * padding 1, so 8×8 becomes 4×4), {@code conv2} (16→32, 3×3, padding 1), {@code fc} (512→64) and
 * a {@code head} (64→classes), with ReLU between them.
 *
 * <p>The sizes are chosen so every zoo adapter can take every layer at ranks 1, 2, 4, 8 and 16:
 * the layers' flattened inputs (16, 144, 512) and outputs (16, 32, 64) are multiples of 16 (OFT's
 * block size must divide the Linear's input and the convolutions' output channels) and at least
 * 16 (PiSSA, MiLoRA and LoRA-XS need {@code r ≤ min(out, in)}). The children are declared as
 * {@link Layer} so adapters can wrap them.
 *
 * @param conv1 the first convolution
 * @param conv2 the second convolution
 * @param fc the hidden fully connected layer
 * @param head the classifier
 */
public record DigitsCnn(Layer conv1, Layer conv2, Layer fc, Layer head) implements Layer {
  /** Hidden features before the head. */
  public static final int HIDDEN = 64;

  /** A fresh network for {@code classes} classes, initialized as PyTorch would from {@code key}. */
  public static DigitsCnn create(int classes, Key key) {
    Key[] k = key.split(4);
    return new DigitsCnn(
        Conv2d.create(1, 16, 4, ConvOptions.defaults().stride(2).padding(1), k[0]),
        Conv2d.create(16, 32, 3, ConvOptions.defaults().padding(1), k[1]),
        Linear.create(32 * 4 * 4, HIDDEN, k[2]),
        newHead(classes, k[3]));
  }

  /** A fresh classifier from the hidden features to {@code classes} logits. */
  public static Linear newHead(int classes, Key key) {
    return Linear.create(HIDDEN, classes, key);
  }

  /** This network with another head (the same backbone). */
  public DigitsCnn withHead(Layer newHead) {
    return new DigitsCnn(conv1, conv2, fc, newHead);
  }

  /** Logits {@code (n, classes)} for images {@code (n, 1, 8, 8)}. */
  @Override
  public Tensor apply(Tensor x) {
    Tensor h = conv1.apply(x).relu();
    h = conv2.apply(h).relu();
    h = h.reshape(h.dim(0), -1);
    h = fc.apply(h).relu();
    return head.apply(h);
  }
}
