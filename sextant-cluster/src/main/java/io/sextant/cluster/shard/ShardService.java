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
 * an event-loop thread. Errors as in {@link ShardCallErrors}. {@code Update}, {@code TaggedUpdate} and
 * {@code RecoveryPoint} also keep or read the replica's {@link ReplicaClocks} (the {@code wal_delta}
 * transfer). The write calls a primary forwards carry its {@link PrimaryFence} in a header and are
 * refused ({@link PrimaryFence.Refused}) when the {@link FenceCheck} says the sender is no longer
 * the primary. Thread-safe.
 */
public final class ShardService implements BindableService {
    private static final Logger LOG = LoggerFactory.getLogger(ShardService.class);

    private final LocalShardLookup lookup;
    private final LocalShardLookup primaries;
    private final ReplicaClocks clocks;
    private final FenceCheck fence;

    /** The request header of a {@link PrimaryFence}. */
    static final org.apache.ratis.thirdparty.io.grpc.Metadata.Key<String> FENCE_HEADER =
            org.apache.ratis.thirdparty.io.grpc.Metadata.Key.of(
                    PrimaryFence.HEADER, org.apache.ratis.thirdparty.io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    /** The fence header of the call being served (set by the service's interceptor). */
    private static final org.apache.ratis.thirdparty.io.grpc.Context.Key<String> FENCE =
            org.apache.ratis.thirdparty.io.grpc.Context.key("sextant-primary-fence");

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
        this(lookup, primaries, ReplicaClocks.inMemory());
    }

    /**
     * @param clocks the recovery points of the local replicas: {@code TaggedUpdate} records its tag
     *     there, a plain {@code Update} makes the point unknown, {@code RecoveryPoint} reads it
     */
    public ShardService(LocalShardLookup lookup, LocalShardLookup primaries, ReplicaClocks clocks) {
        this(lookup, primaries, clocks, FenceCheck.NONE);
    }

    /**
     * @param fence admits or refuses the write calls ({@code Update}, {@code TaggedUpdate}, {@code
     *     TaggedBatch}, {@code InstallChunk}, {@code InstallFinish}) that carry a {@link
     *     PrimaryFence}; calls without one are admitted
     */
    public ShardService(LocalShardLookup lookup, LocalShardLookup primaries, ReplicaClocks clocks, FenceCheck fence) {
        this.lookup = lookup;
        this.primaries = primaries;
        this.clocks = clocks;
        this.fence = fence;
    }

    /** Refuses the call when it carries a fence this peer's log says is stale. */
    private void admit(String collection, int shardId) {
        admit(collection, shardId, FENCE.get());
    }

    /** Refuses a call that carried the fence {@code header} (null: none) when it is stale. */
    private void admit(String collection, int shardId, String header) {
        if (header != null) {
            PrimaryFence f;
            try {
                f = PrimaryFence.decode(header);
            } catch (IllegalArgumentException e) {
                throw new io.sextant.segment.error.ServiceException("Unreadable primary fence: " + e.getMessage());
            }
            fence.admit(collection, shardId, f);
        }
    }

