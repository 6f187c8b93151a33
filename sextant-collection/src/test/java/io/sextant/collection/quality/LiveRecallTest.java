package io.sextant.collection.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveRecallTest {
    private final AtomicLong clock = new AtomicLong();
    private final SamplingBudget budget = new SamplingBudget(0.5, clock::get);

    @AfterEach
    void close() {
        budget.close();
    }

    private static List<ScoredPoint> hits(long... ids) {
        return LongStream.of(ids)
                .mapToObj(i -> new ScoredPoint(PointId.of(i), 0, 1f, null, Map.of(), Map.of()))
                .toList();
    }

    private static CoreSearch search(String vector, boolean exact, int limit) {
        return new CoreSearch(
                vector,
                new float[] {1, 2},
                Filter.ALL,
                limit,
                0,
                null,
                new SearchParams(8, exact, false),
                PayloadSelector.ALL,
                VectorSelector.NONE);
    }

    private static LiveRecall.Settings always(int window) {
        return new LiveRecall.Settings(1.0, window, 0.5, 0.9, 3);
    }

    @Test
    void recallIsTheShareOfTheExactTopKInTheAnswerPerVectorName() throws Exception {
        List<CoreSearch> reruns = new ArrayList<>();
        LiveRecall lr = new LiveRecall(
                r -> {
                    synchronized (reruns) {
                        reruns.add(r);
                    }
                    return hits(1, 2, 3, 4);
                },
                budget);
        lr.settings(always(10));
        lr.offer(search("", false, 4), hits(1, 2, 9, 8)); // 2 of 4
        lr.offer(search("", false, 4), hits(4, 3, 2, 1)); // 4 of 4
        lr.offer(search("text", false, 4), hits(1, 7, 8, 9)); // 1 of 4
        budget.drain();
        var r = lr.readings();
        assertThat(r.get("").recall()).isEqualTo(0.75);
        assertThat(r.get("").samples()).isEqualTo(2);
        assertThat(r.get("text").recall()).isEqualTo(0.25);
        // the re-run is exact, same window, and asks for no payload or vectors
        assertThat(reruns).allSatisfy(x -> {
            assertThat(x.params().exact()).isTrue();
            assertThat(x.limit()).isEqualTo(4);
            assertThat(x.params().hnswEf()).isEqualTo(8);
            assertThat(x.withPayload()).isSameAs(PayloadSelector.NONE);
        });
        assertThat(r.get("").low(always(10))).as("2 samples < min_samples 3").isFalse();
    }

    @Test
    void exactSearchesEmptyAnswersAndRateZeroAreNotSampled() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        LiveRecall lr = new LiveRecall(
                r -> {
                    calls.incrementAndGet();
                    return hits(1);
                },
                budget);
        lr.settings(always(10));
        lr.offer(search("", true, 4), hits(1));
        lr.offer(search("", false, 4), List.of());
        lr.settings(new LiveRecall.Settings(0, 10, 0.5, 0.9, 3));
        lr.offer(search("", false, 4), hits(1));
        budget.drain();
        assertThat(calls.get()).isZero();
        assertThat(lr.readings()).isEmpty();
    }

    @Test
    void theWindowKeepsTheNewestSamplesSoRecallRecovers() throws Exception {
        LiveRecall lr = new LiveRecall(r -> hits(1, 2), budget);
        LiveRecall.Settings s = always(5);
        lr.settings(s);
        for (int i = 0; i < 5; i++) {
            lr.offer(search("", false, 2), hits(1, 7)); // 0.5
        }
        budget.drain();
        assertThat(lr.readings().get("").low(s)).isTrue();
        for (int i = 0; i < 5; i++) {
            lr.offer(search("", false, 2), hits(2, 1)); // 1.0
        }
        budget.drain();
        assertThat(lr.readings().get("").recall()).isEqualTo(1.0);
        assertThat(lr.readings().get("").total()).isEqualTo(10);
        assertThat(lr.readings().get("").low(s)).isFalse();
        lr.settings(always(2)); // shrinking keeps the newest
        lr.offer(search("", false, 2), hits(1, 9)); // 0.5
        budget.drain();
        assertThat(lr.readings().get("").samples()).isEqualTo(2);
        assertThat(lr.readings().get("").recall()).isEqualTo(0.75);
    }

    @Test
    void anExhaustedCpuAllowanceDropsSamplesUntilTimeRefillsIt() throws Exception {
        LiveRecall lr = new LiveRecall(
                r -> {
                    long until = System.nanoTime() + 30_000_000; // burn 30 ms of CPU
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    return hits(1);
                },
                budget);
        lr.settings(always(50));
        budget.share(0.01); // 10 ms of CPU per second of (fake) wall time
        // the initial allowance (0.5 s at construction) is spent by the first tasks
        for (int i = 0; i < 40; i++) {
            lr.offer(search("", false, 1), hits(1));
            budget.drain();
        }
        long taken = lr.readings().get("").total();
        assertThat(lr.droppedForBudget())
                .as("dropped once the allowance ran out")
                .isPositive();
        assertThat(taken).isLessThan(40);
        clock.addAndGet(10_000_000_000L); // 10 s later: 100 ms allowance (capped at 1 s x share)
        lr.offer(search("", false, 1), hits(1));
        budget.drain();
        assertThat(lr.readings().get("").total()).isEqualTo(taken + 1);
    }
}
