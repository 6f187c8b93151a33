package io.sextant.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnRoundsTest {
    private static AnnRow run(String engine, int threads, int ef, double recall, double qps) {
        return AnnRow.search("d", engine, "", threads, ef, recall, qps, 0.1, 0.2, "");
    }

    @Test
    void evenRoundsReverseTheEngineOrder() {
        List<String> engines = List.of("a", "b", "c");
        assertThat(AnnRounds.order(engines, 1)).containsExactly("a", "b", "c");
        assertThat(AnnRounds.order(engines, 2)).containsExactly("c", "b", "a");
        assertThat(AnnRounds.order(engines, 3)).containsExactly("a", "b", "c");
    }

    @Test
    void eachPointIsTheMedianOverRoundsAndEachRoundHasItsOwnVerdict() {
        List<List<AnnRow>> rounds = List.of(
                List.of(
                        AnnRow.build("d", "sextant", 10, 0, 1, 2, "first"),
                        run("sextant", 1, 20, 0.96, 3000),
                        run("lucene", 1, 20, 0.96, 1000)),
                List.of(
                        AnnRow.build("d", "sextant", 14, 0, 1, 2, "second"),
                        run("sextant", 1, 20, 0.96, 1000),
                        run("lucene", 1, 20, 0.96, 2000)),
                List.of(
                        AnnRow.build("d", "sextant", 11, 0, 1, 2, "third"),
                        run("sextant", 1, 20, 0.96, 2400),
                        run("lucene", 1, 20, 0.96, 1500)));
        List<AnnRow> median = AnnRounds.median(rounds);
        assertThat(median).hasSize(3);
        AnnRow build = median.getFirst();
        assertThat(build.buildSeconds()).isEqualTo(11);
        assertThat(build.notes()).isEqualTo("first");
        assertThat(AnnReport.select(median, "sextant", "search", "", 1)
                        .getFirst()
                        .qps())
                .isEqualTo(2400);
        assertThat(AnnReport.select(median, "lucene", "search", "", 1)
                        .getFirst()
                        .qps())
                .isEqualTo(1500);

        String table = AnnRounds.verdictPerRound(rounds);
        assertThat(table).contains("| 1 | 1 | 3000 | lucene | 1000 | 3.00x |");
        assertThat(table).contains("| 2 | 1 | 1000 | lucene | 2000 | 0.50x |");
        assertThat(table).contains("| 3 | 1 | 2400 | lucene | 1500 | 1.60x |");
    }

    @Test
    void anEvenNumberOfRoundsAveragesTheMiddleTwo() {
        List<List<AnnRow>> rounds = List.of(List.of(run("x", 2, 10, 0.9, 100)), List.of(run("x", 2, 10, 0.92, 300)));
        AnnRow m = AnnRounds.median(rounds).getFirst();
        assertThat(m.qps()).isEqualTo(200);
        assertThat(m.recall()).isCloseTo(0.91, org.assertj.core.data.Offset.offset(1e-12));
    }
}
