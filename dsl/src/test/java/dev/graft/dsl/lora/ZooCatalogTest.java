package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The zoo laws ({@link ZooLaws}) for every kind of {@link AdapterCatalog}, on Linear and on
 * Conv1d/2d/3d bases, with the promises of {@link ZooExpectations}; and what the catalog itself
 * guarantees: unique names, each kind's class describing itself, the earlier per-layer factory
 * names still building the kind on their layer only.
 */
class ZooCatalogTest {
  @TestFactory
  Stream<DynamicTest> everyKindObeysTheLawsOnLinearAndConv() {
    return AdapterCatalog.KINDS.stream().flatMap(k -> {
      ZooExpectations.Expect e = ZooExpectations.BY_NAME.get(k.name());
      assertNotNull(e, "the catalog's " + k + " has no entry in ZooExpectations");
      return Stream.concat(e.laws(k, ZooLaws.Kind.LINEAR).laws(),
          e.laws(k, ZooLaws.Kind.CONV).laws());
    });
  }

  @Test
  void namesAndClassesAreUniqueAndEveryExpectationHasAKind() {
    Set<String> names = new HashSet<>();
    Set<Class<?>> types = new HashSet<>();
    for (AdapterKind k : AdapterCatalog.KINDS) {
      assertTrue(names.add(k.name()) && names.add(k.slug()), "name repeated: " + k);
      assertTrue(types.add(k.type()), "class repeated: " + k.type());
      assertSame(k, AdapterCatalog.named(k.slug()).orElseThrow());
      assertSame(k, AdapterKind.of(k.factory()).orElseThrow());
    }
    for (String n : ZooExpectations.BY_NAME.keySet()) {
      assertTrue(AdapterCatalog.named(n).isPresent(), n + " is expected but not in the catalog");
    }
  }

  @Test
  void eachAdapterReportsItsKindAndTheKindsFields() {
    Linear base = Linear.create(6, 5, Key.of(1));
    for (AdapterKind k : AdapterCatalog.KINDS) {
      ZooAdapter w = k.create(base, new AdapterConfig(2, 4.0, 0, Key.of(2)));
      assertSame(k, w.kind());
      assertSame(k.type(), w.getClass());
      assertEquals(k.trainable(), w.adapterFields());
    }
  }

  /** A zoo adapter that forgot to declare its kind. */
  record Undeclared(dev.graft.dsl.tree.Layer base) implements ZooAdapter {
    @Override
    public dev.graft.dsl.tree.Layer merge() {
      return base;
    }

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public dev.graft.runtime.Tensor apply(dev.graft.runtime.Tensor x) {
      return base.apply(x);
    }
  }

  @Test
  void anAdapterWithoutAKindIsToldToDeclareOne() {
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> new Undeclared(Linear.create(2, 2, Key.of(1))).kind());
    assertTrue(e.getMessage().contains(Undeclared.class.getName())
        && e.getMessage().contains("static final AdapterKind KIND"), e.getMessage());
  }

  @Test
  void earlierPerLayerNamesBuildTheKindOnTheirLayerOnly() {
    Linear linear = Linear.create(6, 5, Key.of(1));
    Conv conv = Conv2d.create(2, 4, 3, Key.of(3));
    AdapterConfig config = new AdapterConfig(2, 4.0, 0, Key.of(2));
    @SuppressWarnings("deprecation")
    List<Object[]> linearOnly = List.of(
        new Object[] {LoRALinear.FACTORY, LoRAConv.FACTORY, LoRAAdapter.KIND},
        new Object[] {RsLoRALinear.FACTORY, RsLoRAConv.FACTORY, RsLoRAAdapter.KIND},
        new Object[] {LoRAFALinear.FACTORY, LoRAFAConv.FACTORY, LoRAFAAdapter.KIND},
        new Object[] {DoRALinear.FACTORY, DoRAConv.FACTORY, DoRAAdapter.KIND},
        new Object[] {PiSSALinear.FACTORY, PiSSAConv.FACTORY, PiSSAAdapter.KIND},
        new Object[] {MiLoRALinear.FACTORY, MiLoRAConv.FACTORY, MiLoRAAdapter.KIND},
        new Object[] {LoRAXSLinear.FACTORY, LoRAXSConv.FACTORY, LoRAXSAdapter.KIND},
        new Object[] {VeRALinear.FACTORY, VeRAConv.FACTORY, VeRAAdapter.KIND},
        new Object[] {IA3Linear.FACTORY, IA3Conv.FACTORY, IA3Adapter.KIND},
        new Object[] {LoKrLinear.FACTORY, LoKrConv.FACTORY, LoKrAdapter.KIND},
        new Object[] {OFTLinear.FACTORY, OFTConv.FACTORY, OFTAdapter.KIND});
    for (Object[] row : linearOnly) {
      AdapterFactory lf = (AdapterFactory) row[0];
      AdapterFactory cf = (AdapterFactory) row[1];
      AdapterKind kind = (AdapterKind) row[2];
      assertTrue(lf.appliesTo(linear) && !lf.appliesTo(conv), lf.name());
      assertTrue(cf.appliesTo(conv) && !cf.appliesTo(linear), cf.name());
      assertFalse(lf.appliesTo(lf.create(linear, config)), lf.name() + " on a wrapper");
      assertSame(kind.type(), lf.create(linear, config).getClass());
      assertSame(kind.type(), cf.create(conv, config).getClass());
      assertSame(kind, AdapterKind.of(lf).orElseThrow());
      assertSame(kind, AdapterKind.of(cf).orElseThrow());
    }
  }
}
