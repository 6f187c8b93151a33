package io.sextant.collection;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.collection.config.CollectionConfigPatch;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.query.PointGroup;
import io.sextant.collection.query.QueryEngine;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.QueryTarget;
import io.sextant.collection.query.RecommendRequest;
import io.sextant.collection.query.SearchRequest;
import io.sextant.collection.strict.StrictModeGuard;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ResultWindow;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A collection: its config and its {@code shard_number} shards, stored under {@code
 * <storage>/collections/<name>/} with {@code config.json} and {@code shards/<i>/}. Point ids are
 * routed to shards by {@link ShardRouter}; operations selecting points by filter, and payload index
 * changes, go to every shard. Every operation is validated against the config before any shard
 * sees it, so bad input changes nothing.
 *
 * <p>Thread-safe: reads and point updates run concurrently (shards are thread-safe); config
 * changes are serialized and publish a new immutable config.
 */
public final class Collection implements QueryTarget, AutoCloseable {
    static final String SHARDS_DIR = "shards";

    private final String name;
    private final Path dir;
    /** This collection, or for a shard-key view ({@link #scoped}) the collection it views. */
    private final Collection root;
    /** The open shards (on the root; a view reads its root's). */
    private volatile ShardLayout layout;
    /** A view's routing groups (fixed when the view is made), or null: every shard. */
    private final List<List<Shard>> scope;

    private final CollectionResolver resolver;
    private final QueryEngine engine;
    private volatile CollectionConfig config;
    private final StrictModeGuard strictMode;
    private final io.sextant.collection.quality.LiveRecall liveRecall;
    private final io.sextant.collection.quality.ResultHealth resultHealth;

    private Collection(
            String name, Path dir, CollectionConfig config, ShardLayout layout, CollectionResolver resolver) {
        this.name = name;
        this.dir = dir;
        this.root = this;
        this.scope = null;
        this.config = config;
        this.layout = layout;
        this.resolver = resolver;
        this.liveRecall = new io.sextant.collection.quality.LiveRecall(
                this::searchShards, io.sextant.collection.quality.SamplingBudget.PROCESS);
        this.resultHealth =
                new io.sextant.collection.quality.ResultHealth(f -> count(f == null ? Filter.ALL : f, false));
        this.engine = new QueryEngine(this, n -> resolver.resolve(n));
        this.strictMode = new StrictModeGuard(new StrictModeGuard.Target() {
            @Override
            public CollectionConfig config() {
                return Collection.this.config;
            }

            @Override
            public Map<String, io.sextant.segment.index.PayloadIndexSpec> payloadSchema() {
                return Collection.this.payloadSchema();
            }

            @Override
            public long pointsCount() {
                return count(Filter.ALL, false);
            }

            @Override
            public long estimate(Filter filter) {
                return count(filter, false);
            }

            @Override
            public long payloadStorageBytes() {
                long n = 0;
                for (Shard s : shards()) {
                    n += s.payloadStorageBytes();
                }
                return n;
            }
        });
    }

    /**
     * The shard whose payload schema stands for the collection's: the first one with its data on
     * this node (in a cluster, a payload index change is applied by each peer from the metadata log
     * at its own pace, so another peer's answer can be ahead or behind this node's), else shard 0.
     */
    private Shard schemaSource() {
        List<Shard> all = shards();
        for (Shard s : all) {
            if (s.holdsLocalData()) {
                return s;
            }
        }
        return all.isEmpty() ? null : all.getFirst();
    }

    /**
     * The payload schema of the collection: for custom sharding the one its shard key table keeps
     * (every index change is recorded there, and it exists before any shard does); otherwise that of
     * {@link #schemaSource()}.
     */
    public Map<String, io.sextant.segment.index.PayloadIndexSpec> payloadSchema() {
        ShardKeyTable keys = root.layout.keys();
        if (keys != null) {
            return keys.payloadSchema();
        }
        return schemaSource().payloadSchema();
    }

