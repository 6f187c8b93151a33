package io.sextant.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpBenchTest {
    @Test
    void nearestRankPercentiles() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(HttpBench.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(HttpBench.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(HttpBench.percentile(sorted, 1.0)).isEqualTo(100);
        assertThat(HttpBench.percentile(new double[] {7}, 0.95)).isEqualTo(7);
    }

    @Test
    void flagsComeInPairs() {
        assertThat(HttpBench.parse(new String[] {"--clients", "4", "--ef", "64"}))
                .containsEntry("clients", "4")
                .containsEntry("ef", "64");
        assertThatThrownBy(() -> HttpBench.parse(new String[] {"--clients"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
