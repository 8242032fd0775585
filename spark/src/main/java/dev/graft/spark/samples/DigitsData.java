package dev.graft.spark.samples;

import dev.graft.dsl.train.LabeledBatch;
import dev.graft.runtime.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The UCI handwritten digits shipped with this module ({@code digits.csv.gz} next to this class):
 * 8×8 images as 64 pixels scaled to {@code [0, 1]}, and labels 0..9.
 *
 * <p>Data: E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
 * Learning Repository, doi:10.24432/C50P49, licensed CC BY 4.0.
 *
 * @param pixels one row of 64 values per image
 * @param labels one class per image
 */
public record DigitsData(List<float[]> pixels, int[] labels) {
  /** Pixels per image. */
  public static final int PIXELS = 64;
  private static final String RESOURCE = "digits.csv.gz";

  /** Reads the shipped file. */
  public static DigitsData load() {
    InputStream raw = DigitsData.class.getResourceAsStream(RESOURCE);
    if (raw == null) {
      throw new IllegalStateException("DigitsData: " + RESOURCE + " is not on the classpath"
          + " next to " + DigitsData.class.getName());
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
          throw new IllegalStateException("DigitsData: line " + lineNo + " of " + RESOURCE
              + " has " + cells.length + " fields, expected " + (PIXELS + 1));
        }
        float[] row = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
          row[i] = Integer.parseInt(cells[i].trim()) / 16f;
        }
        rows.add(row);
        ys.add(Integer.parseInt(cells[PIXELS].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("DigitsData: cannot read " + RESOURCE, e);
    }
    return new DigitsData(rows, ys.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The number of images. */
  public int size() {
    return labels.length;
  }

  /** The images whose label is in {@code [from, to]}, relabelled {@code label − from}. */
  public DigitsData classes(int from, int to) {
    List<float[]> ps = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (labels[i] >= from && labels[i] <= to) {
        ps.add(pixels.get(i));
        ys.add(labels[i] - from);
      }
    }
    return new DigitsData(ps, ys.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A seeded shuffle cut into a training part and a test part of {@code testFraction}. */
  public DigitsData[] split(double testFraction, long seed) {
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
    return new DigitsData[] {pick(order, 0, cut), pick(order, cut, order.length)};
  }

  private DigitsData pick(int[] order, int from, int to) {
    List<float[]> ps = new ArrayList<>();
    int[] ys = new int[to - from];
    for (int i = from; i < to; i++) {
      ps.add(pixels.get(order[i]));
      ys[i - from] = labels[order[i]];
    }
    return new DigitsData(ps, ys);
  }

  /** The images as a {@code (n, 64)} tensor. */
  public Tensor images() {
    float[] data = new float[size() * PIXELS];
    for (int i = 0; i < size(); i++) {
      System.arraycopy(pixels.get(i), 0, data, i * PIXELS, PIXELS);
    }
    return Tensor.of(data, size(), PIXELS);
  }

  /** Consecutive minibatches of {@code batch} images. */
  public List<LabeledBatch> batches(int batch) {
    return LabeledBatch.split(images(), labels, batch);
  }
}
