package dev.graft.dsl.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The only class that touches XChart (an optional dependency): {@link LossPlot} checks that XChart
 * is present before it calls here, so the rest of the module loads without it.
 */
final class LossChart {
  private LossChart() {}

  /** The chart of {@code curves} ({@code {x, y}} each, named, with markers where {@code means}). */
  static byte[] png(String title, int width, int height, boolean logY, List<double[][]> curves,
      List<String> names, List<Boolean> means) throws IOException {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle("step").yAxisTitle("loss").build();
    chart.getStyler().setYAxisLogarithmic(logY);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    for (int i = 0; i < curves.size(); i++) {
      XYSeries s = chart.addSeries(names.get(i), curves.get(i)[0], curves.get(i)[1]);
      s.setMarker(means.get(i) ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", bytes)) {
      throw new IOException("no PNG writer in this JVM");
    }
    return bytes.toByteArray();
  }
}
