package io.sextant.collection.strict;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.facet.FacetRequest;
import io.sextant.collection.matrix.MatrixRequest;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Enforces a collection's {@link StrictModeConfig} on the requests made to it: the API layer calls
 * one entry point per request (before running it) and nothing happens while strict mode is off.
 * Besides the checks of {@link StrictModeVerifier} it holds the collection's read and write {@link
 * RateLimiter}s (made afresh whenever the strict mode settings change, as a PATCH resets Qdrant's)
 * and checks writes against the collection size limits.
 *
 * <p>Rate costs follow Qdrant: a query costs one token per query vector (an id reference: the
 * lookup, the filter excluding it, and its vector), plus one per filter condition, summed over
 * prefetches and batches; scroll and count cost one plus the filter's conditions; retrieve one per
 * id; a write one per point written, or the estimated number of points its filter selects (at least
 * one). Thread-safe.
 */
public final class StrictModeGuard {

    /** What the guard reads of its collection. */
    public interface Target {
        CollectionConfig config();

        /** Payload indexes by key. */
        Map<String, PayloadIndexSpec> payloadSchema();

        /** Live points (an estimate is fine). */
        long pointsCount();

        /** Estimated number of points {@code filter} selects. */
        long estimate(Filter filter);

        /** Bytes of the payload storage as last flushed (see {@code Shard#payloadStorageBytes}). */
        default long payloadStorageBytes() {
            return 0;
        }
    }

    private record Limiters(StrictModeConfig config, RateLimiter read, RateLimiter write) {}

    private final Target target;
    private final LongSupplier nanoClock;
    private volatile Limiters limiters;

    public StrictModeGuard(Target target) {
        this(target, System::nanoTime);
    }

    public StrictModeGuard(Target target, LongSupplier nanoClock) {
        this.target = target;
        this.nanoClock = nanoClock;
    }

    /** The settings in force, or null while strict mode is off. */
    private StrictModeConfig active() {
        StrictModeConfig s = target.config().strictMode();
        return s.isEnabled() ? s : null;
    }

    private Limiters limiters(StrictModeConfig s) {
        Limiters l = limiters;
        if (l == null || l.config != s) {
            synchronized (this) {
                l = limiters;
                if (l == null || l.config != s) {
                    l = new Limiters(
                            s,
                            s.readRateLimit() == null ? null : new RateLimiter(s.readRateLimit(), nanoClock),
                            s.writeRateLimit() == null ? null : new RateLimiter(s.writeRateLimit(), nanoClock));
                    limiters = l;
                }
            }
        }
        return l;
    }

    private void read(StrictModeConfig s, long cost) {
        RateLimiter r = limiters(s).read();
        RateLimiter.Refusal refused = r == null ? null : r.tryConsume(cost);
        if (refused != null) {
            throw RateLimitedException.of("Read", cost, refused);
        }
    }

    private void write(StrictModeConfig s, long cost) {
        RateLimiter w = limiters(s).write();
        RateLimiter.Refusal refused = w == null ? null : w.tryConsume(cost);
        if (refused != null) {
            throw RateLimitedException.of("Write", cost, refused);
        }
    }

    // ---------------------------------------------------------------- reads

    /** The {@code timeout} query parameter, seconds (null: none given). */
    public void checkTimeout(Long seconds) {
        StrictModeConfig s = active();
        if (s != null && seconds != null) {
            StrictModeVerifier.checkLimit(seconds, s.maxTimeout(), "timeout");
        }
    }

    /** A universal query (also legacy search and recommend). */
    public void checkQuery(QueryRequest q) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkQuery(s, q, target.config(), target.payloadSchema());
            read(s, cost(q, target.config()));
        }
    }

    /** A batch of queries: its size, each query, then the sum of their costs. */
    public void checkQueryBatch(List<QueryRequest> batch) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkLimit(batch.size(), s.searchMaxBatchsize(), "search batch size");
            long cost = 0;
            for (QueryRequest q : batch) {
                StrictModeVerifier.checkQuery(s, q, target.config(), target.payloadSchema());
                cost += cost(q, target.config());
            }
            read(s, cost);
        }
    }

    /** A grouped query: {@code limit × group_size} is its limit; its {@code group_by} key may need an index. */
    public void checkGroups(QueryGroupsRequest g) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkLimit((long) g.limit() * g.groupSize(), s.maxQueryLimit(), "limit");
            StrictModeVerifier.checkGroupBy(s, g.groupBy(), target.payloadSchema());
            StrictModeVerifier.checkQuery(s, g.query(), target.config(), target.payloadSchema(), false, true);
            read(s, cost(g.query(), target.config()));
        }
    }

    /** A scroll with this filter (may be null) and limit. */
    public void checkScroll(Filter filter, long limit) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkLimit(limit, s.maxQueryLimit(), "limit");
            StrictModeVerifier.checkFilter(s, filter, s.unindexedFilteringRetrieve(), target.payloadSchema());
            read(s, 1 + conditions(filter));
        }
    }

    /** A count with this filter (may be null). */
    public void checkCount(Filter filter, boolean exact) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkFilter(s, filter, s.unindexedFilteringRetrieve(), target.payloadSchema());
            StrictModeVerifier.checkExact(s, exact, "Exact search");
            read(s, 1 + conditions(filter));
        }
    }

    /** A facet: its limit, its filter and {@code exact}. */
    public void checkFacet(FacetRequest f) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkLimit(f.limit(), s.maxQueryLimit(), "limit");
            StrictModeVerifier.checkFilter(s, f.filter(), s.unindexedFilteringRetrieve(), target.payloadSchema());
            StrictModeVerifier.checkExact(s, f.exact(), "Exact search");
            read(s, 1 + conditions(f.filter()));
        }
    }

    /** A distance matrix: {@code sample × limit} is its limit (as Qdrant), and its filter. */
    public void checkMatrix(MatrixRequest m) {
        StrictModeConfig s = active();
        if (s != null) {
            StrictModeVerifier.checkLimit((long) m.sample() * m.limit(), s.maxQueryLimit(), "limit");
            StrictModeVerifier.checkFilter(s, m.filter(), s.unindexedFilteringRetrieve(), target.payloadSchema());
            read(s, m.sample());
        }
    }

    /** A retrieval of {@code ids} points by id. */
    public void checkRetrieve(int ids) {
        StrictModeConfig s = active();
        if (s != null) {
            read(s, ids);
        }
    }

    private static long conditions(Filter f) {
        return f == null ? 0 : FilterChecks.conditionCount(f);
    }

    /** The read tokens a query costs (see the class comment). */
    static long cost(QueryRequest q, CollectionConfig config) {
        VectorParams target = config.vector(q.using());
        int multi = target != null && target.multivectorConfig() != null ? target.size() : 0;
        long cost = conditions(q.filter());
        cost += switch (q.query()) {
            case Query.Nearest n -> vectors(n.vector(), multi);
            case Query.Recommend r ->
                r.positive().stream().mapToLong(v -> vectors(v, multi)).sum()
                        + r.negative().stream()
                                .mapToLong(v -> vectors(v, multi))
                                .sum();
            case Query.Discover d -> vectors(d.target(), multi) + pairs(d.context(), multi);
            case Query.Context c -> pairs(c.pairs(), multi);
            case Query.RelevanceFeedback f ->
                vectors(f.target(), multi)
                        + f.feedback().stream()
                                .mapToLong(e -> vectors(e.example(), multi))
                                .sum();
            case null, default -> 0;
        };
        for (QueryRequest p : q.prefetch()) {
            cost += cost(p, config);
        }
        return cost;
    }

    private static long pairs(List<Query.ContextPair> pairs, int multiDim) {
        return pairs.stream()
                .mapToLong(p -> vectors(p.positive(), multiDim) + vectors(p.negative(), multiDim))
                .sum();
    }

    /** Vectors in one query input; {@code multiDim} is the vector size of a multivector target, else 0. */
    private static long vectors(VectorInput v, int multiDim) {
        return switch (v) {
            // its lookup, the has_id condition excluding it from the results, and its vector
            case VectorInput.ById id -> 3;
            case VectorInput.Dense d when multiDim > 0 -> Math.max(1, d.vector().length / multiDim);
            default -> 1;
        };
    }

    // ---------------------------------------------------------------- writes

    /** A point operation, before anything is applied. */
    public void checkUpdate(PointOperation op) {
        StrictModeConfig s = active();
        if (s == null) {
            return;
        }
        CollectionConfig config = target.config();
        Map<String, PayloadIndexSpec> schema = target.payloadSchema();
        switch (op) {
            case PointOperation.Upsert u -> {
                StrictModeVerifier.checkLimit(u.points().size(), s.upsertMaxBatchsize(), "upsert limit");
                checkSize(s, config);
                for (PointOperation.PointStruct p : u.points()) {
                    checkVectors(s, config, p.vectors(), p.sparseVectors());
                }
            }
            case PointOperation.UpdateVectors u -> {
                StrictModeVerifier.checkLimit(u.points().size(), s.upsertMaxBatchsize(), "update limit");
                checkSize(s, config);
                for (PointOperation.PointVectors p : u.points()) {
                    checkVectors(s, config, p.vectors(), p.sparseVectors());
                }
            }
            case PointOperation.SetPayload p -> {
                checkSelector(s, p.selector(), schema);
                checkPayloadSize(s);
            }
            case PointOperation.OverwritePayload p -> {
                checkSelector(s, p.selector(), schema);
                checkPayloadSize(s);
            }
            case PointOperation.Delete d -> checkSelector(s, d.selector(), schema);
            case PointOperation.DeletePayload d -> checkSelector(s, d.selector(), schema);
            case PointOperation.ClearPayload c -> checkSelector(s, c.selector(), schema);
            case PointOperation.DeleteVectors d -> checkSelector(s, d.selector(), schema);
            case PointOperation.CreateFieldIndex c -> checkIndexCount(s, c.field(), schema);
            default -> {}
        }
        write(s, writeCost(op));
    }

    private static void checkSelector(StrictModeConfig s, PointsSelector sel, Map<String, PayloadIndexSpec> schema) {
        if (sel instanceof PointsSelector.ByFilter f) {
            StrictModeVerifier.checkFilter(s, f.filter(), s.unindexedFilteringUpdate(), schema);
        }
    }

    private long writeCost(PointOperation op) {
        long n =
                switch (op) {
                    case PointOperation.Upsert u -> u.points().size();
                    case PointOperation.UpdateVectors u -> u.points().size();
                    case PointOperation.SetPayload p -> selected(p.selector());
                    case PointOperation.OverwritePayload p -> selected(p.selector());
                    case PointOperation.Delete d -> selected(d.selector());
                    case PointOperation.DeletePayload d -> selected(d.selector());
                    case PointOperation.ClearPayload c -> selected(c.selector());
                    case PointOperation.DeleteVectors d -> selected(d.selector());
                    default -> 1;
                };
        return Math.max(1, n);
    }

    private long selected(PointsSelector sel) {
        return switch (sel) {
            case PointsSelector.Ids ids -> ids.ids().size();
            case PointsSelector.ByFilter f -> target.estimate(f.filter());
        };
    }

    private void checkIndexCount(StrictModeConfig s, String field, Map<String, PayloadIndexSpec> schema) {
        Integer max = s.maxPayloadIndexCount();
        if (max != null && !schema.containsKey(field) && schema.size() >= max) {
            throw StrictModeVerifier.violation(
                    "Collection already has the maximum number of payload indices (" + max + ")",
                    "Please delete an existing index before creating a new one.");
        }
    }

    private void checkSize(StrictModeConfig s, CollectionConfig config) {
        if (s.maxPointsCount() == null && s.maxCollectionVectorSizeBytes() == null) {
            checkPayloadSize(s);
            return;
        }
        long points = target.pointsCount();
        if (s.maxPointsCount() != null && points >= s.maxPointsCount()) {
            throw UserException.badRequest(
                    "Bad request: Max points count limit of " + s.maxPointsCount() + " reached!");
        }
        if (s.maxCollectionVectorSizeBytes() != null) {
            long perPoint = 0;
            for (VectorParams v : config.params().vectors().values()) {
                perPoint += (long) v.size() * bytesPerElement(v);
            }
            if (points * perPoint >= s.maxCollectionVectorSizeBytes()) {
                throw UserException.badRequest("Bad request: Max vector storage size limit of "
                        + megabytes(s.maxCollectionVectorSizeBytes()) + "MB reached!");
            }
        }
        checkPayloadSize(s);
    }

    private static int bytesPerElement(VectorParams v) {
        return switch (v.elementType()) {
            case UINT8 -> 1;
            case FLOAT16 -> 2;
            default -> 4;
        };
    }

    /**
     * {@code max_collection_payload_size_bytes} against the payload storage's size as last flushed
     * (the points files, which hold every payload, live or not yet vacuumed): like Qdrant's cached
     * figure it lags the newest writes by up to a flush interval, so the write that crosses the
     * limit goes through and the following ones are refused.
     */
    private void checkPayloadSize(StrictModeConfig s) {
        Long max = s.maxCollectionPayloadSizeBytes();
        if (max != null && target.payloadStorageBytes() >= max) {
            throw UserException.badRequest(
                    "Bad request: Max payload storage size limit of " + megabytes(max) + "MB reached!");
        }
    }

    private static String megabytes(long bytes) {
        float mb = bytes / (1024f * 1024f);
        return Float.toString(mb);
    }

    private static void checkVectors(
            StrictModeConfig s, CollectionConfig config, Map<String, float[]> dense, Map<String, SparseVector> sparse) {
        if (s.multivectorMaxVectors() != null && dense != null) {
            s.multivectorMaxVectors().forEach((name, max) -> {
                VectorParams v = config.vector(name);
                float[] values = dense.get(name);
                if (v != null && v.multivectorConfig() != null && values != null) {
                    int n = values.length / v.size();
                    if (n > max) {
                        throw UserException.badRequest("Bad request: Multivector '" + name + "' has a limit of " + max
                                + " vectors, but " + n + " were provided!");
                    }
                }
            });
        }
        if (s.sparseMaxLength() != null && sparse != null) {
            s.sparseMaxLength().forEach((name, max) -> {
                SparseVector v = sparse.get(name);
                if (v != null && v.indices().length > max) {
                    throw UserException.badRequest("Bad request: Sparse vector '" + name + "' has a limit of " + max
                            + " indices, but " + v.indices().length + " were provided!");
                }
            });
        }
    }
}
