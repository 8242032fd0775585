package dev.graft.samples;

import dev.graft.runtime.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The UCI handwritten digits shipped with the samples ({@code data/digits.csv.gz} on the
 * classpath): 8×8 grey images with pixels 0..16 and a label 0..9 each. Immutable; the filters
 * return new sets. Pixels are kept as read; {@link #images()} scales them to {@code [0, 1]}.
 *
 * <p>Data: E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
 * Learning Repository, doi:10.24432/C50P49, licensed CC BY 4.0.
 */
public final class Digits {
  /** The classpath location of the shipped file. */
  public static final String RESOURCE = "/data/digits.csv.gz";
  /** One line of attribution, for {@code --help} and the docs. */
  public static final String ATTRIBUTION = "UCI \"Optical Recognition of Handwritten Digits\""
      + " (E. Alpaydin, C. Kaynak), doi:10.24432/C50P49, CC BY 4.0";
  /** Pixels per image (8×8). */
  public static final int PIXELS = 64;

  private final float[][] pixels;
  private final int[] labels;

  private Digits(float[][] pixels, int[] labels) {
    this.pixels = pixels;
    this.labels = labels;
  }

  /** Reads the shipped file. */
  public static Digits load() {
    InputStream raw = Digits.class.getResourceAsStream(RESOURCE);
    if (raw == null) {
      throw new IllegalStateException("Digits: " + RESOURCE + " is not on the classpath");
    }
    List<float[]> rows = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
        StandardCharsets.US_ASCII))) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        if (cells.length != PIXELS + 1) {
          throw new IllegalStateException("Digits: line " + lineNo + " of " + RESOURCE + " has "
              + cells.length + " fields, expected " + (PIXELS + 1));
        }
        float[] row = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
          row[i] = Integer.parseInt(cells[i].trim());
        }
        rows.add(row);
        ys.add(Integer.parseInt(cells[PIXELS].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Digits: cannot read " + RESOURCE, e);
    }
    return new Digits(rows.toArray(new float[0][]), ys.stream().mapToInt(Integer::intValue)
        .toArray());
  }

  /** The number of images. */
  public int size() {
    return labels.length;
  }

  /** A copy of the labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** The images as a {@code (n, 1, 8, 8)} tensor with pixels scaled to {@code [0, 1]}. */
  public Tensor images() {
    float[] data = new float[size() * PIXELS];
    for (int i = 0; i < size(); i++) {
      for (int j = 0; j < PIXELS; j++) {
        data[i * PIXELS + j] = pixels[i][j] / 16f;
      }
    }
    return Tensor.of(data, size(), 1, 8, 8);
  }

  /**
   * The images whose label is in {@code [from, to]}, relabelled {@code label − from} (so digits
   * 5..9 become classes 0..4).
   */
  public Digits classes(int from, int to) {
    if (from < 0 || to > 9 || from > to) {
      throw new IllegalArgumentException("Digits.classes: need 0 <= from <= to <= 9, got ["
          + from + ", " + to + "]");
    }
    List<float[]> ps = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (labels[i] >= from && labels[i] <= to) {
        ps.add(pixels[i]);
        ys.add(labels[i] - from);
      }
    }
    return new Digits(ps.toArray(new float[0][]), ys.stream().mapToInt(Integer::intValue)
        .toArray());
  }

  /** Every image turned a quarter turn clockwise (the same labels). */
  public Digits rotated() {
    float[][] out = new float[size()][];
    for (int i = 0; i < size(); i++) {
      float[] r = new float[PIXELS];
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          r[x * 8 + (7 - y)] = pixels[i][y * 8 + x];
        }
      }
      out[i] = r;
    }
    return new Digits(out, labels.clone());
  }

  /**
   * A seeded shuffle cut in two: the first part holds {@code round(size · (1 − testFraction))}
   * images; the same seed gives the same split.
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("Digits.split: test fraction must be in (0, 1), got "
          + testFraction);
    }
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int cut = (int) Math.round(size() * (1 - testFraction));
    return new Split(pick(Arrays.copyOfRange(order, 0, cut)),
        pick(Arrays.copyOfRange(order, cut, order.length)));
  }

  private Digits pick(int[] rows) {
    float[][] ps = new float[rows.length][];
    int[] ys = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      ps[i] = pixels[rows[i]];
      ys[i] = labels[rows[i]];
    }
    return new Digits(ps, ys);
  }

  /**
   * A training part and a held-out test part.
   *
   * @param train the images to train on
   * @param test the images to measure on, never trained on
   */
  public record Split(Digits train, Digits test) {}

  @Override
  public String toString() {
    return "Digits[" + size() + " images]";
  }
}
