package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoKrLinear;
import dev.graft.dsl.lora.LoRAFALinear;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.MiLoRALinear;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.OFTLinear;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every zoo adapter wraps the attention's query and value of the small BERT, and merging gives
 * plain Linear layers with the adapted outputs, after the adapters were moved off identity.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class BertZooTest {
  static final List<AdapterFactory> ZOO = List.of(LoRALinear.FACTORY, RsLoRALinear.FACTORY,
      LoRAFALinear.FACTORY, DoRALinear.FACTORY, PiSSALinear.FACTORY, MiLoRALinear.FACTORY,
      LoRAXSLinear.FACTORY, VeRALinear.FACTORY, IA3Linear.FACTORY, LoKrLinear.FACTORY,
      OFTLinear.FACTORY);

  @Test
  void everyZooAdapterWrapsQueryAndValueAndMergesToTheAdaptedOutput() {
    Bert bert = SmallBertTest.fromSafetensors();
    Map<String, Tensor> io = SmallBertTest.io().tensors();
    Tensor ids = io.get("input_ids");
    Tensor mask = io.get("attention_mask");
    Tensor plain = bert.encode(ids, mask);
    for (AdapterFactory f : ZOO) {
      Net net = Net.of(bert).freeze().lora(LoraSpec.builder().rank(4).alpha(8.0)
          .addTargetModules("query", "value").wrappers(List.of(f)).build());
      Map<Path, LoraWrapper> adapters = net.adapters();
      assertEquals(Set.of(Path.of("encoder/layer/0/attention/self/query"),
          Path.of("encoder/layer/0/attention/self/value")), adapters.keySet(), f.name());
      // Identity at start.
      Tensor start = ((Bert) net.module()).encode(ids, mask);
      assertTrue(start.allClose(plain, 1e-4, 1e-5), f.name() + ": not identity at start, max diff "
          + start.maxAbsDiff(plain));
      Set<Path> trainable = new HashSet<>(net.trainablePaths());
      assertTrue(!trainable.isEmpty(), f.name());
      Random rnd = new Random(11);
      Net moved = net.withModule(Tree.mapWithPath(net.module(), (p, t) -> trainable.contains(p)
          ? t.plus(Fixtures.randn(rnd, t.shape()).times(0.5f)) : t));
      Tensor adapted = ((Bert) moved.module()).encode(ids, mask);
      assertTrue(adapted.maxAbsDiff(plain) > 1e-4,
          f.name() + ": moving the adapter changed nothing");
      Net merged = moved.merge();
      Bert m = (Bert) merged.module();
      assertTrue(m.encoder().layer().get(0).attention().self().query() instanceof Linear,
          f.name());
      Tensor out = m.encode(ids, mask);
      assertTrue(out.allClose(adapted, 1e-4, 1e-4), f.name() + ": merged differs from adapted by "
          + out.maxAbsDiff(adapted));
    }
  }
}
