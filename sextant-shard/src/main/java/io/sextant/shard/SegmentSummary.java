package io.sextant.shard;

import io.sextant.segment.config.VectorSpec;
import java.util.Map;

/**
 * What telemetry shows of one segment, read without locks (figures may be a moment apart).
 *
 * @param name the segment's directory name
 * @param appendable whether it takes new points (the write target)
 * @param livePoints points not deleted
 * @param deletedPoints deleted points not yet vacuumed
 * @param vectorBytes bytes of stored vectors
 * @param dense the dense vectors' specs by name
 * @param indexedVectors vectors in a vector index, by vector name
 * @param deferredPoints live points reads do not see yet ({@code prevent_unoptimized})
 * @param payloadBytes bytes of the segment's payload storage as last flushed ({@link
 *     io.sextant.segment.storage.Segment#payloadStorageBytes})
 */
public record SegmentSummary(
        String name,
        boolean appendable,
        long livePoints,
        long deletedPoints,
        long vectorBytes,
        Map<String, VectorSpec> dense,
        Map<String, Long> indexedVectors,
        long deferredPoints,
        long payloadBytes) {

    /** A summary of a segment without deferred points. */
    public SegmentSummary(
            String name,
            boolean appendable,
            long livePoints,
            long deletedPoints,
            long vectorBytes,
            Map<String, VectorSpec> dense,
            Map<String, Long> indexedVectors) {
        this(name, appendable, livePoints, deletedPoints, vectorBytes, dense, indexedVectors, 0, 0);
    }
}
