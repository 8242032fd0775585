package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.AdapterCatalog;
import dev.graft.dsl.lora.AdapterKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shoot-out's command line: defaults, both option spellings, and the error messages. */
class OptionsTest {
  @Test
  void noArgumentsGiveTheDefaults() {
    Options o = Options.parse();
    assertEquals(Options.DEFAULTS, o);
    assertEquals(Contender.ALL, o.contenders());
    assertEquals(Path.of("target", "shootout"), o.out());
    assertEquals(8.0, o.effectiveAlpha(), "alpha defaults to 2 x rank");
    assertNull(o.progress());
    assertFalse(o.help());
  }

  @Test
  void theZooContendersAreTheCatalogsKindsInItsOrder() {
    List<String> zoo = Contender.ALL.subList(2, Contender.ALL.size()).stream()
        .map(Contender::id).toList();
    assertEquals(AdapterCatalog.KINDS.stream().map(AdapterKind::slug).toList(), zoo);
    for (Contender c : Contender.ALL.subList(2, Contender.ALL.size())) {
      AdapterKind k = AdapterCatalog.named(c.id()).orElseThrow();
      assertEquals(List.of(k.factory()), c.wrappers(), c.name());
      assertEquals(k.name(), c.name());
    }
  }

  @Test
  void valuesAfterASpaceOrAnEqualsSign() {
    Options o = Options.parse("--epochs", "3", "--adapters=lora,DoRA,lora-xs", "--seed=9",
        "--out", "/tmp/x", "--rank", "8", "--alpha=4", "--lr", "0.01", "--batch", "16",
        "--pretrain-epochs=2", "--no-progress");
    assertEquals(3, o.epochs());
    assertEquals(2, o.pretrainEpochs());
    assertEquals(List.of("LoRA", "DoRA", "LoRA-XS"),
        o.contenders().stream().map(Contender::name).toList());
    assertEquals(9L, o.seed());
    assertEquals(Path.of("/tmp/x"), o.out());
    assertEquals(8, o.rank());
    assertEquals(4.0, o.effectiveAlpha());
    assertEquals(0.01, o.lr());
    assertEquals(16, o.batch());
    assertFalse(o.showProgress());
    assertTrue(Options.parse("-h").help());
    assertTrue(Options.parse("--progress").showProgress());
  }

  @Test
  void adapterNamesIgnoreCaseAndDashesAndAllMeansEveryOne() {
    assertEquals(Contender.parseList("loraxs"), Contender.parseList("LoRA-XS"));
    assertEquals(Contender.ALL, Contender.parseList("all"));
    assertEquals(List.of(Contender.FULL), Contender.parseList("full,full,"));
    assertEquals(13, Contender.ALL.size(), "full, head and the eleven zoo adapters");
  }

  @Test
  void errorsNameTheOptionAndWhatWasWrong() {
    assertEquals("--epochs needs a whole number, got 'many'", message("--epochs", "many"));
    assertEquals("--epochs must be >= 1, got 0", message("--epochs", "0"));
    assertEquals("--lr needs a value; see --help", message("--lr"));
    assertEquals("--lr must be a positive number, got -1.0", message("--lr", "-1"));
    assertEquals("unknown option 'lora'; see --help", message("lora"));
    assertTrue(message("--adapters", "lora,qlora").startsWith("unknown adapter 'qlora'; choose"
        + " from full,head,lora,rslora,lora-fa,dora,pissa,milora,lora-xs,vera,ia3,lokr,oft"));
    assertTrue(message("--adapters", ",").startsWith("--adapters names no adapter"));
  }

  private static String message(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }
}
