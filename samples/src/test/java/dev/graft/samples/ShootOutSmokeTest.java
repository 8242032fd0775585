package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job with a tiny budget (one epoch, two adapters): the table has the rows asked for with
 * the trainable counts of ZOO.md, the merge check passes, the PNG and the table file are written,
 * and progress bars forced on with no terminal do not break anything.
 */
class ShootOutSmokeTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private record Run(int status, String out, String err) {}

  private static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void tinyRunPrintsTheTableAndWritesThePlot(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("shootout");
    // The trainer draws its bars on System.err; catch them there.
    PrintStream systemErr = System.err;
    ByteArrayOutputStream bars = new ByteArrayOutputStream();
    Run run;
    try {
      System.setErr(new PrintStream(bars, true, StandardCharsets.UTF_8));
      run = main("--epochs", "1", "--pretrain-epochs", "1", "--adapters", "lora,dora",
          "--out", out.toString(), "--progress");
    } finally {
      System.setErr(systemErr);
    }
    assertEquals(0, run.status(), run.err());

    List<String> lines = run.out().lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("adapter")).findFirst()
        .orElseThrow());
    assertTrue(lines.get(header).contains("max|merged-adapted|"), lines.get(header));
    String[] lora = lines.get(header + 1).trim().split("\\s+");
    String[] dora = lines.get(header + 2).trim().split("\\s+");
    assertEquals("LoRA", lora[0]);
    assertEquals("3,461", lora[1], "LoRA r(in+out) over conv1, conv2, fc plus the 325-weight head");
    assertEquals("DoRA", dora[0]);
    assertEquals("3,573", dora[1], "DoRA adds one magnitude per output: 16 + 32 + 64");
    assertTrue(lines.get(header + 3).startsWith("trainable: includes the new head (325)"));
    assertTrue(lines.get(header + 4).endsWith("largest |logit|: yes"), lines.get(header + 4));
    for (String[] row : List.of(lora, dora)) {
      double gap = Double.parseDouble(row[row.length - 1]);
      assertTrue(gap < 1e-4, Arrays.toString(row));
    }

    byte[] png = Files.readAllBytes(out.resolve("losses.png"));
    assertTrue(png.length > 1000, "PNG of " + png.length + " bytes");
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, PNG_MAGIC.length));
    String table = Files.readString(out.resolve("table.txt"));
    assertTrue(run.out().contains(table), "table.txt is the printed table");
    String drawn = bars.toString(StandardCharsets.UTF_8);
    for (String bar : List.of("pretrain 100%", "LoRA 100%", "DoRA 100%")) {
      assertTrue(drawn.contains(bar), "no '" + bar + "' among the progress bars: " + drawn);
    }
  }

  @Test
  void theSameSeedGivesTheSameTableApartFromTheTimes(@TempDir Path dir) {
    String[] args = {"--epochs", "1", "--pretrain-epochs", "1", "--adapters", "vera,oft",
        "--seed", "5", "--out", dir.toString(), "--no-progress"};
    List<String> first = withoutTimes(main(args).out());
    List<String> again = withoutTimes(main(args).out());
    assertEquals(first, again);
    assertEquals(2, first.stream().filter(l -> l.matches("(VeRA|OFT) .*")).count(), first::toString);
    args[7] = "6";
    assertTrue(!first.equals(withoutTimes(main(args).out())), "another seed, another table");
  }

  /** The printed lines with every duration ("1.2 s") blanked out. */
  private static List<String> withoutTimes(String out) {
    return out.lines().map(l -> l.replaceAll("\\d+\\.\\d s\\b", "#")).toList();
  }

  @Test
  void helpNamesEveryOptionAndTheDataAttribution() {
    Run run = main("--help");
    assertEquals(0, run.status());
    for (String option : List.of("--epochs", "--pretrain-epochs", "--adapters", "--seed", "--out",
        "--rank", "--alpha", "--lr", "--batch", "--progress", "--no-progress", "--help")) {
      assertTrue(run.out().contains(option), option);
    }
    assertTrue(run.out().contains("doi:10.24432/C50P49"));
    assertTrue(run.out().contains("CC BY 4.0"));
    assertTrue(run.out().contains("Alpaydin"));
  }

  @Test
  void badOptionsExitWithStatusTwoAndSayWhy() {
    Run unknown = main("--epoch", "3");
    assertEquals(2, unknown.status());
    assertEquals("error: unknown option '--epoch'; see --help", unknown.err().strip());
    Run adapter = main("--adapters", "lora,qlora");
    assertEquals(2, adapter.status());
    assertTrue(adapter.err().contains("unknown adapter 'qlora'"), adapter.err());
  }

  @Test
  void aRankSomeLayerCannotTakeIsAnErrorNamingTheLayer(@TempDir Path dir) {
    Run run = main("--adapters", "lora,oft", "--rank", "5",
        "--out", dir.toString(), "--no-progress");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("conv1"), run.err());
    assertTrue(run.err().contains("rank 5"), run.err());
    assertTrue(!run.out().contains("pretrained"), "refused before pretraining: " + run.out());
  }
}
