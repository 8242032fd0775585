package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.AdapterState;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.PeftAdapters;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.optim.Step;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Lens;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Partition;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example of {@code docs/GUIDE.md} (and the one in {@code docs/ZOO.md}), compiled and
 * run: the docs' snippets are copied from the blocks between {@code // guide:} markers here, and
 * the assertions show that what the docs say they print or do is what they print or do.
 */
class GuideExamplesTest {
  // guide: model
  /** An encoder and a head; children declared as Layer so adapters can take their place. */
  record Classifier(Layer encoder, Layer head) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return head.apply(encoder.apply(x).relu());
    }
  }

  static Classifier model() {
    Key[] k = Key.of(0).split(3);
    return new Classifier(
        Sequential.of(Linear.create(4, 8, k[0]), new Relu(), Linear.create(8, 8, k[1])),
        Linear.create(8, 3, k[2]));
  }
  // end

  private static final Tensor X = Random.normal(Key.of(1), 64, 4);
  private static final int[] LABELS = labels();

  private static int[] labels() {
    float[] x = X.toArray();
    int[] y = new int[64];
    for (int i = 0; i < 64; i++) {
      y[i] = x[i * 4] > 0 ? (x[i * 4 + 1] > 0 ? 2 : 1) : 0;
    }
    return y;
  }

  @Test
  void treesPathsLensesMasks() {
    // guide: trees
    Classifier model = model();
    List<Path> paths = Tree.paths(model);
    // [encoder/layers/0/weight, encoder/layers/0/bias, encoder/layers/2/weight,
    //  encoder/layers/2/bias, head/weight, head/bias]
    Tensor w = Tree.leaf(model, Path.of("head/weight"));              // (3, 8)

    // Replace a node or leaf picked by a lambda (found by identity); the rest is shared.
    Classifier noBias = Tree.at(model, m -> ((Linear) m.head()).bias(), Tensor.zeros(3));

    // A lens focuses on one position: get, set, modify.
    Lens<Classifier, Tensor> headWeight = Lens.of(Path.of("head/weight"));
    Classifier doubled = headWeight.modify(model, t -> t.times(2f));

    // A mask is a set of leaf paths: regex (whole path), explicit paths or nodes, predicates.
    Mask encoderWeights = Mask.regex("encoder/.*").and(Mask.regex(".*weight"));
    Set<Path> chosen = encoderWeights.resolve(model);
    // [encoder/layers/0/weight, encoder/layers/2/weight]
    Partition<Classifier> parts = Tree.partition(model, encoderWeights);
    Classifier same = parts.combine(parts.selected());                 // the same tree back
    // end

    assertEquals("[encoder/layers/0/weight, encoder/layers/0/bias, encoder/layers/2/weight,"
        + " encoder/layers/2/bias, head/weight, head/bias]", paths.toString());
    assertEquals(List.of(3, 8), List.of(w.dim(0), w.dim(1)));
    assertEquals(Tensor.zeros(3), ((Linear) noBias.head()).bias());
    assertSame(model.encoder(), noBias.encoder());
    assertEquals(w.times(2f), headWeight.get(doubled));
    assertEquals("[encoder/layers/0/weight, encoder/layers/2/weight]", chosen.toString());
    assertTrue(Tree.equals(model, same));
  }

  @Test
  void freezeMaskLora() {
    // guide: net
    Net net = Net.of(model())                   // every leaf trainable, as a fresh model
        .freeze()                               // every leaf present now is frozen
        .unfreeze(Mask.of("head"))              // the head trains
        .mask(Mask.regex("encoder/.*"))         // the next lora acts inside the encoder only
        .lora(
            LoraSpec.builder().rank(2).alpha(4.0).target("encoder/layers/0")
                .wrappers(List.of(DoRAAdapter.FACTORY)).build(),
            LoraSpec.of(4, 8.0));               // first match wins: layers/2 gets plain LoRA
    System.out.println(net.trainablePaths());
    // [encoder/layers/0/loraA, encoder/layers/0/loraB, encoder/layers/0/loraMagnitude,
    //  encoder/layers/2/loraA, encoder/layers/2/loraB, head/weight, head/bias]
    System.out.println(net);
    // Net[Classifier, trainable 123 of 235]
    // end

    assertEquals("[encoder/layers/0/loraA, encoder/layers/0/loraB, encoder/layers/0/loraMagnitude,"
        + " encoder/layers/2/loraA, encoder/layers/2/loraB, head/weight, head/bias]",
        net.trainablePaths().toString());
    assertEquals("Net[Classifier, trainable 123 of 235]", net.toString());
    assertInstanceOf(DoRAAdapter.class, Tree.get(net.module(), Path.of("encoder/layers/0")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("encoder/layers/2")));
    assertInstanceOf(Linear.class, Tree.get(net.module(), Path.of("head")), "outside the mask");
    assertTrue(net.apply(X).allClose(model().apply(X), 1e-6, 1e-6), "starts as the model");

    // guide: net-errors
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Net.of(model()).lora(LoraSpec.of(4, 8.0, "decoder")));
    // lora: no adaptable layer matched target 'decoder'; layers the wrappers could adapt:
    // 'encoder/layers/0' (Linear (8, 4)), 'encoder/layers/2' (Linear (8, 8)), 'head' (Linear (3, 8))
    // end
    assertEquals("lora: no adaptable layer matched target 'decoder'; layers the wrappers could"
        + " adapt: 'encoder/layers/0' (Linear (8, 4)), 'encoder/layers/2' (Linear (8, 8)),"
        + " 'head' (Linear (3, 8))", e.getMessage());
  }

  @Test
  void zooSpecFromZooMd() {
    Classifier model = model();
    // guide: zoo
    LoraSpec spec = LoraSpec.builder().rank(4).alpha(8.0)
        .wrappers(List.of(DoRAAdapter.FACTORY))
        .build();
    Net net = Net.of(model).freeze().lora(spec);
    // end
    assertEquals(3, net.adapters().size());
    assertTrue(net.adapters().values().stream().allMatch(a -> a instanceof DoRAAdapter));
    assertEquals(4 * (4 + 8) + 8 + 4 * (8 + 8) + 8 + 4 * (8 + 3) + 3, net.trainableCount());
  }

  // guide: adapted
  /** LoRA on the encoder's layers, the head trainable: what the later examples start from. */
  static Net adapted() {
    return Net.of(model()).freeze().unfreeze(Mask.of("head")).lora(4, 8.0, "encoder");
  }

  /** {@link #adapted()} after 20 epochs of AdamW on a small classification task {@code X, LABELS}. */
  static Net trained() {
    return adapted().fit(LabeledBatch.split(X, LABELS, 16),
        (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()), AdamW.of(1e-2), 20);
  }
  // end

  @Test
  void mergeUnmergeDisable() {
    Net trained = trained();
    // guide: merge
    Net merged = trained.merge();               // plain Linear layers, the same outputs
    float gap = merged.apply(X).maxAbsDiff(trained.apply(X));            // < 1e-5
    Net back = merged.unmerge();                // the adapters exactly as they were
    boolean exact = back.module().equals(trained.module());              // true

    Net off = trained.disableAdapters();        // the bases alone: the frozen model's outputs
    Net on = off.enableAdapters();
    // end
    assertTrue(gap < 1e-5, "gap " + gap);
    assertTrue(exact);
    assertInstanceOf(Linear.class, Tree.get(merged.module(), Path.of("encoder/layers/0")));
    assertTrue(merged.isMerged());
    assertThrows(IllegalStateException.class, () -> merged.lora(4, 8.0));
    Classifier base = (Classifier) off.module();
    assertEquals(model().encoder(), base.encoder(), "bases are the original layers");
    assertEquals(trained.module(), on.module());
  }

  @Test
  void perLayerControls() {
    Net trained = trained();
    // guide: per layer
    Net one = trained.merge(Mask.of("encoder/layers/2"));   // only that layer is folded
    Net back = one.unmerge(Mask.of("encoder/layers/2"));    // and restored bit for bit
    Net off = trained.disableAdapters(Mask.modules("0"));   // only encoder/layers/0 runs its base
    AdapterState s = one.adapterState(Path.of("encoder/layers/2"));        // MERGED
    long n = trained.trainableCount(Mask.of("encoder/layers/0"));          // 4·(4 + 8) = 48
    // end
    assertInstanceOf(Linear.class, Tree.get(one.module(), Path.of("encoder/layers/2")));
    assertEquals(AdapterState.ACTIVE, one.adapterState(Path.of("encoder/layers/0")));
    assertTrue(one.apply(X).allClose(trained.apply(X), 1e-5, 1e-5));
    assertEquals(trained.module(), back.module());
    assertEquals(AdapterState.DISABLED, off.adapterState(Path.of("encoder/layers/0")));
    assertEquals(AdapterState.MERGED, s);
    assertEquals(48, n);
  }

  @Test
  void training(@TempDir java.nio.file.Path dir) {
    Net net = adapted();
    // guide: value-and-grad
    LossAndGrads lg = net.valueAndGrad(m -> Losses.softmaxCrossEntropy(m.apply(X), LABELS));
    // lg.grads(): one gradient per trainable leaf, by path; frozen leaves get none
    Step<Net> step = AdamW.of(1e-2).step(net, lg.grads(), OptState.empty());
    Net next = step.net();                      // frozen leaves are the same objects
    // end
    assertEquals(net.trainablePaths(), List.copyOf(lg.grads().keySet()));
    assertSame(Tree.leaf(net.module(), Path.of("encoder/layers/0/base/weight")),
        Tree.leaf(next.module(), Path.of("encoder/layers/0/base/weight")));
    assertNotEquals(Tree.leaf(net.module(), Path.of("head/weight")),
        Tree.leaf(next.module(), Path.of("head/weight")));

    // guide: fit
    List<LabeledBatch> batches = LabeledBatch.split(X, LABELS, 16);
    Net fitted = net.fit(batches,
        (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()),
        AdamW.of(1e-2), 20);
    // end
    assertTrue(Losses.softmaxCrossEntropy(fitted.apply(X), LABELS).item()
        < lg.value().item() / 2);

    // guide: trainer
    TrainResult<Net> result = Trainer.builder()
        .optimizer(AdamW.of(1e-2))
        .epochs(20)
        .schedule(Schedule.warmupCosine(1e-2, 8, 20 * batches.size()))
        .clipNorm(1.0)
        .shuffle(true)
        .seed(7)
        .evaluation(n -> Map.of("accuracy", (double) Losses.accuracy(n.apply(X), LABELS)))
        .plotPath(dir.resolve("loss.png"))
        .name("lora")
        .build()
        .fit(net, batches, (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()));
    Net trainedNet = result.net();
    List<Double> accuracy = result.history().metric("accuracy");      // one value per epoch
    // end
    assertEquals(20, accuracy.size());
    assertTrue(accuracy.get(19) > accuracy.get(0), accuracy.toString());
    assertTrue(Files.exists(dir.resolve("loss.png")));
    assertEquals(20 * 4, result.history().steps());
    assertNotEquals(net.module(), trainedNet.module());
  }

  @Test
  void checkpoints(@TempDir java.nio.file.Path dir) {
    Net trained = trained();
    // guide: checkpoints
    // The whole tree (every leaf, and which ones train) in one safetensors file:
    trained.save(dir.resolve("model.safetensors"));
    Net restored = Net.load(dir.resolve("model.safetensors"), adapted().module());

    // Only the adapters (and the unfrozen head), in Hugging Face PEFT's layout:
    trained.saveAdapter(dir.resolve("adapter"));
    // adapter/adapter_model.safetensors, adapter/adapter_config.json
    Net again = adapted().loadAdapter(dir.resolve("adapter"));

    // A checkpoint of the model from before lora, loaded under the adapters:
    Net.of(model()).save(dir.resolve("base.safetensors"));
    Net onPretrained = adapted().loadBase(dir.resolve("base.safetensors"));
    // end
    assertEquals(trained.module(), restored.module());
    assertEquals(trained.trainablePaths(), restored.trainablePaths());
    assertEquals(trained.module(), again.module());
    assertTrue(Files.exists(dir.resolve("adapter/adapter_model.safetensors")));
    assertTrue(Files.exists(dir.resolve("adapter/adapter_config.json")));
    assertEquals(adapted().module(), onPretrained.module());
  }

  @Test
  void peftFolders(@TempDir java.nio.file.Path dir) {
    Net trained = trained();
    trained.saveAdapter(dir.resolve("adapter"));   // a PEFT-layout folder, as PEFT would write
    // guide: peft
    Net base = Net.of(model());                    // the plain model with its pretrained weights
    Net adapted = base.loadPeft(dir.resolve("adapter")); // frozen base, adapter in
    List<LoraSpec> specs = PeftAdapters.specs(model(), dir.resolve("adapter")); // or the specs
    // end
    assertEquals(trained.module(), adapted.module());
    assertEquals(Set.copyOf(trained.trainablePaths()), Set.copyOf(adapted.trainablePaths()));
    assertEquals(1, specs.size());
    assertEquals(4, specs.get(0).rank());
  }
}
