package dev.graft.dsl.lora;

import static dev.graft.testkit.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Records;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of the {@link AdapterCatalog} on a {@link GroupedLinear} ({@code weight (G, in,
 * out)}, each row through its group's matrix): the same class as on a Linear, holding one slice per
 * group in each field. The laws, on random grouped bases and row-to-group assignments: identity at
 * init; each row's output equals the kind's adapter on its group's Linear ({@link
 * GroupedLinear#group}) with that group's slice of every field, run on that row alone; merge
 * equals adapted; {@code G} times the kind's count on one group ({@link ZooExpectations}); through
 * {@code Net}: trainable paths, merge and exact unmerge, disable, save and load; gradients against
 * finite differences; dropout; refusals that name the field, the groups and the call to make.
 */
class ZooGroupedTest {
  @TempDir java.nio.file.Path dir;

  /** A mixture-of-experts block: each row through the expert its router chose. */
  record Experts(Layer experts, int[] groups) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return ((GroupedLayer) experts).apply(x, groups);
    }
  }

  /** A random grouped base, rows, their groups and a config every kind accepts. */
  record Case(GroupedLinear base, Tensor x, int[] groups, AdapterConfig config, long seed) {
    @Override
    public String toString() {
      return "GroupedLinear " + Shapes.format(base.weight().shape()) + (base.bias() == null
          ? " without" : " with") + " bias, rank " + config.rank() + ", alpha " + config.alpha()
          + ", x " + Shapes.format(x.shape()) + ", groups " + java.util.Arrays.toString(groups)
          + ", seed " + seed;
    }

    Case withDropout(double p) {
      return new Case(base, x, groups, new AdapterConfig(config.rank(), config.alpha(), p,
          config.key()), seed);
    }
  }

  /** {@code r ≤ 2}, {@code in} a multiple of {@code r} (OFT), {@code out ≥ r} (the SVD kinds). */
  static Case randomCase(long seed) {
    Random rnd = new Random(seed);
    int g = 1 + rnd.nextInt(3);
    int r = 1 + rnd.nextInt(2);
    int in = r * (1 + rnd.nextInt(3));
    int out = r + rnd.nextInt(4);
    int n = 1 + rnd.nextInt(7);
    Key key = Key.of(seed);
    GroupedLinear base = GroupedLinear.create(g, in, out, rnd.nextBoolean(), key.foldIn(1));
    int[] groups = new int[n];
    for (int i = 0; i < n; i++) {
      groups[i] = rnd.nextInt(g);
    }
    return new Case(base, dev.graft.runtime.Random.normal(key.foldIn(3), n, in), groups,
        new AdapterConfig(r, 0.5 + rnd.nextInt(8), 0, key.foldIn(2)), seed);
  }

  @TestFactory
  Stream<DynamicTest> everyKindObeysTheLawsOnGroupedLinear() {
    return AdapterCatalog.KINDS.stream().flatMap(k -> {
      String p = k.name() + " on grouped linear: ";
      List<DynamicTest> laws = new ArrayList<>(List.of(
          DynamicTest.dynamicTest(p + "applies, and is the kind's class",
              () -> appliesAndIsTheKindsClass(k)),
          DynamicTest.dynamicTest(p + "identity at init", () -> identityAtInit(k)),
          DynamicTest.dynamicTest(p + "each row through its group's adapter",
              () -> eachRowThroughItsGroupsAdapter(k)),
          DynamicTest.dynamicTest(p + "merge equals adapted", () -> mergeEqualsAdapted(k)),
          DynamicTest.dynamicTest(p + "trainable count", () -> trainableCount(k)),
          DynamicTest.dynamicTest(p + "through Net: merge, unmerge, disable, save, load",
              () -> throughNet(k)),
          DynamicTest.dynamicTest(p + "dropout", () -> dropout(k)),
          DynamicTest.dynamicTest(p + "refusals", () -> refusals(k))));
      if (k != DoRAAdapter.KIND) { // DoRA's norm is a constant in its backward pass, by design
        laws.add(DynamicTest.dynamicTest(p + "gradients match finite differences",
            () -> gradients(k)));
      }
      return laws.stream();
    });
  }

  private static void forAll(int n, Consumer<Case> law) {
    qt().withExamples(n).forAll(longs().all()).checkAssert(seed -> law.accept(randomCase(seed)));
  }

  private static ZooAdapter perturbed(AdapterKind k, Case c, int salt) {
    return (ZooAdapter) ZooLaws.perturb(k.factory().create(c.base(), c.config()),
        Key.of(c.seed()).foldIn(salt), 0.3f);
  }

  void appliesAndIsTheKindsClass(AdapterKind k) {
    GroupedLinear base = GroupedLinear.create(2, 4, 3, true, Key.of(1));
    assertTrue(k.factory().appliesTo(base), k + " must apply to " + base);
    LoraWrapper w = k.factory().create(base, new AdapterConfig(2, 4.0, 0, Key.of(2)));
    assertSame(k.type(), w.getClass());
    if (k != PiSSAAdapter.KIND && k != MiLoRAAdapter.KIND) { // their base is the residual
      assertSame(base, w.base(), k + " holds the very base it adapts");
    }
    assertFalse(k.factory().appliesTo(w), k + " must not apply to its own adapter");
    assertEquals(k.trainable(), w.adapterFields());
    for (String f : w.adapterFields()) {
      assertEquals(2, Tree.leaf(w, Path.of(f)).dim(0), k + "'s " + f + " has one slice per group");
    }
    ZooAdapter z = (ZooAdapter) w;
    assertNull(z.peft().peftType(), "PEFT has no GroupedLinear, so " + k + " on one is Graft's");
    assertTrue(z.peft().graftOnly().contains("GroupedLinear"), z.peft().graftOnly());
  }

  void identityAtInit(AdapterKind k) {
    forAll(20, c -> {
      ZooAdapter w = (ZooAdapter) k.factory().create(c.base(), c.config());
      ZooLaws.assertClose(c.base().apply(c.x(), c.groups()), w.apply(c.x(), c.groups()), 1e-4,
          k + " at init vs base, " + c);
    });
  }

  /**
   * Group {@code g}'s adapter, built here from the tree API: the grouped adapter with {@code
   * base.group(g)} as base and slice {@code g} of every tensor field the kind does not share.
   */
  private static LoraWrapper groupAdapter(ZooAdapter w, GroupedLinear base, int g) {
    Map<String, Object> parts = new HashMap<>();
    parts.put("base", base.group(g));
    for (Map.Entry<String, Object> e : Records.children(w).entrySet()) {
      if (e.getValue() instanceof Tensor t && !w.kind().shared().contains(e.getKey())) {
        parts.put(e.getKey(), t.get(g));
      }
    }
    return (LoraWrapper) Records.rebuild(w, parts);
  }

  void eachRowThroughItsGroupsAdapter(AdapterKind k) {
    forAll(20, c -> {
      ZooAdapter w = perturbed(k, c, 11);
      Tensor y = w.apply(c.x(), c.groups());
      for (int r = 0; r < c.groups().length; r++) {
        LoraWrapper one = groupAdapter(w, (GroupedLinear) w.base(), c.groups()[r]);
        assertSame(k.type(), one.getClass());
        Tensor row = c.x().slice(0, r, r + 1);
        ZooLaws.assertClose(one.apply(row), y.slice(0, r, r + 1), 1e-5,
            k + ", row " + r + " vs its group's adapter on it alone, " + c);
      }
    });
  }

  void mergeEqualsAdapted(AdapterKind k) {
    AtomicInteger changed = new AtomicInteger();
    forAll(20, c -> {
      ZooAdapter w = perturbed(k, c, 12);
      Tensor y = w.apply(c.x(), c.groups());
      GroupedLinear merged = assertInstanceOf(GroupedLinear.class, w.merge());
      assertEquals(java.util.Arrays.toString(c.base().weight().shape()),
          java.util.Arrays.toString(merged.weight().shape()));
      ZooLaws.assertClose(y, merged.apply(c.x(), c.groups()), 1e-4, k + " merged, " + c);
      if (!y.allClose(c.base().apply(c.x(), c.groups()), 1e-4, 1e-4)) {
        changed.incrementAndGet();
      }
    });
    assertTrue(changed.get() > 0, k + ": perturbing never changed the output; the law is vacuous");
  }

  void trainableCount(AdapterKind k) {
    forAll(20, c -> {
      LoraWrapper w = k.factory().create(c.base(), c.config());
      long one = ZooExpectations.BY_NAME.get(k.name()).count()
          .expected(c.base().outFeatures(), c.base().inFeatures(), c.config().rank());
      assertEquals(c.base().numGroups() * one, w.trainableCount(), k + ", " + c);
    });
  }

  void throughNet(AdapterKind k) {
    forAll(6, c -> {
      Experts model = new Experts(c.base(), c.groups());
      LoraSpec spec = LoraSpec.builder().rank(c.config().rank()).alpha(c.config().alpha())
          .wrappers(List.of(k.factory())).build();
      Net fresh = Net.of(model).freeze().lora(spec);
      List<Path> fields = k.trainable().stream().map(f -> Path.of("experts/" + f)).toList();
      assertEquals(fields, fresh.trainablePaths(), k + ", " + c);
      Net net = ZooLaws.perturbed(fresh, c.seed(), 0.3f);
      Net merged = net.merge();
      assertInstanceOf(GroupedLinear.class, Tree.get(merged.module(), Path.of("experts")));
      ZooLaws.assertClose(net.apply(c.x()), merged.apply(c.x()), 1e-4, k + " merged net, " + c);
      assertTrue(Tree.equals(net.module(), merged.unmerge().module()), k + " unmerge, " + c);
      LoraWrapper w = net.adapters().get(Path.of("experts"));
      assertEquals(((GroupedLayer) w.base()).apply(c.x(), c.groups()),
          net.disableAdapters().apply(c.x()));
      java.nio.file.Path whole = dir.resolve(k.slug() + c.seed() + ".safetensors");
      net.save(whole);
      assertTrue(Tree.equals(net.module(), Net.load(whole, fresh.module()).module()),
          k + " whole save and load, " + c);
      java.nio.file.Path adapter = dir.resolve(k.slug() + c.seed());
      net.saveAdapter(adapter);
      assertTrue(Tree.equals(net.module(), fresh.loadAdapter(adapter).module()),
          k + " adapter save and load, " + c);
      assertTrue(config(adapter).get("graft_only_reason").textValue().contains("GroupedLinear"),
          k + ": " + config(adapter));
    });
  }

  private static JsonNode config(java.nio.file.Path adapter) {
    try {
      return new ObjectMapper().readTree(Files.readString(adapter.resolve("adapter_config.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void gradients(AdapterKind k) {
    GradCheck.Settings settings = GradCheck.Settings.DEFAULT.withMaxPerArgument(12);
    forAll(5, c -> {
      ZooAdapter w = perturbed(k, c, 13);
      List<String> fields = w.adapterFields();
      Function<List<Tensor>, Tensor> f = ts ->
          ((ZooAdapter) ZooLaws.withFields(w, fields, ts)).apply(c.x(), c.groups());
      GradCheck.Report report = GradCheck.check(f, ZooLaws.fieldValues(w), settings);
      assertTrue(report.worstRelativeError() <= GradCheck.DEFAULT_TOLERANCE,
          k + ": " + report + ", " + c);
    });
  }

  void dropout(AdapterKind k) {
    boolean inputPath = k != IA3Adapter.KIND && k != OFTAdapter.KIND;
    boolean holdsWeight = k == PiSSAAdapter.KIND || k == MiLoRAAdapter.KIND;
    AtomicInteger differed = new AtomicInteger();
    forAll(10, c -> {
      Case d = c.withDropout(0.5);
      Key key = Key.of(c.seed()).foldIn(5);
      ZooAdapter fresh = (ZooAdapter) k.factory().create(d.base(), d.config());
      if (inputPath && !holdsWeight) {
        ZooLaws.assertClose(d.base().apply(d.x(), d.groups()),
            fresh.apply(d.x(), d.groups(), key), 1e-4, k + " dropped out at init, " + d);
      }
      ZooAdapter w = (ZooAdapter) ZooLaws.perturb(fresh, Key.of(c.seed()).foldIn(6), 0.3f);
      Tensor inference = w.apply(d.x(), d.groups());
      assertEquals(inference, w.apply(d.x(), d.groups(), null), k + " null key, " + d);
      Tensor training = w.apply(d.x(), d.groups(), key);
      if (!inputPath) {
        assertEquals(inference, training, k + " has no input path, " + d);
      } else if (!training.allClose(inference, 1e-6, 1e-6)) {
        differed.incrementAndGet();
      }
    });
    assertTrue(!inputPath || differed.get() > 0, k + ": dropout never changed the output");
  }

  void refusals(AdapterKind k) {
    GroupedLinear base = GroupedLinear.create(3, 4, 4, false, Key.of(1));
    ZooAdapter w = (ZooAdapter) k.factory().create(base, new AdapterConfig(2, 2, 0, Key.of(2)));
    Tensor x = Tensor.zeros(2, 4);
    var noGroups = assertThrows(UnsupportedOperationException.class, () -> w.apply(x));
    assertTrue(noGroups.getMessage().contains("apply(x, groups)"), noGroups.getMessage());
    var badIndex = assertThrows(IndexOutOfBoundsException.class,
        () -> w.apply(x, new int[] {0, 3}));
    assertTrue(badIndex.getMessage().contains(k.name() + " on GroupedLinear 3 × (4, 4)")
        && badIndex.getMessage().contains("group index 3 of row 1"), badIndex.getMessage());
    String field = k.trainable().get(0);
    Tensor t = Tree.leaf(w, Path.of(field));
    var leading = assertThrows(IllegalArgumentException.class,
        () -> Tree.set(w, Path.of(field), t.slice(0, 0, 2)));
    assertTrue(leading.getMessage().contains(field) && leading.getMessage().contains(
        "leading axis of 3, one slice per group"), leading.getMessage());
    ZooAdapter onLinear = k.create(Linear.create(4, 4, Key.of(3)),
        new AdapterConfig(2, 2, 0, Key.of(2)));
    var notGrouped = assertThrows(UnsupportedOperationException.class,
        () -> onLinear.apply(x, new int[] {0, 0}));
    assertTrue(notGrouped.getMessage().contains("not a GroupedLinear"), notGrouped.getMessage());
    assertNotNull(k.factory().create(base, new AdapterConfig(2, 2, 0, Key.of(2))));
  }
}
