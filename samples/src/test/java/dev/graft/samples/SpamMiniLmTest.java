package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MiniLM spam sample on a tiny budget: it runs, prints its table and writes its outputs. */
class SpamMiniLmTest {
  @TempDir
  Path out;

  @Test
  void runsOnATinyBudgetAndWritesTheTablePlotAndPeftAdapter() throws IOException {
    SpamMiniLm.Settings s = SpamMiniLm.Settings.parse("--train", "40", "--test", "40", "--seq",
        "16", "--top", "1", "--epochs", "1", "--head-epochs", "3", "--batch", "20", "--out",
        out.toString());
    StdoutCapture.Captured<List<SpamMiniLm.Row>> run = StdoutCapture.run(() -> SpamMiniLm.run(s));
    List<SpamMiniLm.Row> rows = run.value();
    assertEquals(List.of("head only", "LoRA q,v", "DoRA q,v", "IA3 q,v"),
        rows.stream().map(SpamMiniLm.Row::name).toList());
    assertTrue(run.line("contender").contains("hard ham"), run.lines().toString());
    run.line("LoRA q,v");
    assertEquals(770, rows.get(0).trainable());
    // LoRA rank 8 on query and value of the top layer, plus the classifier.
    assertEquals(2 * (8 * 384 + 384 * 8) + 770, rows.get(1).trainable());
    // Adapters start at identity on the head-only classifier: the same predictions.
    assertEquals(rows.get(0).after(), rows.get(1).before());
    for (SpamMiniLm.Row r : rows) {
      assertTrue(r.after().accuracy() >= 0 && r.after().accuracy() <= 1, r.toString());
    }
    assertTrue(Files.size(out.resolve("loss.png")) > 1000);
    Path adapter = out.resolve("lora-adapter");
    JsonNode config = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
    assertEquals(SpamMiniLm.BASE_MODEL, config.get("base_model_name_or_path").asText());
    assertEquals("[\"query\",\"value\"]", config.get("target_modules").toString());
    assertEquals("[5]", config.get("layers_to_transform").toString());
    assertEquals("[\"classifier\"]", config.get("modules_to_save").toString());
    Set<String> keys = Safetensors.read(adapter.resolve("adapter_model.safetensors")).tensors()
        .keySet();
    assertTrue(keys.contains(
        "base_model.model.bert.encoder.layer.5.attention.self.query.lora_A.weight"), keys.toString());
    assertTrue(keys.contains("base_model.model.classifier.weight"), keys.toString());
    assertEquals(6, keys.size(), keys.toString());
  }

  @Test
  void theSplitIsStratifiedFixedAndKeepsHardHamInTheTestSet() {
    List<SpamMails.Mail> mails = SpamMails.load();
    assertEquals(6046, mails.size());
    assertEquals(250, mails.stream().filter(SpamMails.Mail::hardHam).count());
    assertEquals(1896, mails.stream().filter(SpamMails.Mail::spam).count());
    SpamMails.Split a = SpamMails.split(mails, 480, 480, 0);
    SpamMails.Split b = SpamMails.split(mails, 480, 480, 0);
    assertEquals(a, b);
    long hardTest = a.test().stream().filter(SpamMails.Mail::hardHam).count();
    assertEquals(Math.round(480 * 250 / 6046.0), hardTest);
    assertTrue(a.test().stream().noneMatch(a.train()::contains));
    assertEquals(6046, mails.stream().map(m -> m.group() + "/" + m.id()).distinct().count());
    double spamShare = a.test().stream().filter(SpamMails.Mail::spam).count() / 480.0;
    assertEquals(1896 / 6046.0, spamShare, 0.01);
  }

  @Test
  void helpListsTheOptionsWithTheirDefaults() {
    StdoutCapture.Captured<Boolean> run = StdoutCapture.run(() -> {
      SpamMiniLm.main(new String[] {"--help"});
      return true;
    });
    String text = String.join("\n", run.lines());
    SpamMiniLm.Settings d = SpamMiniLm.Settings.DEFAULTS;
    assertTrue(text.contains("--train " + d.train()) && text.contains("--seq " + d.seq())
        && text.contains("--top " + d.top()) && text.contains("--epochs " + d.epochs())
        && text.contains("--head-epochs " + d.headEpochs()) && text.contains("--batch "
        + d.batch()) && text.contains("--rank " + d.rank()) && text.contains("--lr 3e-3"), text);
    assertEquals(3e-3, d.lr());
  }

  @Test
  void badOptionsAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpamMiniLm.Settings.parse("--trian", "3"));
    assertTrue(e.getMessage().contains("trian"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SpamMiniLm.Settings.parse("--top", "7"));
    assertTrue(e.getMessage().contains("top=7"), e.getMessage());
  }
}