    /** Puts the call's fence header, if any, into its context. */
    private static final org.apache.ratis.thirdparty.io.grpc.ServerInterceptor FENCE_READER =
            new org.apache.ratis.thirdparty.io.grpc.ServerInterceptor() {
                @Override
                public <Q, A> org.apache.ratis.thirdparty.io.grpc.ServerCall.Listener<Q> interceptCall(
                        org.apache.ratis.thirdparty.io.grpc.ServerCall<Q, A> call,
                        org.apache.ratis.thirdparty.io.grpc.Metadata headers,
                        org.apache.ratis.thirdparty.io.grpc.ServerCallHandler<Q, A> next) {
                    String f = headers.get(FENCE_HEADER);
                    if (f == null) {
                        return next.startCall(call, headers);
                    }
                    return org.apache.ratis.thirdparty.io.grpc.Contexts.interceptCall(
                            org.apache.ratis.thirdparty.io.grpc.Context.current()
                                    .withValue(FENCE, f),
                            call,
                            headers,
                            next);
                }
            };

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(ShardCall.SERVICE);
        for (ShardCall<?, ?> call : ShardCalls.ALL) {
            if (call != ShardCalls.UPDATE) {
                addPlain(b, call, lookup);
            }
        }
        add(b, ShardCalls.UPDATE, lookup, (shard, q, c, s) -> {
            admit(c, s);
            return clocks.applyUntagged(c, s, () -> ShardCalls.UPDATE.invoke(shard, q));
        });
        add(b, ShardCalls.TAGGED_UPDATE, lookup, (shard, q, c, s) -> {
            admit(c, s);
            return clocks.applyTagged(c, s, q.tag(), () -> ShardCalls.TAGGED_UPDATE.invoke(shard, q));
        });
        add(b, ShardCalls.TAGGED_BATCH, lookup, (shard, q, c, s) -> {
            admit(c, s);
            return clocks.applyTaggedBatch(c, s, q.first(), q.last(), () -> ShardCalls.TAGGED_BATCH.invoke(shard, q));
        });
        add(b, ShardCalls.INSTALL_CHUNK, lookup, (shard, q, c, s) -> {
            admit(c, s);
            return writeChunk(lookup, c, s, q);
        });
        add(b, ShardCalls.INSTALL_FINISH, lookup, (shard, q, c, s) -> {
            admit(c, s);
            String header = FENCE.get(); // checked again under the write order, just before the swap
            return clocks.installed(c, s, q, () -> lookup.install(c, s, () -> admit(c, s, header)));
        });
        add(b, ShardCalls.RECOVER_STAGED, lookup, (shard, priority, c, s) -> lookup.recoverStaged(c, s, priority));
        add(b, ShardCalls.RECOVERY_POINT, lookup, (shard, q, c, s) -> {
            // the run this peer ordered as primary, when its replica has had no other write since
            RecoveryPoint ordered = primaries.find(c, s) instanceof PrimaryWriter p ? p.orderedRun() : null;
            return ordered != null ? ordered : clocks.point(c, s);
        });
        addPlain(b, ShardCalls.PRIMARY_UPDATE, primaries);
        b.addMethod(ShardCalls.PING.method(), ServerCalls.asyncUnaryCall((request, response) -> {
            response.onNext(ShardCalls.PING.encodeResponse(null));
            response.onCompleted();
        }));
        return org.apache.ratis.thirdparty.io.grpc.ServerInterceptors.intercept(b.build(), FENCE_READER);
    }

    private static <Q, A> void add(
            ServerServiceDefinition.Builder b, ShardCall<Q, A> call, LocalShardLookup from, Invocation<Q, A> run) {
        b.addMethod(
                call.method(),
                ServerCalls.asyncUnaryCall((request, response) -> serve(call, from, request, response, run)));
    }

    /** Adds {@code call} run by its own invoke on the shard {@code from} finds. */
    private static <Q, A> void addPlain(
            ServerServiceDefinition.Builder b, ShardCall<Q, A> call, LocalShardLookup from) {
        add(b, call, from, (shard, q, c, s) -> call.invoke(shard, q));
    }

    /** Writes one shipped chunk into the replica's staging directory (offset 0 starts the file). */
    private static long writeChunk(LocalShardLookup lookup, String collection, int shardId, ShardCalls.InstallChunk q) {
        java.nio.file.Path staging = lookup.installStaging(collection, shardId);
        if (staging == null) {
            throw new io.sextant.segment.error.ServiceException(
                    "This peer cannot install shard " + shardId + " of " + collection + " from a snapshot transfer");
        }
        java.nio.file.Path root = staging.toAbsolutePath().normalize();
        if (q.path().isEmpty()) { // a new transfer starts: drop what an earlier one left
            io.sextant.collection.AtomicFiles.deleteTree(root);
            return 0;
        }
        java.nio.file.Path dst = root.resolve(q.path()).normalize();
        if (!dst.startsWith(root) || dst.equals(root) || q.offset() < 0) {
            throw new io.sextant.segment.error.ServiceException(
                    "A peer sent a file chunk outside its shard: " + q.path());
        }
        try {
            java.nio.file.Files.createDirectories(dst.getParent());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    dst, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                if (q.offset() == 0) {
                    ch.truncate(0);
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(q.data());
                long at = q.offset();
                while (b.hasRemaining()) {
                    at += ch.write(b, at);
                }
            }
        } catch (java.io.IOException e) {
            throw new io.sextant.segment.error.ServiceException("Cannot stage " + dst + ": " + e.getMessage(), e);
        }
        return q.data().length;
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

    /** How a call runs on the shard it addressed (the call's own invoke unless the service adds to it). */
    @FunctionalInterface
    private interface Invocation<Q, A> {
        A run(Shard shard, Q body, String collection, int shardId);
    }

    private static <Q, A> void serve(
            ShardCall<Q, A> call,
            LocalShardLookup lookup,
            byte[] request,
            StreamObserver<byte[]> response,
            Invocation<Q, A> invocation) {
        byte[] answer;
        try {
            ShardCall.Addressed<Q> q = call.decodeRequest(request);
            Shard shard = find(lookup, q.collection(), q.shardId());
            if (shard == null) {
                throw UserException.notFound(
                        "Shard " + q.shardId() + " of collection " + q.collection() + " is not on this peer");
            }
            answer = call.encodeResponse(invocation.run(shard, q.body(), q.collection(), q.shardId()));
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