    /** A view of this collection, for one request, that sees only {@code group}s. */
    private Collection(Collection root, List<List<Shard>> groups) {
        this.name = root.name;
        this.dir = root.dir;
        this.root = root;
        this.scope = groups;
        this.config = root.config;
        this.layout = null;
        this.resolver = root.resolver;
        this.liveRecall = root.liveRecall;
        this.resultHealth = root.resultHealth;
        this.strictMode = root.strictMode;
        this.engine = new QueryEngine(this, n -> resolver.resolve(n));
    }

    /**
     * This collection as seen through Qdrant's {@code shard_key} selector: reads see only the shards
     * of the {@code keys} given, writes go to every one of them (routed by point id within each).
     * Null or empty: the collection itself (reads see every shard; writes to a custom-sharded
     * collection then fail, as in Qdrant). The view is meant for one request.
     *
     * @throws UserException bad request for an unknown key (every key of an auto-sharded collection)
     */
    public Collection scoped(List<ShardKey> keys) {
        if (keys == null || keys.isEmpty()) {
            return root;
        }
        return new Collection(root, root.layout.select(keys));
    }

    /** The routing groups this object sees. */
    private List<List<Shard>> groups() {
        return scope != null ? scope : root.layout.allGroups();
    }

    /** The shards this object reads from. */
    private List<Shard> selected() {
        if (scope == null) {
            return root.layout.all();
        }
        List<Shard> out = new ArrayList<>();
        scope.forEach(out::addAll);
        return out;
    }

    /** Whether the collection is custom-sharded ({@code sharding_method: custom}). */
    public boolean customSharding() {
        return root.layout.custom();
    }

    /** The shard keys with their shard ids, in creation order (empty for auto sharding). */
    public Map<ShardKey, List<Integer>> shardKeys() {
        ShardKeyTable t = root.layout.keys();
        return t == null ? Map.of() : t.keys();
    }

    /** Enforces the collection's strict mode settings; the API layer calls it before each request. */
    public StrictModeGuard strictMode() {
        return strictMode;
    }

    /**
     * Creates the shards of a new collection in {@code dir} and persists its config last (a
     * directory without {@code config.json} is an unfinished creation, removed on start).
     */
    static Collection create(
            String name, Path dir, CollectionConfig config, ShardFactory factory, CollectionResolver resolver) {
        ShardKeyTable keys = config.params().customSharding() ? ShardKeyTable.EMPTY : null;
        if (keys != null) {
            keys.write(dir);
        }
        ShardLayout layout = ShardKeyChanges.openAll(name, dir, config, keys, factory);
        CollectionConfigFile.write(dir, config);
        return new Collection(name, dir, config, layout, resolver);
    }

    /** Opens an existing collection from {@code dir}. */
    static Collection open(String name, Path dir, ShardFactory factory, CollectionResolver resolver) {
        CollectionConfig config = CollectionConfigFile.read(dir);
        ShardKeyTable keys = config.params().customSharding() ? ShardKeyTable.read(dir) : null;
        return new Collection(name, dir, config, ShardKeyChanges.openAll(name, dir, config, keys, factory), resolver);
    }

    /**
     * Adds shard key {@code key} with {@code shardCount} new shards ({@link ShardKeyChanges#add}).
     *
     * @throws UserException bad request on an auto-sharded collection or for an existing key
     */
    synchronized void createShardKey(ShardKey key, int shardCount, ShardFactory factory) {
        layout = ShardKeyChanges.add(layout, key, shardCount, name, dir, config, factory);
    }

    /** Keeps a custom-sharded collection's payload index definitions in its shard key table. */
    private synchronized void recordIndex(PointOperation op) {
        layout = ShardKeyChanges.recordIndex(layout, op, dir);
    }

