package io.sextant.server.api.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.sextant.collection.Collection;
import io.sextant.collection.ShardKey;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.VectorNameConfig;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryGroupsRequest;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.RecommendRequest;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.server.api.ResultBudget;
import io.sextant.server.api.convert.VectorShapes;
import io.sextant.server.api.grpc.convert.AnalyticsProto;
import io.sextant.server.api.grpc.convert.FilterProto;
import io.sextant.server.api.grpc.convert.GroupProto;
import io.sextant.server.api.grpc.convert.GrpcMetadataCommands;
import io.sextant.server.api.grpc.convert.PointIdProto;
import io.sextant.server.api.grpc.convert.PointProto;
import io.sextant.server.api.grpc.convert.ProtoChecks;
import io.sextant.server.api.grpc.convert.QueryProto;
import io.sextant.server.api.grpc.convert.ShardKeyProto;
import io.sextant.server.api.grpc.convert.UpdateProto;
import io.sextant.server.api.grpc.convert.VectorNameProto;
import io.sextant.server.auth.LookupAccessCheck;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.List;
import java.util.function.Function;

/**
 * {@code qdrant.Points}: point writes, reads and searches, each parsed by {@code
 * api.grpc.convert} and executed by the same {@link Collection} operation the REST routes call.
 * Writes wait for visibility only when {@code wait} is true (Qdrant's gRPC default is false).
 * Facets and distance matrices are converted by {@link AnalyticsProto}. Thread-safe.
 */
final class PointsEndpoint extends PointsGrpc.PointsImplBase {

    private final TableOfContents toc;
    private final io.sextant.server.issues.IssueBoard issues;
    private final io.sextant.server.cluster.MetadataGate cluster;

    PointsEndpoint(TableOfContents toc, io.sextant.server.issues.IssueBoard issues) {
        this(toc, issues, null);
    }

    /** @param cluster the metadata log in cluster mode (payload index changes); null standalone */
    PointsEndpoint(
            TableOfContents toc,
            io.sextant.server.issues.IssueBoard issues,
            io.sextant.server.cluster.MetadataGate cluster) {
        this.toc = toc;
        this.issues = issues;
        this.cluster = cluster;
    }

    private Collection collection(String name) {
        return toc.get(ProtoChecks.collectionName(name));
    }

    // ---------------------------------------------------------------- writes

    /** The optional {@code timeout} (seconds) of an update request; 0 is refused as in REST. */
    private static Long timeout(boolean has, long seconds) {
        if (!has) {
            return null;
        }
        if (seconds <= 0) {
            throw io.sextant.segment.error.UserException.badRequest("timeout must be 1 second or more, got " + seconds);
        }
        return seconds;
    }

    private void write(
            String method,
            String collection,
            List<ShardKey> keys,
            boolean wait,
            Long timeout,
            StreamObserver<Points.PointsOperationResponse> o,
            java.util.function.Supplier<PointOperation> parse) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, method, () -> {
            Collection c = collection(collection).scoped(keys);
            PointOperation op = parse.get();
            return Points.PointsOperationResponse.newBuilder()
                    .setResult(UpdateProto.result(c.update(op, wait, timeout)))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void upsert(Points.UpsertPoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/Upsert",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.upsert(r));
    }

    @Override
    public void delete(Points.DeletePoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/Delete",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.delete(r));
    }

    @Override
    public void updateVectors(Points.UpdatePointVectors r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/UpdateVectors",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.updateVectors(r));
    }

    @Override
    public void deleteVectors(Points.DeletePointVectors r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/DeleteVectors",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.deleteVectors(r));
    }

    @Override
    public void setPayload(Points.SetPayloadPoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/SetPayload",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.setPayload(r, false));
    }

    @Override
    public void overwritePayload(Points.SetPayloadPoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/OverwritePayload",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.setPayload(r, true));
    }

    @Override
    public void deletePayload(Points.DeletePayloadPoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/DeletePayload",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.deletePayload(r));
    }

    @Override
    public void clearPayload(Points.ClearPayloadPoints r, StreamObserver<Points.PointsOperationResponse> o) {
        write(
                "Points/ClearPayload",
                r.getCollectionName(),
                ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()),
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.clearPayload(r));
    }

    @Override
    public void createFieldIndex(
            Points.CreateFieldIndexCollection r, StreamObserver<Points.PointsOperationResponse> o) {
        if (cluster != null) {
            ClusterIndexChange.submit(cluster, "Points/CreateFieldIndex", o, () -> GrpcMetadataCommands.createIndex(r));
            return;
        }
        write(
                "Points/CreateFieldIndex",
                r.getCollectionName(),
                null,
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.createFieldIndex(r));
    }

