package dev.txmsg.benchmark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import dev.txmsg.benchmark.scenario.Scenarios;

/** {@code throughput.png}: throughput against threads, one line per scenario. */
public final class ThroughputChart {

    private ThroughputChart() {
    }

    /** Draws the chart of {@code results} into {@code file}. */
    public static void write(Results results, Path file) throws IOException {
        // Drawing needs no display; set before AWT loads.
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(960).height(600)
            .title("Throughput by thread count" + (results.setup().quick() ? " (short mode: not results)" : ""))
            .xAxisTitle("threads (log scale)").yAxisTitle("operations per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        // Thread counts grow by factors (1, 4, 16, 64): plot log2 of them and label the powers of two.
        chart.setCustomXAxisTickLabelsFormatter(ThroughputChart::threadsLabel);
        List<MatrixRow> rows = results.rows();
        for (String scenario : Scenarios.NAMES) {
            List<MatrixRow> line = rows.stream().filter(r -> r.m().scenario().equals(scenario)).toList();
            if (line.isEmpty()) {
                continue;
            }
            double[] threads = line.stream().mapToDouble(r -> log2(r.m().threads())).toArray();
            double[] throughput = line.stream().mapToDouble(r -> r.m().throughput()).toArray();
            chart.addSeries(scenario, threads, throughput);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static double log2(int threads) {
        return Math.log(threads) / Math.log(2);
    }

    private static String threadsLabel(double log2) {
        long rounded = Math.round(log2);
        return Math.abs(log2 - rounded) < 1e-9 && rounded >= 0 ? Long.toString(1L << rounded) : "";
    }
}
