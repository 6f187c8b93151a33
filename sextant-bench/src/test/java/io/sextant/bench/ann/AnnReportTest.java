package io.sextant.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnReportTest {
    private static AnnRow run(String engine, String filter, int threads, int ef, double recall, double qps) {
        return AnnRow.search("d", engine, filter, threads, ef, recall, qps, 0.1, 0.2, "");
    }

    @Test
    void verdictTakesBestQpsAtTargetAndRatioToBestPeer() {
        List<AnnRow> rows = List.of(
                AnnRow.build("d", "sextant", 10, 0, 1, 2, "s"),
                AnnRow.build("d", "lucene", 20, 0, 3, 4, "l"),
                run("sextant", "", 1, 40, 0.94, 3000),
                run("sextant", "", 1, 80, 0.96, 2000),
                run("lucene", "", 1, 80, 0.95, 1000),
                run("lucene", "", 1, 160, 0.99, 500),
                run("sextant", "f", 1, 80, 0.97, 900),
                run("lucene", "f", 1, 80, 0.96, 600));
        assertThat(AnnReport.qpsAtRecall(AnnReport.select(rows, "sextant", "search", "", 1), 0.95))
                .hasValue(2000);
        String md = AnnReport.render("d", rows, Map.of("command", "`x`"));
        assertThat(md).contains("| 1 | 2000 | 1000 | lucene | 2.00x |");
        assertThat(md).contains("| f | 1 | 900 | 600 | 1.50x |");
        assertThat(md).contains("| sextant | 10.0 | 0.0 | 1 | 2 | 3 | 1.00 |");
        assertThat(md).contains("| lucene | 20.0 | 0.0 | 3 | 4 | 7 | 0.50 |");
    }

    @Test
    void sextantVariantsAreNotPeers() {
        List<AnnRow> rows = List.of(
                AnnRow.build("d", "sextant", 10, 0, 1, 2, "s"),
                AnnRow.build("d", "sextant-int8", 1, 0, 1, 2, "q"),
                AnnRow.build("d", "lucene", 20, 0, 3, 4, "l"),
                run("sextant", "", 1, 40, 0.96, 3000),
                run("sextant-int8", "", 1, 40, 0.96, 5000),
                run("lucene", "", 1, 40, 0.96, 1500));
        String md = AnnReport.render("d", rows, Map.of("command", "`x`"));
        assertThat(md).contains("| 1 | 3000 | 5000 | 1500 | lucene | 2.00x |");
    }

    @Test
    void filterParsingAcceptsKeywordMustOnly() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> c =
                Dataset.parseFilter(json.readTree("{\"must\":[{\"key\":\"pos\",\"match\":{\"value\":\"verb\"}}]}"));
        assertThat(c).containsExactly(Map.entry("pos", "verb"));
        var accept = Dataset.evaluate(c, Map.of("pos", new String[] {"noun", "verb", "verb"}), 3);
        assertThat(accept.stream().toArray()).containsExactly(1, 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dataset.parseFilter(json.readTree("{\"should\":[]}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
