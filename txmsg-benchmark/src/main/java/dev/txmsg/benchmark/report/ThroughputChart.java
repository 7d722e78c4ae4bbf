package dev.txmsg.benchmark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.Styler;

import dev.txmsg.benchmark.OutputFiles;
import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * {@code throughput.png}: throughput against threads, one line per scenario, both axes on a log
 * scale (thread counts grow by factors, and {@code send-only} runs an order of magnitude above the
 * transactional scenarios, which a linear axis would squash together).
 */
public final class ThroughputChart {

    private static final String TITLE = "Throughput by thread count (median and range of the rounds)";
    private static final String SHORT_MODE = " (short mode: not results)";

    private ThroughputChart() {
    }

    /** Draws the chart of {@code results} into {@code file}. */
    public static void write(Results results, Path file) throws IOException {
        Map<String, Map<Integer, List<Double>>> lines = new LinkedHashMap<>();
        for (Sample s : results.matrix()) {
            lines.computeIfAbsent(s.m().scenario(), k -> new TreeMap<>()).computeIfAbsent(s.m().threads(), k -> new ArrayList<>())
                .add(s.m().throughput());
        }
        draw(TITLE + (results.setup().quick() ? SHORT_MODE : ""), lines, file);
    }

    /**
     * Redraws the chart of an earlier run from its {@code results.csv}, without running anything.
     *
     * @return the chart's path
     * @throws IllegalArgumentException if there is no results.csv of this benchmark
     */
    public static Path replot(OutputFiles files) throws IOException {
        Path csv = files.matrixCsv();
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("--replot: no " + csv.getFileName() + " in " + csv.toAbsolutePath().getParent());
        }
        List<String> rows = Files.readAllLines(csv);
        List<String> header = rows.isEmpty() ? List.of() : Arrays.asList(rows.get(0).split(","));
        int scenario = header.indexOf("scenario");
        int threads = header.indexOf("threads");
        int throughput = header.indexOf("ops_per_s");
        if (scenario < 0 || threads < 0 || throughput < 0) {
            throw new IllegalArgumentException("--replot: " + csv.toAbsolutePath()
                + " is not a results.csv of txmsg-benchmark (its header lacks scenario, threads or ops_per_s)");
        }
        Map<String, Map<Integer, List<Double>>> lines = new LinkedHashMap<>();
        for (int i = 1; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",");
            try {
                lines.computeIfAbsent(cells[scenario], s -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(cells[threads]), k -> new ArrayList<>()).add(Double.parseDouble(cells[throughput]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--replot: line " + (i + 1) + " of " + csv.toAbsolutePath()
                    + " is not a result row: " + rows.get(i), e);
            }
        }
        Path markdown = files.markdown();
        boolean quick = Files.isRegularFile(markdown) && Files.readString(markdown).contains(MarkdownReport.SHORT_MODE_NOTE);
        draw(TITLE + (quick ? SHORT_MODE : ""), lines, files.chart());
        return files.chart();
    }

    private static void draw(String title, Map<String, Map<Integer, List<Double>>> lines, Path file) throws IOException {
        // Drawing needs no display; set before AWT loads.
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(960).height(600).title(title)
            .xAxisTitle("threads (log scale)").yAxisTitle("operations per second (log scale)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        // Thread counts grow by factors (1, 4, 16, 64): plot log2 of them and label the powers of two.
        chart.setCustomXAxisTickLabelsFormatter(ThroughputChart::threadsLabel);
        java.awt.Color[] palette = chart.getStyler().getSeriesColors();
        int index = 0;
        List<String> order = new ArrayList<>(Scenarios.NAMES);
        lines.keySet().stream().filter(s -> !order.contains(s)).forEach(order::add);
        for (String scenario : order) {
            Map<Integer, List<Double>> line = lines.get(scenario);
            if (line == null || line.isEmpty()) {
                continue;
            }
            double[] x = line.keySet().stream().mapToDouble(ThroughputChart::log2).toArray();
            List<Spread> spreads = line.values().stream().map(v -> Spread.of(v.stream().mapToDouble(Double::doubleValue).toArray()))
                .toList();
            double[] median = spreads.stream().mapToDouble(Spread::median).toArray();
            java.awt.Color color = palette[index++ % palette.length];
            XYSeries medians = chart.addSeries(scenario, x, median);
            medians.setLineColor(color);
            medians.setMarkerColor(color);
            // The range of the rounds: an error bar from min to max, centred between them.
            double[] middle = spreads.stream().mapToDouble(sp -> (sp.min() + sp.max()) / 2).toArray();
            double[] half = spreads.stream().mapToDouble(sp -> (sp.max() - sp.min()) / 2).toArray();
            XYSeries range = chart.addSeries(scenario + " range", x, middle, half);
            range.setShowInLegend(false);
            range.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            range.setMarker(SeriesMarkers.NONE);
            range.setLineColor(color);
            range.setMarkerColor(color);
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
