package io.sextant.cluster;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis state machine of the metadata group: every committed entry is a {@link
 * MetadataCommand} applied by the {@link MetadataStore} to this peer's collections; the reply
 * message carries the leader's {@link MetadataResult} back to the proposer. Snapshots are single
 * files in Ratis's {@link SimpleStateMachineStorage} holding the {@link MetadataLedger}; when the
 * leader installs one on a lagging follower, {@link #reinitialize()} reconciles the follower's
 * collections with it. Ratis calls apply on one thread, in log order.
 */
public final class MetadataStateMachine extends BaseStateMachine {

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final MetadataStore store;

    public MetadataStateMachine(MetadataStore store) {
        this.store = store;
    }

    /** Index of the last entry applied on this peer. */
    public long appliedIndex() {
        return store.appliedIndex();
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot != null && snapshot.getIndex() > store.appliedIndex()) {
            store.restore(snapshot.getFile().getPath());
        }
        setLastAppliedTermIndex(TermIndex.valueOf(store.appliedTerm(), store.appliedIndex()));
    }

    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot != null && snapshot.getIndex() > store.appliedIndex()) {
            store.restore(snapshot.getFile().getPath());
        }
        setLastAppliedTermIndex(TermIndex.valueOf(store.appliedTerm(), store.appliedIndex()));
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        MetadataResult result;
        try {
            MetadataCommand command = MetadataCommand.fromBytes(
                    entry.getStateMachineLogEntry().getLogData().toByteArray());
            result = store.apply(entry.getTerm(), entry.getIndex(), command);
        } catch (IllegalArgumentException e) {
            store.skip(entry.getTerm(), entry.getIndex()); // an entry this binary cannot read: skip, say why
            result = MetadataResult.failed("BAD_REQUEST", e.getMessage());
        }
        advance(entry.getTerm(), entry.getIndex());
        if (result == null) {
            result = MetadataResult.failed("SERVICE", "entry " + entry.getIndex() + " was applied before a restart");
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(result.toBytes())));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) { // configuration and no-op entries
        advance(term, index);
        store.skip(term, index);
    }

    /**
     * Moves the applied mark forward. After a restart it already stands at the stored index while
     * Ratis replays the log from its last snapshot: replayed entries leave it where it is.
     */
    private void advance(long term, long index) {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || index > applied.getIndex()) {
            updateLastAppliedTermIndex(term, index);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        long term = store.appliedTerm();
        long index = store.appliedIndex();
        if (index <= 0) {
            return index;
        }
        java.io.File file = storage.getSnapshotFile(term, index);
        store.writeSnapshot(file.toPath());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(
                new org.apache.ratis.server.storage.FileInfo(file.toPath(), null), term, index));
        return index;
    }
}
