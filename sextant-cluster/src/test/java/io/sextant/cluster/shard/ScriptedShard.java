package io.sextant.cluster.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import java.util.List;
import java.util.function.Function;

/** A shard whose search runs a given function and whose other calls are unsupported. */
final class ScriptedShard implements Shard {
    private final Function<CoreSearch, List<ScoredPoint>> search;

    ScriptedShard(Function<CoreSearch, List<ScoredPoint>> search) {
        this.search = search;
    }

    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        return search.apply(request);
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait) {
        throw new UnsupportedOperationException("update");
    }

    @Override
    public SparseStats sparseStats(String name, int[] dims, Filter corpus) {
        throw new UnsupportedOperationException("sparseStats");
    }

    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        throw new UnsupportedOperationException("retrieve");
    }

    @Override
    public ScrollPage scroll(ScrollRequest request) {
        throw new UnsupportedOperationException("scroll");
    }

    @Override
    public long count(Filter filter, boolean exact) {
        throw new UnsupportedOperationException("count");
    }

    @Override
    public ShardInfo info() {
        throw new UnsupportedOperationException("info");
    }

    @Override
    public void updateConfig(ShardConfig config) {}

    @Override
    public void changeVectors(ShardConfig config) {}

    @Override
    public void close() {}
}
