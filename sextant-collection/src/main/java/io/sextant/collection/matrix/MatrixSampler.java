package io.sextant.collection.matrix;

import io.sextant.collection.OperationValidator;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.ScrollAll;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link DistanceMatrix}: a uniform random sample (reservoir sampling over one scroll of
 * the ids matching the filter and having the vector, so memory is bounded by the sample size),
 * sorted by id, then for each sampled point a nearest query by its id restricted to the sample.
 * Querying by id excludes the point itself, as Qdrant removes it from its own row. Stateless and
 * thread-safe.
 */
public final class MatrixSampler {
    private MatrixSampler() {}

    /**
     * @param config the collection's config (checks {@code using})
     * @param scroll a merged scroll over the collection
     * @param query runs a universal query on the collection
     * @param random source of the sample
     */
    public static DistanceMatrix build(
            MatrixRequest request,
            CollectionConfig config,
            Function<ScrollRequest, ScrollPage> scroll,
            Function<QueryRequest, List<ScoredPoint>> query,
            RandomGenerator random) {
        if (config.sparseVector(request.using()) == null) {
            OperationValidator.vectorParams(config, request.using());
        }
        if (request.sample() == 0 || request.limit() == 0) {
            return DistanceMatrix.EMPTY;
        }
        Filter eligible = new Filter(
                List.of(
                        new Condition.FilterCondition(request.filter()),
                        new Condition.HasVectorCondition(request.using())),
                null,
                null,
                null);
        List<PointId> sample = sample(eligible, request.sample(), scroll, random);
        if (sample.size() < 2) {
            return DistanceMatrix.EMPTY;
        }
        sample.sort(null);
        Filter inSample = Filter.must(new Condition.HasIdCondition(Set.copyOf(sample)));
        List<List<ScoredPoint>> rows = new ArrayList<>(sample.size());
        for (PointId id : sample) {
            List<ScoredPoint> hits = query.apply(QueryRequest.builder()
                    .query(new Query.Nearest(new VectorInput.ById(id)))
                    .using(request.using())
                    .filter(inSample)
                    .limit(request.limit())
                    .build());
            rows.add(hits.stream()
                    .map(h -> new ScoredPoint(h.id(), h.version(), h.score(), null, null, null))
                    .toList());
        }
        return new DistanceMatrix(sample, rows);
    }

    /** Up to {@code size} ids drawn uniformly from the points matching {@code filter}. */
    static List<PointId> sample(
            Filter filter, int size, Function<ScrollRequest, ScrollPage> scroll, RandomGenerator random) {
        List<PointId> reservoir = new ArrayList<>(Math.min(size, ScrollAll.PAGE));
        long[] seen = {0};
        ScrollAll.forEach(scroll, filter, PayloadSelector.NONE, r -> {
            seen[0]++;
            if (reservoir.size() < size) {
                reservoir.add(r.id());
            } else {
                long j = random.nextLong(seen[0]);
                if (j < size) {
                    reservoir.set((int) j, r.id());
                }
            }
        });
        return reservoir;
    }
}