    @Override
    public void deleteFieldIndex(
            Points.DeleteFieldIndexCollection r, StreamObserver<Points.PointsOperationResponse> o) {
        if (cluster != null) {
            ClusterIndexChange.submit(cluster, "Points/DeleteFieldIndex", o, () -> GrpcMetadataCommands.deleteIndex(r));
            return;
        }
        write(
                "Points/DeleteFieldIndex",
                r.getCollectionName(),
                null,
                r.getWait(),
                timeout(r.hasTimeout(), r.getTimeout()),
                o,
                () -> UpdateProto.deleteFieldIndex(r));
    }

    @Override
    public void createVectorName(Points.CreateVectorNameRequest r, StreamObserver<Points.PointsOperationResponse> o) {
        if (cluster != null) {
            ClusterIndexChange.submit(
                    cluster, "Points/CreateVectorName", o, () -> GrpcMetadataCommands.createVector(r));
            return;
        }
        vectorNameChange("Points/CreateVectorName", o, () -> {
            ProtoChecks.collectionName(r.getCollectionName());
            VectorNameConfig config = VectorNameProto.parse(r);
            return toc.createVector(r.getCollectionName(), r.getVectorName(), config);
        });
    }

    @Override
    public void deleteVectorName(Points.DeleteVectorNameRequest r, StreamObserver<Points.PointsOperationResponse> o) {
        if (cluster != null) {
            ClusterIndexChange.submit(
                    cluster, "Points/DeleteVectorName", o, () -> GrpcMetadataCommands.deleteVector(r));
            return;
        }
        vectorNameChange(
                "Points/DeleteVectorName",
                o,
                () -> toc.deleteVector(ProtoChecks.collectionName(r.getCollectionName()), r.getVectorName()));
    }