    /**
     * Drops shard key {@code key}: the key table without it is persisted and served, then its shards
     * are closed and their directories deleted.
     *
     * @throws UserException bad request on an auto-sharded collection or for an unknown key
     */
    synchronized void dropShardKey(ShardKey key) {
        ShardLayout before = layout;
        layout = ShardKeyChanges.drop(before, key, name, dir);
        ShardKeyChanges.closeRemoved(before, layout, dir);
    }

    @Override
    public String name() {
        return name;
    }

    /** The collection's directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public CollectionConfig config() {
        return config;
    }

    /** The directory of shard {@code shardId} (whether or not this node holds its data). */
    public Path shardDir(int shardId) {
        return dir.resolve(SHARDS_DIR).resolve(Integer.toString(shardId));
    }

    /**
     * Every open shard in shard id order (for snapshots and diagnostics). For an auto-sharded
     * collection the position is the shard id; for a custom-sharded one use {@link #shardIds()}.
     */
    public List<Shard> shards() {
        return root.layout.all();
    }

    /** The ids of the open shards, in the order of {@link #shards()}. */
    public List<Integer> shardIds() {
        return List.copyOf(root.layout.byId().keySet());
    }

    /** The shard with id {@code shardId}, or null when the collection has none. */
    public Shard shard(int shardId) {
        return root.layout.shard(shardId);
    }

    /** Applies a config patch: validates, persists, then passes the new config to the shards. */
    synchronized CollectionConfig applyPatch(CollectionConfigPatch patch) {
        CollectionConfig next = patch.applyTo(config);
        CollectionConfigFile.write(dir, next);
        config = next;
        for (Shard s : shards()) {
            s.updateConfig(next.toShardConfig());
        }
        return next;
    }

    /**
     * Switches the collection to {@code next}, which differs from the current config only in its
     * named vectors (see {@link io.sextant.collection.config.VectorNameSchema}): persists it first
     * (atomically: a restart opens every shard with it), then switches each shard in its update
     * order ({@link Shard#changeVectors}). Nothing happens when {@code next} is the current config.
     */
    synchronized CollectionUpdateResult changeVectors(java.util.function.UnaryOperator<CollectionConfig> change) {
        CollectionConfig next = change.apply(config);
        if (next != config) {
            CollectionConfigFile.write(dir, next);
            config = next;
            for (Shard s : shards()) {
                s.changeVectors(next.toShardConfig());
            }
        }
        return new CollectionUpdateResult(0, CollectionUpdateResult.Status.COMPLETED);
    }

    // ---------------------------------------------------------------- updates

    /**
     * Validates and applies a point operation. Not atomic across shards (as in Qdrant), but
     * validation happens before any shard is touched.
     *
     * @param wait return once the change is visible to reads
     * @throws io.sextant.segment.error.UserException for invalid input
     */
    public CollectionUpdateResult update(PointOperation op, boolean wait) {
        return update(op, wait, null);
    }

