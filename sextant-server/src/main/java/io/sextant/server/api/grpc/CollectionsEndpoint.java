package io.sextant.server.api.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.sextant.collection.TableOfContents;
import io.sextant.server.api.grpc.convert.CollectionInfoProto;
import io.sextant.server.api.grpc.convert.CollectionProto;
import io.sextant.server.api.grpc.convert.ProtoChecks;
import io.sextant.server.auth.Principal;

/**
 * {@code qdrant.Collections}: collection and alias management over the {@link TableOfContents},
 * the same operations REST's collection routes call; the lists show only the collections (and
 * aliases of collections) the caller may see. Cluster and shard-key methods are left to
 * the base class ({@code UNIMPLEMENTED}): a single node has no cluster setup. Thread-safe.
 */
final class CollectionsEndpoint extends CollectionsGrpc.CollectionsImplBase {

    private final TableOfContents toc;

    CollectionsEndpoint(TableOfContents toc) {
        this.toc = toc;
    }

    @Override
    public void get(Collections.GetCollectionInfoRequest r, StreamObserver<Collections.GetCollectionInfoResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/Get", () -> Collections.GetCollectionInfoResponse.newBuilder()
                .setResult(
                        CollectionInfoProto.info(toc.get(r.getCollectionName()).info()))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    @Override
    public void list(Collections.ListCollectionsRequest r, StreamObserver<Collections.ListCollectionsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/List", () -> {
            Collections.ListCollectionsResponse.Builder b = Collections.ListCollectionsResponse.newBuilder();
            Principal caller = GrpcAuthInterceptor.principal();
            java.util.TreeSet<String> names = new java.util.TreeSet<>(toc.list());
            toc.failedCollections().forEach(f -> names.add(f.name())); // listed; Get reports the load error
            for (String name : names) {
                if (!caller.canSee(name)) {
                    continue;
                }
                b.addCollections(Collections.CollectionDescription.newBuilder().setName(name));
            }
            return b.setTime(UnaryCalls.seconds(t0)).build();
        });
    }

    @Override
    public void create(Collections.CreateCollection r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/Create", () -> {
            String name = ProtoChecks.collectionName(r.getCollectionName());
            toc.create(name, CollectionProto.create(r));
            return done(true, t0);
        });
    }

    @Override
    public void update(Collections.UpdateCollection r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/Update", () -> {
            toc.update(r.getCollectionName(), CollectionProto.update(r));
            return done(true, t0);
        });
    }

    @Override
    public void delete(Collections.DeleteCollection r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/Delete", () -> done(toc.delete(r.getCollectionName()), t0));
    }

    @Override
    public void updateAliases(Collections.ChangeAliases r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/UpdateAliases", () -> {
            toc.updateAliases(CollectionProto.aliases(r));
            return done(true, t0);
        });
    }

    @Override
    public void listCollectionAliases(
            Collections.ListCollectionAliasesRequest r, StreamObserver<Collections.ListAliasesResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/ListCollectionAliases", () -> Collections.ListAliasesResponse.newBuilder()
                .addAllAliases(CollectionInfoProto.aliases(toc.aliasesOf(r.getCollectionName())))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    @Override
    public void listAliases(Collections.ListAliasesRequest r, StreamObserver<Collections.ListAliasesResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/ListAliases", () -> Collections.ListAliasesResponse.newBuilder()
                .addAllAliases(CollectionInfoProto.aliases(toc.aliases().stream()
                        .filter(a -> GrpcAuthInterceptor.principal().canSee(a.collection()))
                        .toList()))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    @Override
    public void collectionExists(
            Collections.CollectionExistsRequest r, StreamObserver<Collections.CollectionExistsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/CollectionExists", () -> Collections.CollectionExistsResponse.newBuilder()
                .setResult(Collections.CollectionExists.newBuilder()
                        .setExists(toc.exists(r.getCollectionName()) || toc.failure(r.getCollectionName()) != null))
                .setTime(UnaryCalls.seconds(t0))
                .build());
    }

    private static Collections.CollectionOperationResponse done(boolean result, long t0) {
        return Collections.CollectionOperationResponse.newBuilder()
                .setResult(result)
                .setTime(UnaryCalls.seconds(t0))
                .build();
    }
}
