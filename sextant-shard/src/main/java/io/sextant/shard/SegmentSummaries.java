package io.sextant.shard;

import io.sextant.segment.storage.Segment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link LocalShard#segmentSummaries()}: one {@link SegmentSummary} per segment of a set. Stateless. */
final class SegmentSummaries {

    private SegmentSummaries() {}

    static List<SegmentSummary> of(SegmentSet set) {
        List<SegmentSummary> out = new ArrayList<>();
        for (Segment s : set.all()) {
            Map<String, Long> indexed = new LinkedHashMap<>();
            for (String name : s.vectorNames()) {
                indexed.put(name, s.indexedVectorCount(name));
            }
            out.add(new SegmentSummary(
                    s.name(),
                    !s.immutable(),
                    s.liveCount(),
                    s.deletedCount(),
                    s.vectorBytes(),
                    s.specs(),
                    indexed,
                    s.deferredCount(),
                    s.payloadStorageBytes()));
        }
        return out;
    }
}
