package io.sextant.server.api.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.sextant.collection.TableOfContents;
import io.sextant.server.api.grpc.convert.ClusterInfoProto;
import io.sextant.server.api.grpc.convert.CollectionInfoProto;
import io.sextant.server.api.grpc.convert.CollectionProto;
import io.sextant.server.api.grpc.convert.GrpcMetadataCommands;
import io.sextant.server.api.grpc.convert.ProtoChecks;
import io.sextant.server.api.grpc.convert.ShardKeyProto;
import io.sextant.server.auth.Principal;
import io.sextant.server.cluster.MetadataExecutor;
import io.sextant.server.cluster.MetadataGate;
import io.sextant.server.cluster.ShardKeyCommands;

/**
 * {@code qdrant.Collections}: collection and alias management over the {@link TableOfContents},
 * the same operations REST's collection routes call; the lists show only the collections (and
 * aliases of collections) the caller may see. Cluster methods answer as a standalone Qdrant
 * node does: {@code CollectionClusterInfo} lists every shard as local and active, {@code
 * ListShardKeys} the collection's shard keys; {@code CreateShardKey} and {@code DeleteShardKey} act
 * as REST's {@code /collections/{c}/shards} ({@link ShardKeyCommands}; on a standalone node too,
 * unlike Qdrant), and {@code UpdateCollectionClusterSetup} fails with {@code UNIMPLEMENTED} "Qdrant
 * is running in standalone mode". In cluster mode (a
 * {@link MetadataGate} given) Create, Update, Delete and UpdateAliases go through the metadata log
 * like REST's ({@link GrpcMetadataCommands}), so they act on every peer. Thread-safe.
 */
final class CollectionsEndpoint extends CollectionsGrpc.CollectionsImplBase {

    /** Qdrant's description of the failure of a consensus operation on a standalone node. */
    static final String STANDALONE = "Qdrant is running in standalone mode";

    /** A standalone node has no peer id; cluster info reports 0. */
    private static final long STANDALONE_PEER_ID = 0;

    private final TableOfContents toc;
    private final io.sextant.server.api.NewCollectionRules rules;
    private final MetadataGate cluster;

    CollectionsEndpoint(TableOfContents toc, io.sextant.server.api.NewCollectionRules rules) {
        this(toc, rules, null);
    }

