package dev.graft.dsl.lora;

import dev.graft.dsl.lora.ZooLaws.InputDropout;
import dev.graft.dsl.lora.ZooLaws.Kind;
import dev.graft.dsl.lora.ZooLaws.RankRule;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What ZOO.md promises for each kind of {@link AdapterCatalog}, written down independently of the
 * adapters' code: the trainable count and how the laws are tuned (rank rule, dropout path,
 * gradient check). {@link ZooCatalogTest} fails for a catalog kind missing here.
 */
final class ZooExpectations {
  private ZooExpectations() {}

  /**
   * One kind's promises.
   *
   * @param count the trainable count for a Linear seen as {@code (out, in)}
   * @param convCount the same for a conv seen as {@code (out, flat_in)}
   * @param tune the law settings for a base kind
   */
  record Expect(ZooLaws.Count count, ZooLaws.Count convCount,
      BiFunction<ZooLaws, Kind, ZooLaws> tune) {
    /** The same count on Linear and conv bases. */
    Expect(ZooLaws.Count count, BiFunction<ZooLaws, Kind, ZooLaws> tune) {
      this(count, count, tune);
    }

    /** The laws for {@code adapter} on bases of {@code base}'s type. */
    ZooLaws laws(AdapterKind adapter, Kind base) {
      return tune.apply(ZooLaws.of(adapter, base, base == Kind.CONV ? convCount : count), base);
    }
  }

  /** {@code r·(in + out)}: LoRA's factors. */
  static final ZooLaws.Count LORA_COUNT = (out, in, r) -> (long) r * (in + out);

  private static final BiFunction<ZooLaws, Kind, ZooLaws> PLAIN = (laws, base) -> laws;

  private static final BiFunction<ZooLaws, Kind, ZooLaws> SVD_SPLIT = (laws, base) ->
      laws.ranks(RankRule.AT_MOST_MIN_OUT_IN)
          .inputDropout(InputDropout.ADAPTER_PATH_HOLDING_WEIGHT);

  /** By kind name. */
  static final Map<String, Expect> BY_NAME = Map.ofEntries(
      Map.entry("LoRA", new Expect(LORA_COUNT, PLAIN)),
      Map.entry("rsLoRA", new Expect(LORA_COUNT, PLAIN)),
      Map.entry("LoRA-FA", new Expect((out, in, r) -> (long) r * out, PLAIN)),
      Map.entry("DoRA", new Expect((out, in, r) -> (long) r * (in + out) + out,
          (laws, base) -> laws.withoutGradCheck())),
      Map.entry("PiSSA", new Expect(LORA_COUNT, SVD_SPLIT)),
      Map.entry("MiLoRA", new Expect(LORA_COUNT, SVD_SPLIT)),
      Map.entry("LoRA-XS", new Expect((out, in, r) -> (long) r * r,
          (laws, base) -> laws.ranks(RankRule.AT_MOST_MIN_OUT_IN))),
      Map.entry("VeRA", new Expect((out, in, r) -> out + r, PLAIN)),
      Map.entry("IA3", new Expect((out, in, r) -> out, (laws, base) -> laws.ranks(RankRule.IGNORED)
          .inputDropout(InputDropout.NONE))),
      Map.entry("LoKr", new Expect((out, in, r) -> (long) r * r
          + (long) ((out + r - 1) / r) * ((in + r - 1) / r), PLAIN)),
      Map.entry("OFT", new Expect((out, in, r) -> (long) (in / r) * r * r,
          (out, in, r) -> (long) (out / r) * r * r, (laws, base) -> laws
              .ranks(base == Kind.CONV ? RankRule.DIVIDES_OUT : RankRule.DIVIDES_IN)
              .inputDropout(InputDropout.NONE))));
}
