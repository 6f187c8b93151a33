package io.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class TrendTest {
    /** Samples every 60 s for an hour whose {@code threads} follow {@code f(t)}. */
    private static List<ResourceSample> hour(LongUnaryOperator f) {
        List<ResourceSample> out = new ArrayList<>();
        for (long t = 0; t <= 3600; t += 60) {
            out.add(new ResourceSample(t, -1, -1, -1, -1, f.applyAsLong(t), -1, -1, -1, -1, -1, -1, -1, 1.0));
        }
        return out;
    }

    private static Trend threads(List<ResourceSample> s) {
        return Trend.of("threads", s, ResourceSample::threads, 1, 600, 0.10, 4);
    }

    @Test
    void constantIsFlat() {
        Trend t = threads(hour(x -> 100));
        assertThat(t.firstAvg()).isEqualTo(100);
        assertThat(t.lastAvg()).isEqualTo(100);
        assertThat(t.slopePerHour()).isEqualTo(0);
        assertThat(t.tolerance()).isEqualTo(10);
        assertThat(t.flat()).isTrue();
    }

    @Test
    void steadyGrowthIsNotFlat() {
        // one thread more every 2 minutes: 30 per hour, tolerance 10 % of ~102 = 10.2
        Trend t = threads(hour(x -> 100 + x / 120));
        assertThat(t.slopePerHour()).isCloseTo(30, within(1.0));
        assertThat(t.slopeAfterWarmupPerHour()).isCloseTo(30, within(1.0));
        assertThat(t.lastAvg() - t.firstAvg()).isCloseTo(25, within(1.0));
        assertThat(t.flat()).isFalse();
    }

    @Test
    void warmUpThenPlateauIsFlat() {
        // climbs for the first 5 minutes, then stays: the whole-run slope is positive, the settled one 0
        Trend t = threads(hour(x -> x < 300 ? 50 + x / 10 : 80));
        assertThat(t.slopePerHour()).isPositive();
        assertThat(t.slopeAfterWarmupPerHour()).isEqualTo(0);
        assertThat(t.flat()).isTrue();
    }

    @Test
    void slowGrowthWithinToleranceIsFlatAndFasterIsNot() {
        assertThat(threads(hour(x -> 100 + x / 600)).flat()).isTrue(); // 6 per hour, tolerance 10
        assertThat(threads(hour(x -> 100 + x / 300)).flat()).isFalse(); // 12 per hour
    }

    @Test
    void unreadValuesAreLeftOut() {
        List<ResourceSample> s = hour(x -> x == 1800 ? -1 : 100);
        assertThat(threads(s).flat()).isTrue();
        assertThat(threads(s).firstAvg()).isEqualTo(100);
        Trend none = threads(hour(x -> -1));
        assertThat(none.flat()).isFalse();
        assertThat(none.firstAvg()).isNaN();
    }

    @Test
    void leastSquaresSlope() {
        assertThat(Trend.slope(List.of(new double[] {0, 1}, new double[] {1, 3}, new double[] {2, 5})))
                .isEqualTo(2);
        assertThat(Trend.slope(List.of(new double[] {5, 1}, new double[] {5, 3})))
                .isEqualTo(0);
    }
}
