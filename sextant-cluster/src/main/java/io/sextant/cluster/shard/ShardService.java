package io.sextant.cluster.shard;

import io.sextant.segment.error.UserException;
import io.sextant.shard.Shard;
import org.apache.ratis.thirdparty.io.grpc.BindableService;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal gRPC service {@value ShardCall#SERVICE}: serves {@link ShardCalls} on this peer's
 * local shards, found through a {@link LocalShardLookup}, and {@code PrimaryUpdate} on the
 * primaries found through a second lookup. Hosted on the p2p port next to Ratis
 * ({@link ShardServiceCustomizer}). A request names its shard by collection name and shard id; a
 * shard this peer does not hold is answered "not found". Calls run on the gRPC server's executor
 * (Ratis does not make it a direct executor), so a blocking update with {@code wait} does not hold
 * an event-loop thread. Errors as in {@link ShardCallErrors}. Thread-safe.
 */
public final class ShardService implements BindableService {
    private static final Logger LOG = LoggerFactory.getLogger(ShardService.class);

    private final LocalShardLookup lookup;
    private final LocalShardLookup primaries;

    /** A service without primaries: {@code PrimaryUpdate} is answered "not found". */
    public ShardService(LocalShardLookup lookup) {
        this(lookup, LocalShardLookup.NONE);
    }

    /**
     * @param lookup this peer's local replicas (every call but {@code PrimaryUpdate})
     * @param primaries for {@code PrimaryUpdate}: a shard whose {@code update} applies a write as
     *     the shard's primary (locally, then to the other replicas)
     */
    public ShardService(LocalShardLookup lookup, LocalShardLookup primaries) {
        this.lookup = lookup;
        this.primaries = primaries;
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(ShardCall.SERVICE);
        for (ShardCall<?, ?> call : ShardCalls.ALL) {
            b.addMethod(
                    call.method(),
                    ServerCalls.asyncUnaryCall((request, response) -> serve(call, lookup, request, response)));
        }
        b.addMethod(
                ShardCalls.PRIMARY_UPDATE.method(),
                ServerCalls.asyncUnaryCall(
                        (request, response) -> serve(ShardCalls.PRIMARY_UPDATE, primaries, request, response)));
        return b.build();
    }

    /** How long a call waits for a shard this peer does not know yet (metadata log lag). */
    static final long MISSING_SHARD_WAIT_MS = 500;

    /**
     * The shard, waiting up to {@link #MISSING_SHARD_WAIT_MS} when it is missing: a peer that just
     * created a collection or a shard key through the metadata log may call here before this peer
     * applied the same entry (it applies within milliseconds of the commit).
     */
    private static Shard find(LocalShardLookup lookup, String collection, int shardId) {
        Shard shard = lookup.find(collection, shardId);
        long deadline = System.nanoTime() + MISSING_SHARD_WAIT_MS * 1_000_000;
        while (shard == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            shard = lookup.find(collection, shardId);
        }
        return shard;
    }

    private static <Q, A> void serve(
            ShardCall<Q, A> call, LocalShardLookup lookup, byte[] request, StreamObserver<byte[]> response) {
        byte[] answer;
        try {
            ShardCall.Addressed<Q> q = call.decodeRequest(request);
            Shard shard = find(lookup, q.collection(), q.shardId());
            if (shard == null) {
                throw UserException.notFound(
                        "Shard " + q.shardId() + " of collection " + q.collection() + " is not on this peer");
            }
            answer = call.encodeResponse(call.invoke(shard, q.body()));
        } catch (UserException e) {
            response.onError(ShardCallErrors.toStatus(e));
            return;
        } catch (RuntimeException e) {
            LOG.warn("Internal shard call {} failed", call.name(), e);
            response.onError(ShardCallErrors.toStatus(e));
            return;
        }
        response.onNext(answer);
        response.onCompleted();
    }
}
