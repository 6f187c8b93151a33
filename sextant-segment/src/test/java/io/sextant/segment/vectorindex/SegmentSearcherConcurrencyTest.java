package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentSearcherConcurrencyTest {
    @TempDir
    Path tmp;

    private static final int POINTS = 200;

    /**
     * An update moves a point within the write target (new copy appended, old copy deleted), so a
     * scan running meanwhile can meet both copies live; a request for every point must still get
     * every point once.
     */
    @Test
    void scanOfAnAppendableSegmentReturnsEachPointOnceWhilePointsMove() throws Exception {
        Segment seg =
                Segment.createAppendable(tmp.resolve("seg"), Map.of("", new VectorSpec(4, Distance.EUCLID, false)));
        Random r = new Random(5);
        for (int i = 0; i < POINTS; i++) {
            seg.append(PointId.of(i), i + 1, Map.of("", vector(r)), null);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            Random wr = new Random(6);
            long version = POINTS + 1;
            for (int round = 0; round < 3000 && !stop.get(); round++) {
                for (int i = 0; i < POINTS; i++) {
                    int old = seg.offsetOf(PointId.of(i));
                    seg.append(PointId.of(i), version++, Map.of("", vector(wr)), null);
                    seg.delete(old);
                }
            }
        });
        writer.start();
        int searches = 0;
        int shortAnswers = 0;
        Random qr = new Random(7);
        try {
            while (writer.isAlive() && searches < 2000) {
                List<SegmentSearcher.Hit> hits = SegmentSearcher.search(
                        seg,
                        new SegmentSearcher.Request("", vector(qr), Filter.ALL, POINTS, null, SearchParams.DEFAULT));
                Set<PointId> ids = new HashSet<>();
                for (SegmentSearcher.Hit h : hits) {
                    ids.add(seg.idAt(h.offset()));
                }
                if (ids.size() != POINTS || hits.size() != POINTS) {
                    shortAnswers++;
                }
                searches++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(searches).isGreaterThan(50);
        assertThat(shortAnswers)
                .as("searches (of %d) missing a point or repeating one", searches)
                .isZero();
    }

    private static float[] vector(Random r) {
        return new float[] {r.nextFloat(), r.nextFloat(), r.nextFloat(), r.nextFloat()};
    }
}
