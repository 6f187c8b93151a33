package io.sextant.cluster.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.codec.CorruptEncodingException;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;

/**
 * A shard that lives on another peer: every data call is forwarded to that peer's internal shard
 * service ({@link ShardService}) over the peer's shared channel ({@link PeerChannels}), with a
 * deadline per call ({@link ShardCallTimeouts}). User errors of the remote shard arrive as the same
 * {@link io.sextant.segment.error.UserException} (kind and message); other failures, an unreachable
 * peer and a missed deadline as a {@link io.sextant.segment.error.ServiceException} naming the peer.
 *
 * <p>Not forwarded: {@link #updateConfig} and {@link #changeVectors} do nothing, because every peer
 * applies configuration changes from the metadata log to its own shards; {@link #close} releases
 * nothing remote (the channel belongs to {@link PeerChannels} and the shard to its peer);
 * optimizations, stats and segment summaries report nothing (each peer reports its own shards).
 * Thread-safe.
 */
public final class RemoteShard implements Shard {
    private final PeerChannels channels;
    private final String peerAddress;
    private final String collection;
    private final int shardId;
    private final ShardCallTimeouts timeouts;

    /**
     * @param channels the shared channel pool
     * @param peerAddress the owning peer's p2p address, {@code host:port}
     * @param collection collection name
     * @param shardId shard id within the collection
     * @param timeouts call deadlines
     */
    public RemoteShard(
            PeerChannels channels, String peerAddress, String collection, int shardId, ShardCallTimeouts timeouts) {
        this.channels = channels;
        this.peerAddress = peerAddress;
        this.collection = collection;
        this.shardId = shardId;
        this.timeouts = timeouts;
    }

    /** The owning peer's p2p address. */
    public String peerAddress() {
        return peerAddress;
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait) {
        return call(ShardCalls.UPDATE, new ShardCalls.UpdateRequest(operation, wait));
    }

    /**
     * Asks the owning peer to apply {@code operation} as the shard's primary: locally, then on the
     * shard's other replicas ({@code PrimaryUpdate}).
     */
    public UpdateResult updateAsPrimary(PointOperation operation, boolean wait) {
        return call(ShardCalls.PRIMARY_UPDATE, new ShardCalls.UpdateRequest(operation, wait));
    }

    /** Applies {@code operation} to the owning peer's replica only, recording its tag there ({@code TaggedUpdate}). */
    public UpdateResult updateTagged(PointOperation operation, boolean wait, OperationTag tag) {
        return call(
                ShardCalls.TAGGED_UPDATE,
                new ShardCalls.TaggedUpdateRequest(tag, new ShardCalls.UpdateRequest(operation, wait)));
    }

    /**
     * Applies consecutive tagged writes to the owning peer's replica only, with one fsync there,
     * recording the last tag ({@code TaggedBatch}).
     */
    public UpdateResult updateTaggedBatch(List<PointOperation> operations, boolean wait, OperationTag first) {
        return call(ShardCalls.TAGGED_BATCH, new ShardCalls.TaggedBatchRequest(first, operations, wait));
    }

    /** Ships one chunk of a captured file to the owning peer ({@code InstallChunk}). */
    public long installChunk(String path, long offset, byte[] data) {
        return call(ShardCalls.INSTALL_CHUNK, new ShardCalls.InstallChunk(path, offset, data));
    }

    /** Installs the shipped files as the owning peer's replica holding writes up to {@code upTo} ({@code InstallFinish}). */
    public long installFinish(OperationTag upTo) {
        return call(ShardCalls.INSTALL_FINISH, upTo);
    }

    /**
     * Recovers the owning peer's replica from the shipped files by the snapshot recovery priority
     * named {@code priority} ({@code RecoverStaged}); returns the outcome's name.
     */
    public String recoverStaged(String priority) {
        return call(ShardCalls.RECOVER_STAGED, priority);
    }

    /** What the owning peer's replica recorded of tagged writes ({@code RecoveryPoint}). */
    public RecoveryPoint recoveryPoint() {
        return call(ShardCalls.RECOVERY_POINT, null);
    }

    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        return call(ShardCalls.SEARCH, request);
    }

    @Override
    public SparseStats sparseStats(String name, int[] dims, Filter corpus) {
        return call(ShardCalls.SPARSE_STATS, new ShardCalls.SparseStatsRequest(name, dims, corpus));
    }

    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        return call(ShardCalls.RETRIEVE, new ShardCalls.RetrieveRequest(ids, withPayload, withVector));
    }

    @Override
    public ScrollPage scroll(ScrollRequest request) {
        return call(ShardCalls.SCROLL, request);
    }

    @Override
    public long count(Filter filter, boolean exact) {
        return call(ShardCalls.COUNT, new ShardCalls.CountRequest(filter, exact));
    }

    @Override
    public ShardInfo info() {
        return call(ShardCalls.INFO, null);
    }

    /** The replica's snapshot files, captured on the owning peer and written under {@code stagingDir}. */
    @Override
    public io.sextant.shard.snapshot.ShardFileCapture.CapturedShard captureFiles(java.nio.file.Path stagingDir) {
        return ShardCaptureWire.stage(call(ShardCalls.CAPTURE, null), stagingDir);
    }

    /** False: the data is on the owning peer. */
    @Override
    public boolean holdsLocalData() {
        return false;
    }

    /** Not forwarded: the owning peer applies configuration from the metadata log itself. */
    @Override
    public void updateConfig(ShardConfig config) {}

    /** Not forwarded: the owning peer applies configuration from the metadata log itself. */
    @Override
    public void changeVectors(ShardConfig config) {}

    /** Releases nothing: the remote shard stays open on its peer, the channel stays in the pool. */
    @Override
    public void close() {}

    private <Q, A> A call(ShardCall<Q, A> call, Q body) {
        Duration deadline = timeouts.of(call.deadline());
        byte[] request = call.encodeRequest(collection, shardId, body);
        byte[] response;
        try {
            response = ClientCalls.blockingUnaryCall(
                    fenced(channels.channel(peerAddress)),
                    call.method(),
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS),
                    request);
        } catch (StatusRuntimeException e) {
            channels.failed(peerAddress, e.getStatus().getCode());
            throw ShardCallErrors.fromStatus(e, peerAddress, describe(call), deadline);
        }
        try {
            return call.decodeResponse(response);
        } catch (CorruptEncodingException e) {
            throw new ServiceException(
                    "Peer " + peerAddress + " sent an unreadable answer to " + describe(call) + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The channel, with the {@link PrimaryFence} header when the calling thread has one bound (a
     * primary's forwarding queue).
     */
    private static org.apache.ratis.thirdparty.io.grpc.Channel fenced(
            org.apache.ratis.thirdparty.io.grpc.Channel channel) {
        if (!PrimaryFence.CURRENT.isBound()) {
            return channel;
        }
        org.apache.ratis.thirdparty.io.grpc.Metadata headers = new org.apache.ratis.thirdparty.io.grpc.Metadata();
        headers.put(ShardService.FENCE_HEADER, PrimaryFence.CURRENT.get().encode());
        return org.apache.ratis.thirdparty.io.grpc.ClientInterceptors.intercept(
                channel, org.apache.ratis.thirdparty.io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private String describe(ShardCall<?, ?> call) {
        return call.name() + " on shard " + shardId + " of collection " + collection;
    }

    @Override
    public String toString() {
        return "RemoteShard[" + collection + "/" + shardId + " on " + peerAddress + "]";
    }
}