    private void vectorNameChange(
            String method,
            StreamObserver<Points.PointsOperationResponse> o,
            java.util.function.Supplier<io.sextant.collection.CollectionUpdateResult> change) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, method, () -> Points.PointsOperationResponse.newBuilder()
                .setResult(UpdateProto.result(change.get()))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    @Override
    public void updateBatch(Points.UpdateBatchPoints r, StreamObserver<Points.UpdateBatchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/UpdateBatch", () -> {
            Collection c = collection(r.getCollectionName());
            List<PointOperation> ops = UpdateProto.batch(r.getOperationsList());
            Long timeout = timeout(r.hasTimeout(), r.getTimeout());
            Points.UpdateBatchResponse.Builder b = Points.UpdateBatchResponse.newBuilder();
            List<Collection> targets = r.getOperationsList().stream()
                    .map(op -> c.scoped(ShardKeyProto.selector(op)))
                    .toList();
            for (int i = 0; i < ops.size(); i++) {
                b.addResult(UpdateProto.result(targets.get(i).update(ops.get(i), r.getWait(), timeout)));
            }
            return b.setTime(UnaryCalls.seconds(t0)).build();
        });
    }

    // ---------------------------------------------------------------- reads

    @Override
    public void get(Points.GetPoints r, StreamObserver<Points.GetResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Get", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            List<PointId> ids = PointIdProto.parseAll(r.getIdsList(), "ids");
            PayloadSelector wp =
                    PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.ALL);
            VectorSelector wv = PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE);
            return Points.GetResponse.newBuilder()
                    .addAllResult(PointProto.retrievedAll(c.retrieve(ids, wp, wv), VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void scroll(Points.ScrollPoints r, StreamObserver<Points.ScrollResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Scroll", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            PointId offset = r.hasOffset() ? PointIdProto.parse(r.getOffset(), "offset") : null;
            ScrollRequest.OrderBy orderBy = null;
            if (r.hasOrderBy()) {
                if (offset != null) {
                    throw ProtoChecks.bad(
                            "offset", "offset cannot be used together with order_by; use order_by.start_from");
                }
                Query.OrderBy ob = QueryProto.orderBy(r.getOrderBy(), "order_by");
                orderBy = new ScrollRequest.OrderBy(ob.key(), ob.descending(), ob.startFrom());
            }
            Filter filter = FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter");
            ScrollPage page = c.scroll(new ScrollRequest(
                    filter,
                    r.hasLimit() ? ProtoChecks.limit(Integer.toUnsignedLong(r.getLimit()), "limit") : 10,
                    offset,
                    orderBy,
                    PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.ALL),
                    PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE)));
            issues.afterFiltered(c, java.util.Collections.singletonList(filter));
            Points.ScrollResponse.Builder b = Points.ScrollResponse.newBuilder()
                    .addAllResult(PointProto.retrievedAll(page.points(), VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0));
            if (page.nextOffset() != null) {
                b.setNextPageOffset(PointIdProto.write(page.nextOffset()));
            }
            return b.build();
        });
    }

    @Override
    public void count(Points.CountPoints r, StreamObserver<Points.CountResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Count", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            Filter filter = FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter");
            long n = c.count(filter, !r.hasExact() || r.getExact());
            issues.afterFiltered(c, java.util.Collections.singletonList(filter));
            return Points.CountResponse.newBuilder()
                    .setResult(Points.CountResult.newBuilder().setCount(n))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void facet(Points.FacetCounts r, StreamObserver<Points.FacetResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Facet", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            return Points.FacetResponse.newBuilder()
                    .addAllHits(AnalyticsProto.facetHits(c.facet(AnalyticsProto.facet(r))))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void searchMatrixPairs(Points.SearchMatrixPoints r, StreamObserver<Points.SearchMatrixPairsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/SearchMatrixPairs", () -> Points.SearchMatrixPairsResponse.newBuilder()
                .setResult(AnalyticsProto.pairs(collection(r.getCollectionName())
                        .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()))
                        .searchMatrix(AnalyticsProto.matrix(r))))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    @Override
    public void searchMatrixOffsets(Points.SearchMatrixPoints r, StreamObserver<Points.SearchMatrixOffsetsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/SearchMatrixOffsets", () -> Points.SearchMatrixOffsetsResponse.newBuilder()
                .setResult(AnalyticsProto.offsets(collection(r.getCollectionName())
                        .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()))
                        .searchMatrix(AnalyticsProto.matrix(r))))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    // ---------------------------------------------------------------- searches

    @Override
    public void query(Points.QueryPoints r, StreamObserver<Points.QueryResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Query", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            QueryRequest q = lookups(QueryProto.query(r));
            ResultBudget.check(c, q);
            List<ScoredPoint> hits = c.query(q);
            issues.afterQuery(c, q);
            return Points.QueryResponse.newBuilder()
                    .addAllResult(PointProto.scoredAll(hits, VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void queryBatch(Points.QueryBatchPoints r, StreamObserver<Points.QueryBatchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/QueryBatch", () -> {
            Collection c = collection(r.getCollectionName());
            List<QueryRequest> queries = ResultBudget.check(c, lookups(QueryProto.queryBatch(r)), "query_points");
            Points.QueryBatchResponse response = Points.QueryBatchResponse.newBuilder()
                    .addAllResult(batch(
                            VectorShapes.of(c.config()),
                            scopedBatch(
                                    c,
                                    queries,
                                    r.getQueryPointsList(),
                                    q -> ShardKeyProto.selector(q.hasShardKeySelector(), q.getShardKeySelector()))))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
            issues.afterQueries(c, queries);
            return response;
        });
    }

    @Override
    public void queryGroups(Points.QueryPointGroups r, StreamObserver<Points.QueryGroupsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/QueryGroups", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            QueryGroupsRequest g = lookups(QueryProto.queryGroups(r));
            ResultBudget.check(c, g);
            return Points.QueryGroupsResponse.newBuilder()
                    .setResult(GroupProto.groups(c.queryGroups(g)))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void search(Points.SearchPoints r, StreamObserver<Points.SearchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Search", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            QueryRequest q = QueryProto.search(r);
            List<ScoredPoint> hits = c.query(q);
            issues.afterQuery(c, q);
            return Points.SearchResponse.newBuilder()
                    .addAllResult(PointProto.scoredAll(hits, VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void searchBatch(Points.SearchBatchPoints r, StreamObserver<Points.SearchBatchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/SearchBatch", () -> {
            Collection c = collection(r.getCollectionName());
            List<QueryRequest> searches =
                    r.getSearchPointsList().stream().map(QueryProto::search).toList();
            ResultBudget.check(c, searches, "search_points");
            List<List<ScoredPoint>> results = scopedBatch(
                    c,
                    searches,
                    r.getSearchPointsList(),
                    q -> ShardKeyProto.selector(q.hasShardKeySelector(), q.getShardKeySelector()));
            return Points.SearchBatchResponse.newBuilder()
                    .addAllResult(batch(VectorShapes.of(c.config()), results))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void searchGroups(Points.SearchPointGroups r, StreamObserver<Points.SearchGroupsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/SearchGroups", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            return Points.SearchGroupsResponse.newBuilder()
                    .setResult(GroupProto.groups(c.queryGroups(lookups(QueryProto.searchGroups(r)))))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void recommend(Points.RecommendPoints r, StreamObserver<Points.RecommendResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Recommend", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            return Points.RecommendResponse.newBuilder()
                    .addAllResult(PointProto.scoredAll(
                            c.recommend(lookups(QueryProto.recommend(r))), VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void recommendBatch(Points.RecommendBatchPoints r, StreamObserver<Points.RecommendBatchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/RecommendBatch", () -> {
            Collection c = collection(r.getCollectionName());
            List<RecommendRequest> recommends = r.getRecommendPointsList().stream()
                    .map(QueryProto::recommend)
                    .map(this::lookups)
                    .toList();
            ResultBudget.check(
                    c, recommends.stream().map(RecommendRequest::toQueryRequest).toList(), "recommend_points");
            List<List<ScoredPoint>> results = scopedBatch(
                    c,
                    recommends.stream().map(RecommendRequest::toQueryRequest).toList(),
                    r.getRecommendPointsList(),
                    q -> ShardKeyProto.selector(q.hasShardKeySelector(), q.getShardKeySelector()));
            return Points.RecommendBatchResponse.newBuilder()
                    .addAllResult(batch(VectorShapes.of(c.config()), results))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void recommendGroups(Points.RecommendPointGroups r, StreamObserver<Points.RecommendGroupsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/RecommendGroups", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            return Points.RecommendGroupsResponse.newBuilder()
                    .setResult(GroupProto.groups(c.queryGroups(lookups(QueryProto.recommendGroups(r)))))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void discover(Points.DiscoverPoints r, StreamObserver<Points.DiscoverResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/Discover", () -> {
            Collection c = collection(r.getCollectionName())
                    .scoped(ShardKeyProto.selector(r.hasShardKeySelector(), r.getShardKeySelector()));
            return Points.DiscoverResponse.newBuilder()
                    .addAllResult(
                            PointProto.scoredAll(c.query(lookups(QueryProto.discover(r))), VectorShapes.of(c.config())))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void discoverBatch(Points.DiscoverBatchPoints r, StreamObserver<Points.DiscoverBatchResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Points/DiscoverBatch", () -> {
            Collection c = collection(r.getCollectionName());
            List<QueryRequest> batch = lookups(
                    r.getDiscoverPointsList().stream().map(QueryProto::discover).toList());
            ResultBudget.check(c, batch, "discover_points");
            return Points.DiscoverBatchResponse.newBuilder()
                    .addAllResult(batch(
                            VectorShapes.of(c.config()),
                            scopedBatch(
                                    c,
                                    batch,
                                    r.getDiscoverPointsList(),
                                    q -> ShardKeyProto.selector(q.hasShardKeySelector(), q.getShardKeySelector()))))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    /** Runs each query of a batch on the shards of its own request's {@code shard_key_selector}. */
    private static <R> List<List<ScoredPoint>> scopedBatch(
            Collection c,
            List<QueryRequest> queries,
            List<R> requests,
            java.util.function.Function<R, List<ShardKey>> selector) {
        List<List<ScoredPoint>> out = new java.util.ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            out.add(c.scoped(selector.apply(requests.get(i))).query(queries.get(i)));
        }
        return out;
    }

    // Read access to the other collections a query reads (lookup_from, with_lookup), as over REST.
    private QueryRequest lookups(QueryRequest q) {
        LookupAccessCheck.check(GrpcAuthInterceptor.principal(), q, this::collectionName);
        return q;
    }

    private List<QueryRequest> lookups(List<QueryRequest> batch) {
        LookupAccessCheck.check(GrpcAuthInterceptor.principal(), batch, this::collectionName);
        return batch;
    }

    private QueryGroupsRequest lookups(QueryGroupsRequest g) {
        LookupAccessCheck.check(GrpcAuthInterceptor.principal(), g, this::collectionName);
        return g;
    }

    private RecommendRequest lookups(RecommendRequest r) {
        LookupAccessCheck.check(GrpcAuthInterceptor.principal(), r.lookupFrom(), this::collectionName);
        return r;
    }

    private String collectionName(String nameOrAlias) {
        return toc.exists(nameOrAlias) ? toc.get(nameOrAlias).name() : nameOrAlias;
    }

    private static List<Points.BatchResult> batch(VectorShapes shapes, List<List<ScoredPoint>> results) {
        Function<List<ScoredPoint>, Points.BatchResult> one = hits -> Points.BatchResult.newBuilder()
                .addAllResult(PointProto.scoredAll(hits, shapes))
                .build();
        return results.stream().map(one).toList();
    }
}
