package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writes a segment's rows (ids, versions, vector presence, payloads) to {@code points.bin} for
 * {@link Segment#flush}: the {@link PointsFile.Rows} view over the segment's columns at the count
 * seen when the flush started. Stateless.
 */
final class SegmentPointsWriter {

    private SegmentPointsWriter() {}

    static void write(Segment s, long persistedSeq) {
        int n = s.count;
        AtomicLongArray f = s.flags;
        PointsFile.write(s.dir.resolve(PointsFile.NAME), persistedSeq, s.immutable(), s.names, new PointsFile.Rows() {
            @Override
            public int count() {
                return n;
            }

            @Override
            public PointId id(int offset) {
                return s.ids[offset];
            }

            @Override
            public long version(int offset) {
                return s.versions.get(offset);
            }

            @Override
            public long presence(int offset) {
                return f.get(offset) & ~Segment.DELETED;
            }

            @Override
            public ObjectNode payload(int offset) {
                return s.payloads.get(offset);
            }
        });
    }
}
