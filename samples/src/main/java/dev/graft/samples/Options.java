package dev.graft.samples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The shoot-out's command-line options, parsed from {@code --name value} or {@code --name=value}
 * pairs; every option has a default, so no argument is needed. {@link #usage()} is the {@code
 * --help} text.
 *
 * @param epochs passes over the new task's training split, the same for every contender
 * @param pretrainEpochs passes over the source task when pretraining
 * @param contenders the rows of the table, in order
 * @param seed seeds the split, the initializations, the shuffling and the adapters
 * @param out the folder the plot and the table are written to
 * @param rank the adapters' rank (OFT's block size)
 * @param alpha the adapters' scale numerator; {@code null} means {@code 2 × rank}
 * @param lr the peak learning rate of the warm-up + cosine schedule
 * @param batch the minibatch size
 * @param progress whether to draw progress bars; {@code null} means only on a terminal
 * @param help whether {@code --help} was given
 */
public record Options(int epochs, int pretrainEpochs, List<Contender> contenders, long seed,
    Path out, int rank, @Nullable Double alpha, double lr, int batch, @Nullable Boolean progress,
    boolean help) {
  /** The defaults: what {@code Main} runs with no argument. */
  public static final Options DEFAULTS = new Options(12, 12, Contender.ALL, 0L,
      Path.of("target", "shootout"), 4, null, 3e-3, 32, null, false);

  /** Copies the contender list and checks the numbers. */
  public Options {
    contenders = List.copyOf(contenders);
    require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
    require(pretrainEpochs >= 1, "--pretrain-epochs must be >= 1, got " + pretrainEpochs);
    require(rank >= 1, "--rank must be >= 1, got " + rank);
    require(alpha == null || (Double.isFinite(alpha) && alpha > 0),
        "--alpha must be a positive number, got " + alpha);
    require(Double.isFinite(lr) && lr > 0, "--lr must be a positive number, got " + lr);
    require(batch >= 1, "--batch must be >= 1, got " + batch);
    require(!contenders.isEmpty(), "--adapters names no adapter");
  }

  /** The adapters' {@code α}: as given, or {@code 2 × rank}. */
  public double effectiveAlpha() {
    return alpha != null ? alpha : 2.0 * rank;
  }

  /** Whether progress bars are drawn: as asked, or when the JVM has a terminal. */
  public boolean showProgress() {
    return progress != null ? progress : System.console() != null;
  }

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException naming the option and what was wrong with it
   */
  public static Options parse(String... args) {
    Options o = DEFAULTS;
    int epochs = o.epochs;
    int pretrainEpochs = o.pretrainEpochs;
    List<Contender> contenders = o.contenders;
    long seed = o.seed;
    Path out = o.out;
    int rank = o.rank;
    Double alpha = o.alpha;
    double lr = o.lr;
    int batch = o.batch;
    Boolean progress = o.progress;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.isBlank()) {
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "-h", "--help" -> help = true;
        case "--progress" -> progress = true;
        case "--no-progress" -> progress = false;
        default -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(known(name) + " needs a value; see --help");
            }
            value = args[++i];
          }
          switch (name) {
            case "--epochs" -> epochs = parseInt(name, value);
            case "--pretrain-epochs" -> pretrainEpochs = parseInt(name, value);
            case "--adapters" -> contenders = Contender.parseList(value);
            case "--seed" -> seed = parseLong(name, value);
            case "--out" -> out = Path.of(value);
            case "--rank" -> rank = parseInt(name, value);
            case "--alpha" -> alpha = parseDouble(name, value);
            case "--lr" -> lr = parseDouble(name, value);
            case "--batch" -> batch = parseInt(name, value);
            default -> throw new IllegalArgumentException("unknown option '" + arg
                + "'; see --help");
          }
        }
      }
    }
    return new Options(epochs, pretrainEpochs, contenders, seed, out, rank, alpha, lr, batch,
        progress, help);
  }

  /** The {@code --help} text. */
  public static String usage() {
    Options d = DEFAULTS;
    return String.join("\n",
        "Graft adapter shoot-out: pretrain a small CNN on UCI digits 0-4, then adapt it to",
        "digits 5-9 (a new 5-way head) with full fine-tuning, the head alone, and every adapter",
        "of the zoo on its Conv and Linear layers, each with the same budget. Prints a table",
        "(trainable parameters, test accuracy before and after, time, |merged - adapted|) and",
        "writes the loss curves to <out>/losses.png and the table to <out>/table.txt.",
        "",
        "Run: mvn -B -q -pl samples -am compile exec:java -Dexec.args=\"--epochs 5 --adapters"
            + " lora,dora\"",
        "",
        "Options:",
        "  --epochs N           passes over the digits 5-9 training split, same for every row"
            + " (default " + d.epochs + ")",
        "  --pretrain-epochs N  passes over digits 0-4 when pretraining (default "
            + d.pretrainEpochs + ")",
        "  --adapters LIST      comma-separated rows to run, from " + Contender.ids(),
        "                       (or all; default all)",
        "  --seed S             seeds the data split, every initialization and the shuffling;"
            + " the same",
        "                       seed gives the same table apart from the times (default " + d.seed
            + ")",
        "  --out DIR            folder for losses.png and table.txt, created if missing"
            + " (default " + d.out + ")",
        "  --rank R             adapter rank, OFT's block size; 1, 2, 4, 8 or 16 fit every layer"
            + " (default " + d.rank + ")",
        "  --alpha A            adapter scale numerator: s = A/R (rsLoRA: A/sqrt(R))"
            + " (default 2 x rank)",
        "  --lr LR              peak learning rate of AdamW's warm-up + cosine schedule, same for"
            + " every",
        "                       row (default " + String.format(Locale.ROOT, "%s", d.lr) + ")",
        "  --batch N            minibatch size (default " + d.batch + ")",
        "  --progress           always draw progress bars (default: only on a terminal)",
        "  --no-progress        never draw progress bars",
        "  -h, --help           print this text and exit",
        "",
        "Data: " + Digits.ATTRIBUTION + ";",
        "shipped in the jar as " + Digits.RESOURCE.substring(1) + ", no download.",
        "");
  }

  private static String known(String name) {
    return switch (name) {
      case "--epochs", "--pretrain-epochs", "--adapters", "--seed", "--out", "--rank", "--alpha",
          "--lr", "--batch" -> name;
      default -> throw new IllegalArgumentException("unknown option '" + name + "'; see --help");
    };
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'", e);
    }
  }

  private static long parseLong(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'", e);
    }
  }

  private static double parseDouble(String name, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, got '" + value + "'", e);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
