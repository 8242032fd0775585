package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Embedding;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user-defined adapter plugged into {@code Net.lora} through {@link AdapterFactory#of}: an
 * additive delta on an {@link Embedding} table (as jNO's {@code MyEmbeddingAdapter}), next to the
 * zoo's {@link LoRAAdapter} in the same spec.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class CustomAdapterTest {

  /**
   * {@code y = base(x) + s·delta[x]}: a full-size trainable delta on the table, zero at start;
   * merges into {@code Embedding(W + s·delta)}. Trains {@code num·dim} parameters.
   *
   * @param base the frozen table
   * @param delta the {@code (num, dim)} update
   * @param scale {@code α / r}
   */
  record EmbeddingAdapter(Embedding base, Tensor delta, double scale) implements LoraWrapper {
    static final AdapterFactory FACTORY = AdapterFactory.of("EmbeddingAdapter",
        layer -> layer instanceof Embedding,
        (base, config) -> new EmbeddingAdapter((Embedding) base,
            Tensor.zeros(((Embedding) base).weight().shape()), config.scale()));

    @Override
    public Tensor apply(Tensor x) {
      return base.apply(x).plus(new Embedding(delta).apply(x).times((float) scale));
    }

    @Override
    public Layer merge() {
      return new Embedding(base.weight().plus(delta.times((float) scale)));
    }

    @Override
    public List<String> adapterFields() {
      return List.of("delta");
    }
  }

  private static final LoraSpec SPEC = LoraSpec.builder().rank(2).alpha(4.0)
      .wrappers(List.of(EmbeddingAdapter.FACTORY, LoRALinear.FACTORY)).build();
  private static final Tensor IDS = Tensor.of(new float[] {0, 3, 3, 1, 5, 0}, 2, 3);

  private static Sequential model() {
    return Sequential.of(Embedding.create(7, 4, Key.of(1)), Linear.create(4, 3, Key.of(2)));
  }

  @Test
  void bothAdaptersAreGraftedAndOnlyTheirFieldsTrain() {
    Net net = Net.of(model()).freeze().lora(SPEC);
    assertInstanceOf(EmbeddingAdapter.class, Tree.get(net.module(), Path.of("layers/0")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/1")));
    assertEquals(List.of(Path.of("layers/0/delta"), Path.of("layers/1/loraA"),
        Path.of("layers/1/loraB")), net.trainablePaths());
    assertEquals(7 * 4 + 2 * (4 + 3), net.trainableCount());
    assertEquals(model().apply(IDS), net.apply(IDS));
  }

  @Test
  void mergeEqualsAdaptedAndUnmergeRestores() {
    Net trained = ZooLaws.perturbed(Net.of(model()).freeze().lora(SPEC), 3, 0.5f);
    Net merged = trained.merge();
    assertInstanceOf(Embedding.class, Tree.get(merged.module(), Path.of("layers/0")));
    assertInstanceOf(Linear.class, Tree.get(merged.module(), Path.of("layers/1")));
    Tensor adapted = trained.apply(IDS);
    ZooLaws.assertClose(adapted, merged.apply(IDS), 1e-5, "merged vs adapted");
    assertTrue(adapted.maxAbsDiff(model().apply(IDS)) > 0.1, "perturbation had no effect");
    assertEquals(trained.module(), merged.unmerge().module());
  }

  @Test
  void gradientReachesOnlyTheLookedUpRows() {
    Net net = Net.of(model()).freeze().lora(SPEC);
    EmbeddingAdapter e = (EmbeddingAdapter) Tree.get(net.module(), Path.of("layers/0"));
    Tensor g = Grad.grad(p -> new EmbeddingAdapter(e.base(), p.get(0), e.scale()).apply(IDS)
        .square().sum(), List.of(e.delta())).get(0);
    for (int row = 0; row < 7; row++) {
      boolean used = row == 0 || row == 1 || row == 3 || row == 5;
      float norm = g.get(row).abs().sum().item();
      assertEquals(used, norm > 0, "row " + row + " gradient " + g.get(row));
    }
  }

  @Test
  void defaultWrappersSkipTheEmbedding() {
    Sequential m = model();
    Net net = Net.of(m).freeze().lora(2, 4.0);
    assertSame(m.layers().get(0), Tree.get(net.module(), Path.of("layers/0")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/1")));
    assertEquals(List.of(Path.of("layers/1/loraA"), Path.of("layers/1/loraB")),
        net.trainablePaths());
  }
}
