package io.sextant.bench.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV-to-markdown step of {@code bin/bench kernels}; the benchmark itself never runs in tests. */
class KernelReportTest {
    static final String HEADER =
            "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: dim\"";

    static String row(String method, double score, String error, int dim) {
        return "\"io.sextant.bench.kernels.DistanceKernelBenchmark." + method + "\",\"avgt\",1,3," + score + "," + error
                + ",\"ns/op\"," + dim;
    }

    @Test
    void parsesJmhCsvAndComputesSpeedUpAgainstThePlainLoop() {
        var results = KernelReport.parseCsv(List.of(
                HEADER,
                row("dotPlainLoop", 100.0, "2.0", 128),
                row("dotPanamaArray", 12.5, "0.5", 128),
                row("dotPanamaSegment", 25.0, "NaN", 128),
                row("l2PlainLoop", 90.0, "1.0", 768),
                ""));
        assertThat(results.get("dotPanamaArray")).containsEntry(128, new KernelReport.Score(12.5, 0.5));
        assertThat(results.get("dotPanamaSegment").get(128).error()).isNaN();

        String md = KernelReport.render(results, "CONTEXT\n");
        assertThat(md)
                .contains("| 128 | 100.0 ± 2.0 | – | 12.5 ± 0.5 (**8.0×**) | 25.0 ± NaN (**4.0×**) |")
                .contains("| 768 | 90.0 ± 1.0 | – | – | – |")
                .contains("## Squared L2 distance")
                .endsWith("CONTEXT\n");
    }

    @Test
    void rejectsOtherCsvs() {
        assertThatThrownBy(() -> KernelReport.parseCsv(List.of("a,b,c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a,b,c");
        assertThatThrownBy(() -> KernelReport.parseCsv(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KernelReport.parseCsv(
                        List.of(HEADER, row("dotScalar", 1, "1", 128).replace("ns/op", "ops/s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ops/s");
    }

    @Test
    void splitsQuotedFields() {
        assertThat(KernelReport.splitCsvLine("\"a,b\",1,\"c\"")).containsExactly("a,b", "1", "c");
    }
}
