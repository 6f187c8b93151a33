package io.sextant.collection.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The sampling worker charges and reports the CPU time its tasks take (the cost of sampling). */
class SamplingBudgetTest {

    /** Spins until this thread used {@code nanos} of CPU. */
    private static void burn(long nanos) {
        var bean = ManagementFactory.getThreadMXBean();
        long start = bean.getCurrentThreadCpuTime();
        long x = 0;
        while (bean.getCurrentThreadCpuTime() - start < nanos) {
            x += System.nanoTime() % 7;
        }
        if (x == Long.MIN_VALUE) {
            throw new AssertionError();
        }
    }

    @Test
    void reportsTheCpuTimeItsSamplesTookAndStopsWhenTheAllowanceIsSpent() throws Exception {
        long[] now = {0};
        try (SamplingBudget b = new SamplingBudget(0.1, () -> now[0])) { // 100 ms of CPU to start with
            assertThat(b.tryRun(() -> burn(60_000_000))).isTrue();
            b.drain();
            assertThat(b.samplesRun()).isEqualTo(1);
            assertThat(b.cpuSeconds()).isBetween(0.06, 0.5);
            assertThat(b.tryRun(() -> burn(60_000_000)))
                    .as("40 ms left: still allowed")
                    .isTrue();
            b.drain();
            assertThat(b.tryRun(() -> {}))
                    .as("allowance overdrawn, the clock has not moved")
                    .isFalse();
            assertThat(b.samplesRun()).isEqualTo(2);
            assertThat(b.cpuSeconds()).isGreaterThanOrEqualTo(0.12);
            now[0] += 2_000_000_000L; // two seconds later the allowance is back (capped at one second's)
            assertThat(b.tryRun(() -> {})).isTrue();
        }
    }
}
