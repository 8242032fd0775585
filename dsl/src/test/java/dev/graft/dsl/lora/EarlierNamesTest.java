package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The per-layer class names of the zoo are kept as deprecated holders: their {@code create} builds
 * exactly what the one class per variant builds from the same base and config.
 */
@SuppressWarnings("deprecation")
class EarlierNamesTest {
  private static final Linear LINEAR = Linear.create(12, 8, true, Key.of(1));
  private static final Conv CONV = Conv2d.create(4, 8, 3, Key.of(2));
  private static final AdapterConfig CONFIG = new AdapterConfig(4, 8.0, 0.0, Key.of(3));

  private static void same(Layer earlier, Layer now) {
    assertEquals(now.getClass(), earlier.getClass());
    assertTrue(Tree.equals(now, earlier), () -> now + " vs " + earlier);
  }

  @Test
  void linearHoldersBuildTheOneClass() {
    List<BiFunction<Linear, AdapterConfig, Layer>> earlier = List.of(LoRALinear::create,
        RsLoRALinear::create, LoRAFALinear::create, DoRALinear::create, PiSSALinear::create,
        MiLoRALinear::create, LoRAXSLinear::create, LoKrLinear::create, OFTLinear::create);
    List<BiFunction<Layer, AdapterConfig, Layer>> now = List.of(LoRAAdapter::create,
        RsLoRAAdapter::create, LoRAFAAdapter::create, DoRAAdapter::create, PiSSAAdapter::create,
        MiLoRAAdapter::create, LoRAXSAdapter::create, LoKrAdapter::create, OFTAdapter::create);
    for (int i = 0; i < earlier.size(); i++) {
      same(earlier.get(i).apply(LINEAR, CONFIG), now.get(i).apply(LINEAR, CONFIG));
    }
    same(IA3Linear.create(LINEAR), IA3Adapter.create(LINEAR));
    assertInstanceOf(LoRAAdapter.class, LoRALinear.create(LINEAR, CONFIG));
  }

  @Test
  void convHoldersBuildTheOneClass() {
    List<BiFunction<Conv, AdapterConfig, Layer>> earlier = List.of(LoRAConv::create,
        RsLoRAConv::create, LoRAFAConv::create, DoRAConv::create, PiSSAConv::create,
        MiLoRAConv::create, LoRAXSConv::create, LoKrConv::create);
    List<BiFunction<Layer, AdapterConfig, Layer>> now = List.of(LoRAAdapter::create,
        RsLoRAAdapter::create, LoRAFAAdapter::create, DoRAAdapter::create, PiSSAAdapter::create,
        MiLoRAAdapter::create, LoRAXSAdapter::create, LoKrAdapter::create);
    for (int i = 0; i < earlier.size(); i++) {
      same(earlier.get(i).apply(CONV, CONFIG), now.get(i).apply(CONV, CONFIG));
    }
    same(IA3Conv.create(CONV), IA3Adapter.create(CONV));
  }

  @Test
  void theGroupedHolderBuildsTheOneClass() {
    GroupedLinear grouped = GroupedLinear.create(3, 6, 4, true, Key.of(4));
    same(LoRAGroupedLinear.create(grouped, CONFIG), LoRAAdapter.create(grouped, CONFIG));
    same(LoRAGroupedLinear.FACTORY.create(grouped, CONFIG), LoRAAdapter.create(grouped, CONFIG));
    AdapterFactory earlier = LoRAGroupedLinear.FACTORY;
    assertTrue(earlier.appliesTo(grouped) && !earlier.appliesTo(LINEAR)
        && !earlier.appliesTo(CONV));
  }
}
