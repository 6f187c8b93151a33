package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.shard.wal.DurationHistogram;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IndexingFreshnessTest {
    private static final long MS = 1_000_000;

    private long applied;
    private final IndexingFreshness f = new IndexingFreshness(() -> applied);

    private void apply(long seq, long nanos, boolean deferred) {
        f.applied(seq, nanos, deferred);
        applied = seq;
    }

    @Test
    void indexingRecordsEachWritesAppliedToIndexedTime() {
        apply(1, 0, false);
        apply(2, 10 * MS, false);
        apply(3, 20 * MS, false);
        assertThat(f.indexed(1)).isFalse();
        assertThat(f.searchable(3)).isTrue();

        f.indexedThrough(2, 100 * MS);
        assertThat(f.indexed(1)).isTrue();
        assertThat(f.indexed(2)).isTrue();
        assertThat(f.indexed(3)).isFalse();
        DurationHistogram.Snapshot h = f.toIndexed();
        assertThat(h.count()).isEqualTo(2);
        assertThat(h.sumSeconds()).isCloseTo(0.100 + 0.090, org.assertj.core.data.Offset.offset(1e-9));

        f.indexedThrough(3, 120 * MS);
        assertThat(f.indexed(3)).isTrue();
        assertThat(f.toIndexed().count()).isEqualTo(3);
        assertThat(f.toSearchable().count())
                .as("visible when applied: recorded as 0")
                .isEqualTo(3);
        assertThat(f.toSearchable().sumSeconds()).isZero();
        assertThat(f.appliedOpNum()).isEqualTo(3);
    }

    @Test
    void deferredWritesBecomeSearchableWhenIndexed() {
        apply(1, 0, false);
        apply(2, 5 * MS, true);
        assertThat(f.searchable(1)).isTrue();
        assertThat(f.searchable(2)).isFalse();
        assertThat(f.searchable(7)).isFalse();
        f.indexedThrough(2, 45 * MS);
        assertThat(f.searchable(2)).isTrue();
        DurationHistogram.Snapshot s = f.toSearchable();
        assertThat(s.count()).isEqualTo(2); // one 0, one 40 ms
        assertThat(s.sumSeconds()).isCloseTo(0.040, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void deferredWritesMadeVisibleBeforeIndexingIsDone() {
        apply(1, 0, true);
        apply(2, 10 * MS, true);
        f.visibleThrough(1, 30 * MS);
        assertThat(f.searchable(1)).isTrue();
        assertThat(f.searchable(2)).isFalse();
        assertThat(f.indexed(1)).as("visible is not indexed").isFalse();
        assertThat(f.toSearchable().sumSeconds()).isCloseTo(0.030, org.assertj.core.data.Offset.offset(1e-9));
        f.indexedThrough(2, 50 * MS);
        assertThat(f.searchable(2)).isTrue();
        assertThat(f.toSearchable().count()).as("each write counted once").isEqualTo(2);
        assertThat(f.toSearchable().sumSeconds()).isCloseTo(0.070, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.toIndexed().sumSeconds()).isCloseTo(0.090, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void writesWithinTheWindowShareAnEntryAndKeepTheirCount() {
        for (int i = 1; i <= 100; i++) {
            apply(i, i * 1000L, false); // 1 us apart: one entry
        }
        assertThat(f.pendingEntries()).isEqualTo(1);
        f.indexedThrough(100, 10 * MS);
        assertThat(f.toIndexed().count()).isEqualTo(100);
        assertThat(f.pendingEntries()).isZero();
    }

    @Test
    void aFullQueueCompactsWithoutLosingWritesOrOrder() {
        int n = IndexingFreshness.CAPACITY * 3;
        for (int i = 1; i <= n; i++) {
            apply(i, i * 2 * MS, i % 7 == 0);
        }
        assertThat(f.pendingEntries()).isLessThanOrEqualTo(IndexingFreshness.CAPACITY);
        f.indexedThrough(n / 2, (long) n * 2 * MS);
        assertThat(f.indexed(1)).isTrue();
        assertThat(f.indexed(n)).isFalse();
        f.indexedThrough(n, (long) n * 3 * MS);
        assertThat(f.toIndexed().count()).as("every write counted once").isEqualTo(n);
        assertThat(f.indexed(n)).isTrue();
    }

    @Test
    void indexedAnswersAgreeWithAPlainModelOnRandomHistories() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom rnd = new SplittableRandom(seed);
        IndexingFreshness g = new IndexingFreshness(() -> 0);
        long now = 0;
        long seq = 0;
        long indexedThrough = 0;
        for (int step = 0; step < 20_000; step++) {
            now += rnd.nextLong(3 * MS);
            if (rnd.nextInt(10) < 8) {
                g.applied(++seq, now, false);
            } else {
                long through = seq - rnd.nextLong(Math.min(seq, 5) + 1);
                g.indexedThrough(through, now);
                indexedThrough = Math.max(indexedThrough, through);
            }
            if (seq == 0) {
                continue;
            }
            long probe = 1 + rnd.nextLong(seq);
            // a pending write at or before the probe exists exactly when the probe is past what was indexed
            // (entries may merge, which only makes the answer more conservative: never "indexed" too early)
            if (g.indexed(probe)) {
                assertThat(probe).as("seed %d step %d", seed, step).isLessThanOrEqualTo(indexedThrough);
            }
        }
    }
}