    /** @param cluster the metadata log in cluster mode; null on a standalone node (local changes) */
    CollectionsEndpoint(TableOfContents toc, io.sextant.server.api.NewCollectionRules rules, MetadataGate cluster) {
        this.toc = toc;
        this.rules = rules;
        this.cluster = cluster;
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
            if (cluster != null) {
                return done(
                        cluster.submit(GrpcMetadataCommands.create(r, rules.defaults()))
                                .asBoolean(),
                        t0);
            }
            String name = ProtoChecks.collectionName(r.getCollectionName());
            rules.checkCreate(toc, name);
            toc.create(name, CollectionProto.create(r, rules.defaults()));
            return done(true, t0);
        });
    }

    @Override
    public void update(Collections.UpdateCollection r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/Update", () -> {
            if (cluster != null) {
                return done(cluster.submit(GrpcMetadataCommands.update(r)).asBoolean(), t0);
            }
            toc.update(r.getCollectionName(), CollectionProto.update(r));
            return done(true, t0);
        });
    }

    @Override
    public void delete(Collections.DeleteCollection r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(
                o,
                "Collections/Delete",
                () -> done(
                        cluster != null
                                ? cluster.submit(GrpcMetadataCommands.delete(r)).asBoolean()
                                : toc.delete(r.getCollectionName()),
                        t0));
    }

    @Override
    public void updateAliases(Collections.ChangeAliases r, StreamObserver<Collections.CollectionOperationResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/UpdateAliases", () -> {
            if (cluster != null) {
                return done(cluster.submit(GrpcMetadataCommands.aliases(r)).asBoolean(), t0);
            }
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

    @Override
    public void collectionClusterInfo(
            Collections.CollectionClusterInfoRequest r, StreamObserver<Collections.CollectionClusterInfoResponse> o) {
        UnaryCalls.run(
                o,
                "Collections/CollectionClusterInfo",
                () -> ClusterInfoProto.info(toc.get(r.getCollectionName()), STANDALONE_PEER_ID));
    }

    @Override
    public void listShardKeys(Collections.ListShardKeysRequest r, StreamObserver<Collections.ListShardKeysResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Collections/ListShardKeys", () -> {
            Collections.ListShardKeysResponse.Builder b = Collections.ListShardKeysResponse.newBuilder();
            for (io.sextant.collection.ShardKey k :
                    toc.get(r.getCollectionName()).shardKeys().keySet()) {
                b.addShardKeys(Collections.ShardKeyDescription.newBuilder().setKey(ShardKeyProto.proto(k)));
            }
            return b.setTime(UnaryCalls.seconds(t0)).build();
        });
    }

    @Override
    public void updateCollectionClusterSetup(
            Collections.UpdateCollectionClusterSetupRequest r,
            StreamObserver<Collections.UpdateCollectionClusterSetupResponse> o) {
        UnaryCalls.run(
                o,
                "Collections/UpdateCollectionClusterSetup",
                () -> standalone(
                        r.getOperationCase()
                                != Collections.UpdateCollectionClusterSetupRequest.OperationCase.OPERATION_NOT_SET,
                        "empty operation"));
    }

    @Override
    public void createShardKey(
            Collections.CreateShardKeyRequest r, StreamObserver<Collections.CreateShardKeyResponse> o) {
        UnaryCalls.run(o, "Collections/CreateShardKey", () -> {
            if (!r.hasRequest()) {
                throw Status.INVALID_ARGUMENT.withDescription("empty request").asRuntimeException();
            }
            Collections.CreateShardKey c = r.getRequest();
            com.fasterxml.jackson.databind.node.ObjectNode body =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            body.set(
                    "shard_key",
                    io.sextant.server.api.convert.ShardKeyJson.write(ShardKeyProto.key(c.getShardKey(), "shard_key")));
            if (c.hasShardsNumber()) {
                body.put("shards_number", Integer.toUnsignedLong(c.getShardsNumber()));
            }
            if (c.hasReplicationFactor()) {
                body.put("replication_factor", Integer.toUnsignedLong(c.getReplicationFactor()));
            }
            if (c.getPlacementCount() > 0) {
                var arr = body.putArray("placement");
                c.getPlacementList().forEach(p -> arr.add(new java.math.BigInteger(Long.toUnsignedString(p))));
            }
            boolean done = gate().submit(ShardKeyCommands.create(toc.get(r.getCollectionName()), body))
                    .asBoolean();
            return Collections.CreateShardKeyResponse.newBuilder()
                    .setResult(done)
                    .build();
        });
    }

    @Override
    public void deleteShardKey(
            Collections.DeleteShardKeyRequest r, StreamObserver<Collections.DeleteShardKeyResponse> o) {
        UnaryCalls.run(o, "Collections/DeleteShardKey", () -> {
            if (!r.hasRequest()) {
                throw Status.INVALID_ARGUMENT.withDescription("empty request").asRuntimeException();
            }
            com.fasterxml.jackson.databind.node.ObjectNode body =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            body.set(
                    "shard_key",
                    io.sextant.server.api.convert.ShardKeyJson.write(
                            ShardKeyProto.key(r.getRequest().getShardKey(), "shard_key")));
            boolean done = gate().submit(ShardKeyCommands.drop(toc.get(r.getCollectionName()), body))
                    .asBoolean();
            return Collections.DeleteShardKeyResponse.newBuilder()
                    .setResult(done)
                    .build();
        });
    }

    /** Where shard key changes go: the metadata log in cluster mode, this node's collections otherwise. */
    private MetadataGate gate() {
        return cluster != null ? cluster : MetadataGate.local(new MetadataExecutor(toc, rules));
    }

    /**
     * Qdrant's answer to an operation that needs consensus, on a node without it; a request
     * without its operation ({@code present} false) is rejected first with {@code missing}.
     */
    private static <T> T standalone(boolean present, String missing) {
        if (!present) {
            throw Status.INVALID_ARGUMENT.withDescription(missing).asRuntimeException();
        }
        throw Status.UNIMPLEMENTED.withDescription(STANDALONE).asRuntimeException();
    }

    private static Collections.CollectionOperationResponse done(boolean result, long t0) {
        return Collections.CollectionOperationResponse.newBuilder()
                .setResult(result)
                .setTime(UnaryCalls.seconds(t0))
                .build();
    }
}
