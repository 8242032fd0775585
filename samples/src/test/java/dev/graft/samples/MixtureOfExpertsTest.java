package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.AdapterCatalog;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The mixture-of-experts sample: every catalog kind adapts the four experts, with four slices of
 * each field, learns the rotated digits where the pretrained network is at chance, and merges into
 * the same outputs; the GUIDE shows the sample's code.
 */
class MixtureOfExpertsTest {
  @Test
  void everyKindAdaptsTheExperts() {
    StdoutCapture.Captured<MixtureOfExperts.Result> run =
        StdoutCapture.run(MixtureOfExperts::run);
    MixtureOfExperts.Result r = run.value();
    assertEquals(r.lines(), run.lines());
    assertTrue(r.upright() > 0.9, "pretrained upright accuracy " + r.upright());
    assertTrue(r.rotated() < 0.3, "pretrained rotated accuracy " + r.rotated());
    assertEquals(AdapterCatalog.KINDS.size(), r.rows().size());
    Map<String, MixtureOfExperts.Row> byKind = r.rows().stream()
        .collect(Collectors.toMap(MixtureOfExperts.Row::kind, x -> x));
    int g = MixtureOfExperts.EXPERTS;
    int rank = MixtureOfExperts.RANK;
    int in = 64;
    int out = MixtureOfExperts.FEATURES;
    assertEquals((long) g * rank * (in + out), byKind.get("LoRA").trainable());
    assertEquals((long) g * (rank * (in + out) + out), byKind.get("DoRA").trainable());
    assertEquals((long) g * rank * rank, byKind.get("LoRA-XS").trainable());
    assertEquals((long) g * (out + rank), byKind.get("VeRA").trainable());
    assertEquals((long) g * out, byKind.get("IA3").trainable());
    assertEquals((long) g * (in / rank) * rank * rank, byKind.get("OFT").trainable());
    for (MixtureOfExperts.Row row : r.rows()) {
      assertEquals(r.rotated(), row.before(), 1e-12, row.kind() + " starts as the base");
      assertTrue(row.after() > row.before(), row.kind() + " learns: " + row);
      assertTrue(row.mergeGap() < 1e-4, row.kind() + " merges: " + row);
    }
    assertTrue(byKind.get("LoRA").after() > 0.8, "LoRA on the experts: " + byKind.get("LoRA"));
  }

  /** Each {@code // guide:} block of the sample appears verbatim in the GUIDE. */
  @Test
  void theGuideShowsTheSamplesCode() throws java.io.IOException {
    GuideBlocks.assertShownInGuide("MixtureOfExperts.java", 2);
  }
}
