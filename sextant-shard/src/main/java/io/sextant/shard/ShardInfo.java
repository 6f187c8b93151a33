package io.sextant.shard;

import io.sextant.segment.index.PayloadIndexSpec;
import java.util.Map;

/**
 * Statistics of a shard.
 *
 * @param status GREEN (all optimized), YELLOW (optimizing), GREY (optimizations pending), RED (failed)
 * @param pointsCount live points
 * @param indexedVectorsCount vectors in a vector index
 * @param segmentsCount segments
 * @param payloadSchema indexed fields, their spec and how many points have a value there
 * @param optimizerError last optimizer error, or null
 */
public record ShardInfo(
        String status,
        long pointsCount,
        long indexedVectorsCount,
        int segmentsCount,
        Map<String, FieldSchemaInfo> payloadSchema,
        String optimizerError) {

    /** An indexed field and the number of points with a value in it. */
    public record FieldSchemaInfo(PayloadIndexSpec spec, long points) {}
}
