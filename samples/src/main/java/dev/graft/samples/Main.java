package dev.graft.samples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The main job: the adapter shoot-out on the shipped UCI digits ({@link ShootOut}). Run it with
 * {@code mvn -B -q -pl samples -am compile exec:java}; pass options with {@code
 * -Dexec.args="--epochs 5 --adapters lora,dora"}; {@code --help} lists them ({@link Options}).
 */
public final class Main {
  private Main() {}

  /** Parses the options, runs the shoot-out and prints its table; exits non-zero on bad input. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The program without {@code System.exit}: 0 when every merge check passed, 1 when one did not,
   * 2 for bad options.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    if (options.help()) {
      out.print(Options.usage());
      return 0;
    }
    out.printf(Locale.ROOT, "Graft adapter shoot-out (Java %s, %d cores)%n",
        Runtime.version().feature(), Runtime.getRuntime().availableProcessors());
    long t0 = System.nanoTime();
    ShootOut.Result result;
    try {
      result = new ShootOut(options, out).run();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    for (Row r : result.rows()) {
      if (!r.mergeOk()) {
        err.printf(Locale.ROOT, "error: %s: merged outputs differ from adapted ones by %.3g"
            + " (tolerance %.3g)%n", r.name(), r.mergeGap(), r.mergeTolerance());
        return 1;
      }
    }
    return 0;
  }
}