    /**
     * As {@link #update(PointOperation, boolean)}, with Qdrant's {@code timeout} for {@code wait}:
     * when the change is applied and durable but not visible within {@code timeoutSeconds} (points
     * deferred by {@code prevent_unoptimized} waiting for the optimizer), the status is {@code
     * wait_timeout}. Null waits the shard's default time.
     */
    public CollectionUpdateResult update(PointOperation op, boolean wait, Long timeoutSeconds) {
        op = io.sextant.shard.PointExpiry.withDefaultExpiry(op, config.ttl(), System.currentTimeMillis());
        OperationValidator.validate(config, op);
        if (op instanceof PointOperation.DeleteFieldIndex d && !payloadSchema().containsKey(d.field())) {
            throw UserException.notFound("Index for field `" + d.field() + "` doesn't exist");
        }
        boolean indexOp =
                op instanceof PointOperation.CreateFieldIndex || op instanceof PointOperation.DeleteFieldIndex;
        List<List<Shard>> groups = indexOp ? root.layout.allGroups() : groups();
        if (!indexOp && scope == null && root.layout.custom()) {
            throw UserException.badRequest("Wrong input: Shard key not specified");
        }
        List<Map.Entry<Shard, PointOperation>> perShard = new ArrayList<>();
        for (List<Shard> group : groups) {
            OperationSplitter.split(op, group.size())
                    .forEach((i, shardOp) -> perShard.add(Map.entry(group.get(i), shardOp)));
        }
        long deadline = timeoutSeconds == null ? 0 : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long opId = 0;
        boolean completed = true;
        boolean timedOut = false;
        for (Map.Entry<Shard, PointOperation> e : perShard) {
            Shard shard = e.getKey();
            var r = timeoutSeconds == null
                    ? shard.update(e.getValue(), wait)
                    : shard.update(e.getValue(), wait, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            opId = Math.max(opId, r.operationId());
            completed &= r.completed();
            timedOut |= r.timedOut();
        }
        if (indexOp && root.layout.custom()) {
            root.recordIndex(op);
        }
        CollectionUpdateResult.Status status = timedOut
                ? CollectionUpdateResult.Status.WAIT_TIMEOUT
                : completed ? CollectionUpdateResult.Status.COMPLETED : CollectionUpdateResult.Status.ACKNOWLEDGED;
        return new CollectionUpdateResult(opId, status);
    }

    // ---------------------------------------------------------------- reads

    /** The points with these ids that exist, in the order of {@code ids} (duplicates collapsed). */
    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        if (withVector instanceof VectorSelector.Names names) {
            for (String n : names.names()) {
                if (config.vector(n) == null && config.sparseVector(n) == null) {
                    throw UserException.badRequest("Wrong input: Not existing vector name error: " + n);
                }
            }
        }
        List<List<Shard>> groups = groups();
        if (groups.size() == 1 && groups.getFirst().size() == 1) {
            return groups.getFirst().getFirst().retrieve(ids, withPayload, withVector);
        }
        Map<PointId, PointRecord> found = new LinkedHashMap<>();
        for (List<Shard> group : groups) {
            Map<Integer, List<PointId>> byShard = new LinkedHashMap<>();
            for (PointId id : ids) {
                byShard.computeIfAbsent(ShardRouter.shardOf(id, group.size()), k -> new ArrayList<>())
                        .add(id);
            }
            byShard.forEach((s, sids) -> {
                for (PointRecord r : group.get(s).retrieve(sids, withPayload, withVector)) {
                    found.putIfAbsent(r.id(), r);
                }
            });
        }
        List<PointRecord> out = new ArrayList<>();
        for (PointId id : new java.util.LinkedHashSet<>(ids)) {
            PointRecord r = found.get(id);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** A page of points in id order, or payload-value order with {@code request.orderBy()}. */
    @Override
    public ScrollPage scroll(ScrollRequest request) {
        if (request.limit() < 1) {
            throw io.sextant.segment.error.UserException.badRequest(
                    "Wrong input: limit must be >= 1, got " + request.limit());
        }
        if (request.orderBy() != null && request.offset() != null) {
            throw io.sextant.segment.error.UserException.badRequest(
                    "Wrong input: offset is not supported with order_by, use order_by.start_from");
        }
        return ScrollMerger.scroll(this, selected(), request);
    }

    /** Number of points matching {@code filter} ({@code exact=false} allows an estimate). */
    public long count(Filter filter, boolean exact) {
        long total = 0;
        for (Shard s : selected()) {
            total += s.count(filter == null ? Filter.ALL : filter, exact);
        }
        return total;
    }

    /** Value counts of an indexed payload field ({@code POST /collections/{c}/facet}), best first. */
    public List<io.sextant.collection.facet.FacetHit> facet(io.sextant.collection.facet.FacetRequest request) {
        io.sextant.segment.index.PayloadIndexSpec spec;
        if (customSharding()) {
            spec = payloadSchema().get(request.key());
        } else {
            ShardInfo.FieldSchemaInfo field =
                    schemaSource().info().payloadSchema().get(request.key());
            spec = field == null ? null : field.spec();
        }
        return io.sextant.collection.facet.FacetCounter.count(request, spec == null ? null : spec.type(), this::scroll);
    }

    /** A distance matrix of a random sample of points ({@code points/search/matrix/*}). */
    public io.sextant.collection.matrix.DistanceMatrix searchMatrix(io.sextant.collection.matrix.MatrixRequest r) {
        return io.sextant.collection.matrix.MatrixSampler.build(
                r, config, this::scroll, engine::query, java.util.concurrent.ThreadLocalRandom.current());
    }

    /**
     * Nearest-neighbour search merged over shards: best first, offset and limit applied here. A
     * sampled share of approximate dense searches is re-run exactly in the background ({@link
     * #liveRecall()}); every answer is recorded in {@link #resultHealth()}. Searches of a shard-key
     * view ({@link #scoped}) are neither sampled nor recorded: both compare with the whole collection.
     */
    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        List<ScoredPoint> answer = searchShards(request);
        if (scope == null) {
            liveRecall.offer(request, answer);
            resultHealth.offer(request, answer);
        }
        return answer;
    }

    /** Result health of this collection's searches (zero results, filter drop-off, top scores). */
    public io.sextant.collection.quality.ResultHealth resultHealth() {
        return resultHealth;
    }

    /** Live recall of this collection's approximate searches. */
    public io.sextant.collection.quality.LiveRecall liveRecall() {
        return liveRecall;
    }

    private List<ScoredPoint> searchShards(CoreSearch request) {
        if (request.sparse()) {
            request = withModifier(request);
        } else if (request.params().idfCorpus() != null) {
            throw io.sextant.segment.error.UserException.badRequest(
                    "Wrong input: the `idf` search param applies to sparse vectors with the idf modifier only, "
                            + request.vectorName() + " is a dense vector");
        }
        List<Shard> shards = selected();
        if (shards.isEmpty()) {
            return List.of();
        }
        if (shards.size() == 1) {
            return shards.get(0).search(request);
        }
        // saturating: offset and limit may both be MAX_VALUE
        CoreSearch perShard = request.withWindow(ResultWindow.end(request.offset(), request.limit()), 0);
        boolean higherBetter = request.sparse()
                || request.examples() != null // example scores: higher is better whatever the distance
                || OperationValidator.vectorParams(config, request.vectorName())
                        .distance()
                        .higherIsBetter();
        List<ScoredPoint> all = new ArrayList<>();
        for (Shard s : shards) {
            all.addAll(s.search(perShard));
        }
        all.sort(QueryEngine.byScore(higherBetter));
        return ResultWindow.page(all, request.offset(), request.limit());
    }

    /**
     * A sparse search with the vector's modifier applied: for {@code idf}, each query weight times
     * the inverse document frequency of its dimension over all shards.
     */
    private CoreSearch withModifier(CoreSearch request) {
        SparseVectorParams params = config.sparseVector(request.vectorName());
        if (params == null) {
            throw io.sextant.segment.error.UserException.badRequest(
                    "Wrong input: Not existing vector name error: " + request.vectorName());
        }
        Filter corpus = request.params().idfCorpus();
        if (params.modifier() != SparseVectorParams.Modifier.IDF) {
            if (corpus != null) {
                throw io.sextant.segment.error.UserException.badRequest("Wrong input: the `idf` search param needs"
                        + " a sparse vector with the idf modifier; " + request.vectorName() + " has none");
            }
            return request;
        }
        if (request.sparseVector().isEmpty()) {
            return request;
        }
        SparseVector q = request.sparseVector();
        SparseStats stats = null;
        for (Shard s : selected()) {
            SparseStats one = s.sparseStats(request.vectorName(), q.indices(), corpus);
            stats = stats == null ? one : stats.plus(one);
        }
        float[] weighted = new float[q.size()];
        for (int i = 0; i < weighted.length; i++) {
            weighted[i] = q.values()[i] * stats.idf(i);
        }
        return request.withSparseVector(new SparseVector(q.indices(), weighted));
    }

    /** Optimization progress of every shard, concatenated. */
    public io.sextant.shard.OptimizationsReport optimizations() {
        List<io.sextant.shard.OptimizationsReport.Optimization> running = new java.util.ArrayList<>();
        List<io.sextant.shard.OptimizationsReport.Optimization> queued = new java.util.ArrayList<>();
        List<io.sextant.shard.OptimizationsReport.Optimization> completed = new java.util.ArrayList<>();
        List<io.sextant.shard.OptimizationsReport.SegmentRef> idle = new java.util.ArrayList<>();
        for (Shard s : shards()) {
            io.sextant.shard.OptimizationsReport r = s.optimizations();
            running.addAll(r.running());
            queued.addAll(r.queued());
            completed.addAll(r.completed());
            idle.addAll(r.idleSegments());
        }
        return new io.sextant.shard.OptimizationsReport(running, queued, completed, idle);
    }

    public CollectionInfo info() {
        String status = "green";
        String error = null;
        long points = 0;
        long indexed = 0;
        int segments = 0;
        Map<String, ShardInfo.FieldSchemaInfo> schema = new LinkedHashMap<>();
        for (Shard s : shards()) {
            ShardInfo i = s.info();
            status = worse(status, i.status() == null ? "green" : i.status().toLowerCase(java.util.Locale.ROOT));
            if (i.optimizerError() != null) {
                error = i.optimizerError();
            }
            points += i.pointsCount();
            indexed += i.indexedVectorsCount();
            segments += i.segmentsCount();
            if (i.payloadSchema() != null) {
                i.payloadSchema()
                        .forEach((k, v) -> schema.merge(
                                k, v, (a, b) -> new ShardInfo.FieldSchemaInfo(a.spec(), a.points() + b.points())));
            }
        }
        return new CollectionInfo(status, error, points, indexed, segments, config, schema);
    }

    private static String worse(String a, String b) {
        List<String> order = List.of("green", "grey", "yellow", "red");
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        return ib > ia ? b : a;
    }

    // ---------------------------------------------------------------- queries

    /** Universal query ({@code points/query}); hits best first with payload/vectors as requested. */
    public List<ScoredPoint> query(QueryRequest request) {
        return engine.query(request);
    }

    /** Several universal queries ({@code points/query/batch}); one result list per request. */
    public List<List<ScoredPoint>> queryBatch(List<QueryRequest> requests) {
        return requests.stream().map(engine::query).toList();
    }

    /** Grouped query ({@code points/query/groups}, also legacy search/recommend groups). */
    public List<PointGroup> queryGroups(QueryGroupsRequest request) {
        return engine.queryGroups(request);
    }

    /** Legacy {@code points/search}. */
    public List<ScoredPoint> search(SearchRequest request) {
        return engine.query(request.toQueryRequest());
    }

    /** Legacy {@code points/search/batch}. */
    public List<List<ScoredPoint>> searchBatch(List<SearchRequest> requests) {
        return requests.stream().map(this::search).toList();
    }

    /** Legacy {@code points/recommend}. */
    public List<ScoredPoint> recommend(RecommendRequest request) {
        return engine.query(request.toQueryRequest());
    }

    /** Legacy {@code points/recommend/batch}. */
    public List<List<ScoredPoint>> recommendBatch(List<RecommendRequest> requests) {
        return requests.stream().map(this::recommend).toList();
    }

    /** Flushes and closes every shard. */
    @Override
    public void close() {
        if (root != this) {
            return; // a view owns nothing
        }
        RuntimeException first = null;
        for (Shard s : shards()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
