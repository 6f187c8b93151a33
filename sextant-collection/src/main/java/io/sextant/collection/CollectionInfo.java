package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.shard.ShardInfo;
import java.util.Map;

/**
 * A snapshot of a collection's state ({@code GET /collections/{name}}). Immutable.
 *
 * @param status "green", "yellow", "grey" or "red" (worst over shards)
 * @param optimizerError last optimizer error, or null when the optimizer status is "ok"
 * @param pointsCount live points over all shards
 * @param indexedVectorsCount vectors in vector indexes over all shards
 * @param segmentsCount segments over all shards
 * @param config the collection's config; null only for a collection that failed to load and whose
 *     config could not be read ({@link FailedCollection})
 * @param payloadSchema indexed payload fields, with the number of points having a value (summed over shards)
 */
public record CollectionInfo(
        String status,
        String optimizerError,
        long pointsCount,
        long indexedVectorsCount,
        int segmentsCount,
        CollectionConfig config,
        Map<String, ShardInfo.FieldSchemaInfo> payloadSchema) {

    /** Qdrant's {@code optimizer_status}: "ok" or the error message. */
    public String optimizerStatus() {
        return optimizerError == null ? "ok" : optimizerError;
    }
}
