package dev.txmsg.benchmark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.txmsg.benchmark.OutputFiles;

/** {@code --replot}: the chart of an earlier run is redrawn from its results.csv alone. */
class ThroughputChartTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void redrawsTheChartFromResultsCsv() throws Exception {
        Files.writeString(dir.resolve("results.csv"), """
            scenario,threads,round,slot,run,ops,errors,seconds,ops_per_s,p50_ms
            txmsg,1,1,1,1,22249,0,20.000,1112.4,0.806
            send-only,1,1,2,2,55200,0,20.000,2760.0,0.340
            send-only,1,2,1,3,54100,0,20.000,2705.0,0.350
            txmsg,1,2,2,4,21002,0,20.000,1050.1,0.850
            txmsg,4,1,1,5,45300,0,20.000,2265.0,1.660
            send-only,4,1,2,6,219560,0,20.000,10978.0,0.330
            """);

        Path chart = ThroughputChart.replot(OutputFiles.in(dir));

        assertThat(chart).isEqualTo(dir.resolve("throughput.png"));
        byte[] png = Files.readAllBytes(chart);
        assertThat(png).startsWith(PNG_SIGNATURE);
    }

    @Test
    void aDirectoryWithoutResultsIsNamed() {
        assertThatThrownBy(() -> ThroughputChart.replot(OutputFiles.in(dir)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no results.csv in " + dir.toAbsolutePath());
        assertThat(dir.resolve("throughput.png")).doesNotExist();
    }

    @Test
    void aCsvOfSomethingElseIsRefusedAndNothingIsDrawn() throws Exception {
        Files.writeString(dir.resolve("results.csv"), "name,value\nx,1\n");

        assertThatThrownBy(() -> ThroughputChart.replot(OutputFiles.in(dir)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not a results.csv of txmsg-benchmark");
        assertThat(dir.resolve("throughput.png")).doesNotExist();
    }

    @Test
    void aBrokenRowIsNamedByLine() throws Exception {
        Files.writeString(dir.resolve("results.csv"), "scenario,threads,ops_per_s\ntxmsg,1,1112.4\ntxmsg,four,2265.0\n");

        assertThatThrownBy(() -> ThroughputChart.replot(OutputFiles.in(dir)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("line 3 of")
            .hasMessageContaining("txmsg,four,2265.0");
        assertThat(dir.resolve("throughput.png")).doesNotExist();
    }
}
