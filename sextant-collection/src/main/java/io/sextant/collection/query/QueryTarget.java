package io.sextant.collection.query;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.segment.PointId;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.List;

/**
 * What the {@link QueryEngine} needs of a collection: its config and merged (all-shard) search,
 * retrieve and scroll. Implementations are thread-safe.
 */
public interface QueryTarget {
    String name();

    CollectionConfig config();

    /** Nearest-neighbour search over all shards; best first, offset and limit applied. */
    List<ScoredPoint> search(CoreSearch request);

    /** Existing points among {@code ids}, in the order of {@code ids}. */
    List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector);

    /** A page of points over all shards. */
    ScrollPage scroll(ScrollRequest request);
}
