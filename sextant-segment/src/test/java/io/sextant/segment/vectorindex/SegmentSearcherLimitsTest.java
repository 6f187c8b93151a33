package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment search asked for {@code k = Integer.MAX_VALUE} (a request's raw limit) over a segment
 * of 10 points allocates in proportion to the 10 points, measured with the thread's allocation
 * counter. A top-k sized by k would need 16 GB and throw {@link OutOfMemoryError} instead.
 */
class SegmentSearcherLimitsTest {
    @TempDir
    Path tmp;

    static final int POINTS = 10;
    /** Far above what searching 10 points needs, far below one array sized by k (8 GB). */
    static final long BUDGET_BYTES = 4L << 20;

    @Test
    void hugeKOverTenPointsAllocatesForTenPoints() {
        Segment seg = Segment.createAppendable(tmp.resolve("seg"), Map.of("", new VectorSpec(4, Distance.DOT, false)));
        for (int i = 0; i < POINTS; i++) {
            seg.append(PointId.of(i), i + 1, Map.of("", new float[] {i, 1, 0, 0}), null);
        }
        float[] q = {1, 0.5f, 0, 0};
        search(seg, q, Filter.ALL, 3, SearchParams.DEFAULT); // warm-up: class loading allocates too

        for (SearchParams params : List.of(
                SearchParams.DEFAULT,
                new SearchParams(Integer.MAX_VALUE, false, false),
                new SearchParams(
                        Integer.MAX_VALUE, false, false, new SearchParams.QuantizationParams(false, true, 1e30)))) {
            long[] bytes = new long[1];
            List<SegmentSearcher.Hit> hits =
                    allocating(bytes, () -> search(seg, q, Filter.ALL, Integer.MAX_VALUE, params));
            assertThat(hits).as(params.toString()).hasSize(POINTS);
            assertThat(seg.idAt(hits.get(0).offset())).isEqualTo(PointId.of(POINTS - 1));
            assertThat(bytes[0]).as("bytes allocated with %s", params).isLessThan(BUDGET_BYTES);
        }

        Filter some = Filter.must(new Condition.HasIdCondition(Set.of(PointId.of(2), PointId.of(3), PointId.of(99))));
        long[] bytes = new long[1];
        List<SegmentSearcher.Hit> filtered =
                allocating(bytes, () -> search(seg, q, some, Integer.MAX_VALUE, SearchParams.DEFAULT));
        assertThat(filtered).hasSize(2);
        assertThat(bytes[0]).isLessThan(BUDGET_BYTES);
    }

    private static List<SegmentSearcher.Hit> search(Segment seg, float[] q, Filter f, int k, SearchParams p) {
        return SegmentSearcher.search(seg, new SegmentSearcher.Request("", q, f, k, null, p));
    }

    /** Runs {@code body} on this thread, storing the bytes it allocated in {@code bytes[0]}. */
    static <T> T allocating(long[] bytes, Supplier<T> body) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        T result = body.get();
        bytes[0] = mx.getCurrentThreadAllocatedBytes() - before;
        return result;
    }
}
