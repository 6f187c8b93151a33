package io.sextant.collection.query;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Qdrant's {@code sample: "random"}: a uniform random sample of the points matching a filter, in
 * random order. The sample is drawn by reservoir sampling over a scroll of the matching ids, so
 * memory is bounded by the sample size while time is linear in the matching points. Stateless and
 * thread-safe (randomness from {@link ThreadLocalRandom} unless given).
 */
final class RandomSample {
    private static final int PAGE = 1000;

    private RandomSample() {}

    /** Up to {@code want} points (ids and versions only) drawn uniformly from the points of {@code target} matching {@code filter}. */
    static List<PointRecord> matching(QueryTarget target, Filter filter, int want) {
        return matching(target, filter, want, ThreadLocalRandom.current());
    }

    static List<PointRecord> matching(QueryTarget target, Filter filter, int want, Random random) {
        List<PointRecord> reservoir = new ArrayList<>();
        if (want <= 0) {
            return reservoir;
        }
        long seen = 0;
        PointId next = null;
        do {
            ScrollPage page = target.scroll(
                    new ScrollRequest(filter, PAGE, next, null, PayloadSelector.NONE, VectorSelector.NONE));
            for (PointRecord r : page.points()) {
                seen++;
                if (reservoir.size() < want) {
                    reservoir.add(r);
                } else {
                    long j = random.nextLong(seen);
                    if (j < want) {
                        reservoir.set((int) j, r);
                    }
                }
            }
            next = page.nextOffset();
        } while (next != null);
        return reservoir;
    }

    /** {@code items} in a random order (a new list). */
    static <T> List<T> shuffled(Collection<T> items) {
        List<T> out = new ArrayList<>(items);
        Collections.shuffle(out, ThreadLocalRandom.current());
        return out;
    }
}
