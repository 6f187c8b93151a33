package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard searches with limits and offsets up to {@code Integer.MAX_VALUE} over 10 points: {@code
 * offset + limit} does not overflow (the page is exactly the points after the offset) and the
 * search allocates for the 10 points, not for the limit (thread allocation counter).
 */
class ShardReadsLimitsTest {
    @TempDir
    Path tmp;

    static final int POINTS = 10;
    static final long BUDGET_BYTES = 8L << 20;
    static final int MAX = Integer.MAX_VALUE;

    @Test
    void hugeLimitsAndOffsetsOverTenPoints() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ShardFixtures.config(4, Distance.DOT))) {
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i = 1; i <= POINTS; i++) {
                pts.add(new PointOperation.PointStruct(PointId.of(i), Map.of("", new float[] {i, 1, 0, 0}), null));
            }
            shard.update(new PointOperation.Upsert(pts), true);
            search(shard, 3, 0, null); // warm-up

            List<ScoredPoint> all = search(shard, MAX, 0, null);
            assertThat(all).hasSize(POINTS);
            assertThat(all.get(0).id()).isEqualTo(PointId.of(POINTS));
            List<ScoredPoint> afterThree = search(shard, MAX, 3, null);
            assertThat(afterThree).hasSize(POINTS - 3);
            assertThat(afterThree.get(0).id()).isEqualTo(PointId.of(POINTS - 3));
            assertThat(search(shard, 2_000_000_000, 2_000_000_000, null)).isEmpty();
            assertThat(search(shard, MAX, MAX, null)).isEmpty();
            assertThat(search(shard, 1, MAX, null)).isEmpty();
            assertThat(search(shard, MAX, 9, new SearchParams(MAX, true, false)))
                    .extracting(ScoredPoint::id)
                    .containsExactly(PointId.of(1));

            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            List<ScoredPoint> hits = search(shard, MAX, 1, new SearchParams(MAX, false, false));
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(hits).hasSize(POINTS - 1);
            assertThat(bytes)
                    .as("bytes allocated by a search of limit %d over %d points", MAX, POINTS)
                    .isLessThan(BUDGET_BYTES);

            ScrollPage page = shard.scroll(
                    new ScrollRequest(Filter.ALL, MAX, null, null, PayloadSelector.NONE, VectorSelector.NONE));
            assertThat(page.points()).hasSize(POINTS);
            assertThat(page.nextOffset()).isNull();
        }
    }

    private static List<ScoredPoint> search(LocalShard shard, int limit, int offset, SearchParams params) {
        return shard.search(new CoreSearch(
                "",
                new float[] {1, 0.5f, 0, 0},
                Filter.ALL,
                limit,
                offset,
                null,
                params,
                PayloadSelector.NONE,
                VectorSelector.NONE));
    }
}
