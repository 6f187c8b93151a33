package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.collection.query.LookupLocation;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.RecommendRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.server.api.convert.FilterJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Search requests from the gRPC wire to the collection layer's query records: the universal
 * {@code QueryPoints} (with prefetches), {@code QueryPointGroups}, and the legacy {@code
 * SearchPoints}/{@code RecommendPoints} (and their group forms). Defaults match REST: limit 10 for
 * queries and prefetches, group size 3; payload and vectors are not returned unless asked for.
 * Vector inputs may be dense, sparse ({@link SparseVectorProto}) or point ids; a sparse nearest
 * query needs {@code using}, as in Qdrant; BM25 documents become sparse query vectors. {@code
 * Rrf{k, weights}} is weighted RRF; {@code nearest_with_mmr} re-ranks by maximal marginal
 * relevance; {@code formula} goes through {@link FormulaProto}. Discover, context, sample and
 * relevance feedback are converted by {@link ExampleQueryProto}; images and objects are refused as
 * unsupported. Stateless and thread-safe.
 */
public final class QueryProto {

    private QueryProto() {}

    public static QueryRequest query(Points.QueryPoints r) {
        try {
            return QueryRequest.builder()
                    .prefetch(prefetches(r.getPrefetchList(), "prefetch"))
                    .query(r.hasQuery() ? query(r.getQuery(), r.hasUsing(), "query") : null)
                    .using(r.hasUsing() ? r.getUsing() : null)
                    .filter(FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"))
                    .params(r.hasParams() ? params(r.getParams()) : null)
                    .scoreThreshold(r.hasScoreThreshold() ? r.getScoreThreshold() : null)
                    .limit(r.hasLimit() ? ProtoChecks.limit(r.getLimit(), "limit") : QueryRequest.DEFAULT_LIMIT)
                    .offset(r.hasOffset() ? ProtoChecks.toInt(r.getOffset(), "offset") : 0)
                    .withPayload(
                            PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE))
                    .withVector(PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE))
                    .lookupFrom(r.hasLookupFrom() ? lookup(r.getLookupFrom()) : null)
                    .build();
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    /** Legacy {@code DiscoverPoints}: see {@link ExampleQueryProto#discoverPoints}. */
    public static QueryRequest discover(Points.DiscoverPoints r) {
        return ExampleQueryProto.discoverPoints(r);
    }

    public static List<QueryRequest> queryBatch(Points.QueryBatchPoints r) {
        List<QueryRequest> out = new ArrayList<>(r.getQueryPointsCount());
        r.getQueryPointsList().forEach(q -> out.add(query(q)));
        return out;
    }

    public static QueryGroupsRequest queryGroups(Points.QueryPointGroups r) {
        try {
            QueryRequest q = QueryRequest.builder()
                    .prefetch(prefetches(r.getPrefetchList(), "prefetch"))
                    .query(r.hasQuery() ? query(r.getQuery(), r.hasUsing(), "query") : null)
                    .using(r.hasUsing() ? r.getUsing() : null)
                    .filter(FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"))
                    .params(r.hasParams() ? params(r.getParams()) : null)
                    .scoreThreshold(r.hasScoreThreshold() ? r.getScoreThreshold() : null)
                    .withPayload(
                            PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE))
                    .withVector(PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE))
                    .lookupFrom(r.hasLookupFrom() ? lookup(r.getLookupFrom()) : null)
                    .build();
            return new QueryGroupsRequest(
                    q,
                    r.getGroupBy(),
                    r.hasGroupSize() ? ProtoChecks.limit(r.getGroupSize(), "group_size") : 3,
                    r.hasLimit() ? ProtoChecks.limit(r.getLimit(), "limit") : 10,
                    r.hasWithLookup() ? withLookup(r.getWithLookup()) : null);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    /**
     * Legacy {@code SearchPoints} as the query it is run as (what {@code SearchRequest} maps to): a
     * nearest query of {@code vector}, or of the sparse vector {@code (sparse_indices, vector)} on
     * the named sparse vector {@code vector_name}.
     */
    public static QueryRequest search(Points.SearchPoints r) {
        try {
            return QueryRequest.builder()
                    .query(new Query.Nearest(searchVector(
                            r.getVectorList(), r.hasSparseIndices(), r.getSparseIndices(), r.hasVectorName())))
                    .using(r.hasVectorName() ? r.getVectorName() : "")
                    .filter(FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"))
                    .params(r.hasParams() ? params(r.getParams()) : null)
                    .limit(ProtoChecks.limit(r.getLimit(), "limit"))
                    .offset(r.hasOffset() ? ProtoChecks.toInt(r.getOffset(), "offset") : 0)
                    .scoreThreshold(r.hasScoreThreshold() ? r.getScoreThreshold() : null)
                    .withPayload(
                            PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE))
                    .withVector(PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE))
                    .build();
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    /** Legacy {@code SearchPointGroups}: its search part read as a {@code SearchPoints}, as Qdrant does. */
    public static QueryGroupsRequest searchGroups(Points.SearchPointGroups r) {
        Points.SearchPoints.Builder s = Points.SearchPoints.newBuilder()
                .setCollectionName(r.getCollectionName())
                .addAllVector(r.getVectorList())
                .setLimit(Integer.toUnsignedLong(r.getLimit()));
        if (r.hasShardKeySelector()) s.setShardKeySelector(r.getShardKeySelector());
        if (r.hasFilter()) s.setFilter(r.getFilter());
        if (r.hasParams()) s.setParams(r.getParams());
        if (r.hasScoreThreshold()) s.setScoreThreshold(r.getScoreThreshold());
        if (r.hasVectorName()) s.setVectorName(r.getVectorName());
        if (r.hasWithPayload()) s.setWithPayload(r.getWithPayload());
        if (r.hasWithVectors()) s.setWithVectors(r.getWithVectors());
        if (r.hasSparseIndices()) s.setSparseIndices(r.getSparseIndices());
        return groups(
                search(s.build()),
                r.getGroupBy(),
                r.getGroupSize(),
                r.getLimit(),
                r.hasWithLookup(),
                r.getWithLookup());
    }

    /** The query vector of a legacy search: dense, or sparse when {@code sparse_indices} is set. */
    private static VectorInput searchVector(
            List<Float> vector, boolean hasIndices, Points.SparseIndices indices, boolean named) {
        if (!hasIndices) {
            return new VectorInput.Dense(PointProto.floats(vector));
        }
        if (!named) {
            throw ProtoChecks.bad("vector_name", "Sparse vector must have a name specified");
        }
        return new VectorInput.Sparse(SparseVectorProto.parse(indices.getDataList(), vector, "sparse_indices"));
    }

    public static RecommendRequest recommend(Points.RecommendPoints r) {
        return new RecommendRequest(
                examples(r.getPositiveList(), r.getPositiveVectorsList(), "positive"),
                examples(r.getNegativeList(), r.getNegativeVectorsList(), "negative"),
                r.hasStrategy() ? strategy(r.getStrategy()) : null,
                r.hasUsing() ? r.getUsing() : "",
                r.hasLookupFrom() ? lookup(r.getLookupFrom()) : null,
                FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"),
                r.hasParams() ? params(r.getParams()) : null,
                ProtoChecks.limit(r.getLimit(), "limit"),
                r.hasOffset() ? ProtoChecks.toInt(r.getOffset(), "offset") : 0,
                r.hasScoreThreshold() ? r.getScoreThreshold() : null,
                PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE),
                PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE));
    }

    public static QueryGroupsRequest recommendGroups(Points.RecommendPointGroups r) {
        RecommendRequest rec = new RecommendRequest(
                examples(r.getPositiveList(), r.getPositiveVectorsList(), "positive"),
                examples(r.getNegativeList(), r.getNegativeVectorsList(), "negative"),
                r.hasStrategy() ? strategy(r.getStrategy()) : null,
                r.hasUsing() ? r.getUsing() : "",
                r.hasLookupFrom() ? lookup(r.getLookupFrom()) : null,
                FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"),
                r.hasParams() ? params(r.getParams()) : null,
                ProtoChecks.limit(r.getLimit(), "limit"),
                0,
                r.hasScoreThreshold() ? r.getScoreThreshold() : null,
                PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE),
                PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE));
        return groups(
                rec.toQueryRequest(),
                r.getGroupBy(),
                r.getGroupSize(),
                r.getLimit(),
                r.hasWithLookup(),
                r.getWithLookup());
    }

    private static QueryGroupsRequest groups(
            QueryRequest q, String groupBy, int groupSize, int limit, boolean hasLookup, Points.WithLookup lookup) {
        try {
            return new QueryGroupsRequest(
                    q,
                    groupBy,
                    ProtoChecks.limit(Integer.toUnsignedLong(groupSize), "group_size"),
                    ProtoChecks.limit(Integer.toUnsignedLong(limit), "limit"),
                    hasLookup ? withLookup(lookup) : null);
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- parts

    private static List<QueryRequest> prefetches(List<Points.PrefetchQuery> list, String field) {
        List<QueryRequest> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Points.PrefetchQuery p = list.get(i);
            String f = field + "[" + i + "]";
            out.add(QueryRequest.builder()
                    .prefetch(prefetches(p.getPrefetchList(), f + ".prefetch"))
                    .query(p.hasQuery() ? query(p.getQuery(), p.hasUsing(), f + ".query") : null)
                    .using(p.hasUsing() ? p.getUsing() : null)
                    .filter(FilterProto.parseOptional(p.hasFilter(), p.getFilter(), f + ".filter"))
                    .params(p.hasParams() ? params(p.getParams()) : null)
                    .scoreThreshold(p.hasScoreThreshold() ? p.getScoreThreshold() : null)
                    .limit(p.hasLimit() ? ProtoChecks.limit(p.getLimit(), f + ".limit") : QueryRequest.DEFAULT_LIMIT)
                    .lookupFrom(p.hasLookupFrom() ? lookup(p.getLookupFrom()) : null)
                    .build());
        }
        return out;
    }

    /** A query; a sparse {@code nearest} needs a vector name ({@code using}), as in Qdrant. */
    private static Query query(Points.Query q, boolean hasUsing, String field) {
        Query query = query(q, field);
        if (!hasUsing && query instanceof Query.Nearest(VectorInput.Sparse s, var mmr)) {
            throw ProtoChecks.bad(field + ".nearest", "Sparse vector must have a name");
        }
        return query;
    }

    private static Query query(Points.Query q, String field) {
        return switch (q.getVariantCase()) {
            case NEAREST -> new Query.Nearest(vectorInput(q.getNearest(), field + ".nearest"));
            case RECOMMEND -> {
                Points.RecommendInput r = q.getRecommend();
                yield new Query.Recommend(
                        vectorInputs(r.getPositiveList(), field + ".recommend.positive"),
                        vectorInputs(r.getNegativeList(), field + ".recommend.negative"),
                        r.hasStrategy() ? strategy(r.getStrategy()) : null);
            }
            case FUSION ->
                switch (q.getFusion()) {
                    case RRF -> Query.Fusion.rrf();
                    case DBSF -> Query.Fusion.dbsf();
                    case UNRECOGNIZED -> throw ProtoChecks.bad(field + ".fusion", "unknown fusion method");
                };
            case RRF -> {
                Points.Rrf rrf = q.getRrf();
                yield new Query.Fusion(
                        Query.FusionMethod.RRF,
                        rrf.hasK() ? ProtoChecks.limit(Integer.toUnsignedLong(rrf.getK()), field + ".rrf.k") : null,
                        rrf.getWeightsCount() == 0 ? null : rrfWeights(rrf.getWeightsList(), field + ".rrf.weights"));
            }
            case ORDER_BY -> orderBy(q.getOrderBy(), field + ".order_by");
            case DISCOVER -> ExampleQueryProto.discover(q.getDiscover(), field + ".discover", QueryProto::vectorInput);
            case CONTEXT -> ExampleQueryProto.context(q.getContext(), field + ".context", QueryProto::vectorInput);
            case SAMPLE -> ExampleQueryProto.sample(q.getSample(), field + ".sample");
            case FORMULA -> FormulaProto.formula(q.getFormula(), field + ".formula");
            case NEAREST_WITH_MMR -> {
                Points.NearestInputWithMmr nm = q.getNearestWithMmr();
                Points.Mmr m = nm.getMmr();
                if (m.hasDiversity() && !(m.getDiversity() >= 0 && m.getDiversity() <= 1)) {
                    throw ProtoChecks.bad(field + ".nearest_with_mmr.mmr.diversity", "must be in [0, 1]");
                }
                yield new Query.Nearest(
                        vectorInput(nm.getNearest(), field + ".nearest_with_mmr.nearest"),
                        new Query.Mmr(
                                m.hasDiversity() ? m.getDiversity() : null,
                                m.hasCandidatesLimit() ? m.getCandidatesLimit() : null));
            }
            case RELEVANCE_FEEDBACK ->
                ExampleQueryProto.relevanceFeedback(
                        q.getRelevanceFeedback(), field + ".relevance_feedback", QueryProto::vectorInput);
            case VARIANT_NOT_SET -> throw ProtoChecks.bad(field, "query is empty");
        };
    }

    /**
     * RRF weights: any finite numbers, as Qdrant takes them (it checks only their count, against
     * the prefetches, when the query runs); NaN and infinities are refused.
     */
    private static List<Float> rrfWeights(List<Float> weights, String field) {
        for (int i = 0; i < weights.size(); i++) {
            float w = weights.get(i);
            if (!Float.isFinite(w)) {
                throw ProtoChecks.bad(field + "[" + i + "]", "weight must be a finite number, got " + w);
            }
        }
        return weights;
    }

    /** {@code OrderBy} of a query or a scroll; datetime start values become epoch microseconds. */
    public static Query.OrderBy orderBy(Points.OrderBy o, String field) {
        if (o.getKey().isEmpty()) {
            throw ProtoChecks.bad(field + ".key", "key must not be empty");
        }
        Double start = null;
        if (o.hasStartFrom()) {
            Points.StartFrom s = o.getStartFrom();
            start = switch (s.getValueCase()) {
                case FLOAT -> s.getFloat();
                case INTEGER -> (double) s.getInteger();
                case TIMESTAMP -> FilterProto.micros(s.getTimestamp());
                case DATETIME -> (double) FilterJson.parseDatetimeMicros(s.getDatetime(), field + ".start_from");
                case VALUE_NOT_SET -> null;
            };
        }
        return new Query.OrderBy(o.getKey(), o.hasDirection() && o.getDirection() == Points.Direction.Desc, start);
    }

    private static List<VectorInput> vectorInputs(List<Points.VectorInput> list, String field) {
        List<VectorInput> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(vectorInput(list.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    static VectorInput vectorInput(Points.VectorInput v, String field) {
        return switch (v.getVariantCase()) {
            case ID -> new VectorInput.ById(PointIdProto.parse(v.getId(), field + ".id"));
            case DENSE -> new VectorInput.Dense(PointProto.floats(v.getDense().getDataList()));
            case SPARSE -> new VectorInput.Sparse(SparseVectorProto.parse(v.getSparse(), field + ".sparse"));
            case MULTI_DENSE -> new VectorInput.Dense(PointProto.multi(v.getMultiDense(), field + ".multi_dense"));
            case DOCUMENT ->
                new VectorInput.Sparse(DocumentProto.parse(v.getDocument()).asQueryVector());
            case IMAGE, OBJECT -> throw PointProto.inference(field);
            case VARIANT_NOT_SET -> throw ProtoChecks.bad(field, "vector input is empty");
        };
    }

    private static List<VectorInput> examples(
            List<io.qdrant.client.grpc.Common.PointId> ids, List<Points.Vector> vectors, String field) {
        List<VectorInput> out = new ArrayList<>(ids.size() + vectors.size());
        for (var id : ids) {
            out.add(new VectorInput.ById(PointIdProto.parse(id, field)));
        }
        for (int i = 0; i < vectors.size(); i++) {
            out.add(PointProto.vector(vectors.get(i), field + "_vectors[" + i + "]"));
        }
        return out;
    }

    private static Query.RecommendStrategy strategy(Points.RecommendStrategy s) {
        return switch (s) {
            case AverageVector, UNRECOGNIZED -> Query.RecommendStrategy.AVERAGE_VECTOR;
            case BestScore -> Query.RecommendStrategy.BEST_SCORE;
            case SumScores -> Query.RecommendStrategy.SUM_SCORES;
        };
    }

    static SearchParams params(Points.SearchParams p) {
        Integer ef = p.hasHnswEf() ? ProtoChecks.limit(p.getHnswEf(), "params.hnsw_ef") : null;
        return new SearchParams(ef, p.hasExact() && p.getExact(), p.hasIndexedOnly() && p.getIndexedOnly());
    }

    static LookupLocation lookup(Points.LookupLocation l) {
        UpdateProto.checkShardKey(l.hasShardKeySelector(), "lookup_from.shard_key_selector");
        return new LookupLocation(
                ProtoChecks.collectionName(l.getCollectionName()), l.hasVectorName() ? l.getVectorName() : null);
    }

    private static QueryGroupsRequest.WithLookup withLookup(Points.WithLookup w) {
        return new QueryGroupsRequest.WithLookup(
                ProtoChecks.collectionName(w.getCollection()),
                PointProto.payloadSelector(w.hasWithPayload(), w.getWithPayload(), PayloadSelector.ALL),
                PointProto.vectorSelector(w.hasWithVectors(), w.getWithVectors(), VectorSelector.NONE));
    }
}
