package io.sextant.server.cluster;

import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ClusterSettings;
import io.sextant.cluster.MetadataApplier;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.cluster.PeerLiveness;
import io.sextant.cluster.PeerTls;
import io.sextant.cluster.PeerTlsContexts;
import io.sextant.cluster.PlacementApplier;
import io.sextant.cluster.PlacementBook;
import io.sextant.cluster.PrimaryFenceCheck;
import io.sextant.cluster.PrimaryTermApplier;
import io.sextant.cluster.PrimaryTerms;
import io.sextant.cluster.ReplicaPlacementApplier;
import io.sextant.cluster.ReplicaStateApplier;
import io.sextant.cluster.ReplicaStateBook;
import io.sextant.cluster.ShardTransfer;
import io.sextant.cluster.TransferApplier;
import io.sextant.cluster.TransferBook;
import io.sextant.cluster.replica.ClusterShardFactory;
import io.sextant.cluster.replica.ConsensusReplicaStates;
import io.sextant.cluster.replica.ConsensusTransfers;
import io.sextant.cluster.replica.RemotePeerReplicas;
import io.sextant.cluster.replica.ReplicaRecovery;
import io.sextant.cluster.replica.ReplicaSet;
import io.sextant.cluster.replica.SnapshotRecoveryInstall;
import io.sextant.cluster.shard.FenceCheck;
import io.sextant.cluster.shard.LocalShardLookup;
import io.sextant.cluster.shard.PeerChannels;
import io.sextant.cluster.shard.PeerCredential;
import io.sextant.cluster.shard.ShardCallTimeouts;
import io.sextant.collection.AtomicFiles;
import io.sextant.collection.Collection;
import io.sextant.collection.ShardFactory;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's wiring of replica sets in cluster mode: the {@link PlacementBook}, the shard factory
 * that builds {@link ReplicaSet}s from it, the channels to other peers, and the two lookups the
 * internal shard service answers from (local replicas, and replica sets for primary writes). Built
 * before the table of contents opens (so reopened collections get their replica sets), then told
 * the table ({@link #attach}) and the started {@link ClusterNode} (peer addresses), when it also
 * starts the automatic repair of Dead replicas ({@link ReplicaRecovery}). Thread-safe.
 */
public final class ClusterShards implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterShards.class);
    private final PlacementBook book;
    private final ReplicaStateBook states;
    private final PrimaryTerms terms;
    private final TransferBook transfers;
    /** Records transfer starts and ends through the metadata log (the repair rounds and recoveries). */
    private final ConsensusTransfers transferLog;

    private volatile String defaultTransferMethod = "stream_records";
    private final long self;
    private final PeerChannels channels;
    /** The replica clocks of this peer's local replicas, shared by its shard service and replica sets. */
    private final io.sextant.cluster.shard.ReplicaClocks clocks;

    private volatile TableOfContents toc;
    private volatile ClusterNode node;
    private volatile ReplicaRecovery recovery;
    private volatile PeerLiveness liveness;
    /** How long the leader's probe of a peer's shard service may take ({@link PeerLiveness}). */
    private static final java.time.Duration PROBE_DEADLINE = java.time.Duration.ofSeconds(1);

    /** Opens local replicas (set by {@link #factory}). */
    private volatile ShardFactory localFactory;

    private ClusterShards(
            PlacementBook book,
            ReplicaStateBook states,
            PrimaryTerms terms,
            TransferBook transfers,
            long self,
            PeerChannels channels,
            io.sextant.cluster.shard.ReplicaClocks clocks) {
        this.book = book;
        this.states = states;
        this.terms = terms;
        this.transfers = transfers;
        this.transferLog = new ConsensusTransfers(transfers, this::propose);
        this.self = self;
        this.channels = channels;
        this.clocks = clocks;
    }

    /** The replica clocks of this peer's local replicas (give them to {@link ClusterNode#start}). */
    public io.sextant.cluster.shard.ReplicaClocks clocks() {
        return clocks;
    }

    /** Opens the placement book and peer id of the node stored in {@code storage}; calls to peers carry no credential. */
    public static ClusterShards open(Path storage) {
        return open(storage, PeerCredential.NONE);
    }

    /**
     * Opens the placement book and peer id of the node stored in {@code storage}; calls to other
     * peers carry {@code credential}.
     */
    public static ClusterShards open(Path storage, PeerCredential credential) {
        return open(storage, credential, null);
    }

    /**
     * As {@link #open(Path, PeerCredential)}, over mutual TLS with {@code tls} ({@code
     * cluster.p2p.enable_tls}) unless it is null.
     */
    public static ClusterShards open(Path storage, PeerCredential credential, PeerTls tls) {
        return new ClusterShards(
                PlacementBook.open(storage),
                ReplicaStateBook.open(storage),
                PrimaryTerms.open(storage),
                TransferBook.open(storage),
                ClusterNode.peerId(storage),
                new PeerChannels(credential, PeerTlsContexts.shardChannels(tls)),
                io.sextant.cluster.shard.ReplicaClocks.open(ClusterNode.replicaClocksDir(storage)));
    }

    /** The shard factory: replica sets for collections with a placement, {@code local} otherwise. */
    public ShardFactory factory(ShardFactory local) {
        this.localFactory = local;
        return new ClusterShardFactory(
                local,
                book,
                self,
                layout -> new RemotePeerReplicas(
                        channels, this::address, layout.collection(), layout.shardId(), ShardCallTimeouts.DEFAULT),
                name -> toc.get(name).config().params().writeConsistencyFactor(),
                layout ->
                        new ConsensusReplicaStates(states, layout.collection(), layout.shardId(), this::propose, terms),
                this::readFanOut,
                clocks);
    }

    /** The collection's read fan-out params; unset while it is not in the table (opening, deleted). */
    private ReadFanOut readFanOut(String collection) {
        TableOfContents t = toc;
        try {
            return t == null
                    ? ReadFanOut.UNSET
                    : t.get(collection).config().params().readFanOut();
        } catch (RuntimeException e) {
            return ReadFanOut.UNSET;
        }
    }

    private MetadataResult propose(MetadataCommand command) {
        ClusterNode n = node;
        if (n == null) {
            throw new ServiceException("The cluster is not started yet: cannot change a replica state");
        }
        return n.propose(command);
    }

    private String address(long peer) {
        ClusterNode n = node;
        return n == null ? null : n.addressOf(peer);
    }

    /** The table of contents the factory's collections live in. */
    public void attach(TableOfContents toc) {
        this.toc = toc;
    }

    /**
     * The metadata applier that keeps the placement and replica state books in step with {@code
     * executor} and applies replica state changes.
     */
    public MetadataApplier applier(MetadataApplier executor) {
        return new PrimaryTermApplier(applierChain(executor), book, states, terms);
    }

    /**
     * How this peer's internal shard service admits forwarded writes: by the primary term its own
     * metadata log gives the shard ({@link PrimaryFenceCheck}).
     */
    public FenceCheck fenceCheck() {
        return new PrimaryFenceCheck(book, states, terms, () -> {
            ClusterNode n = node;
            return n == null ? 0 : n.appliedIndex();
        });
    }

    private MetadataApplier applierChain(MetadataApplier executor) {
        return new TransferApplier(
                new ReplicaPlacementApplier(
                        new ReplicaStateApplier(new PlacementApplier(executor, book), book, states),
                        book,
                        states,
                        new ReplicaPlacementApplier.Listener() {
                            @Override
                            public void dropped(String collection, int shardId, long peer) {
                                replicaDropped(collection, shardId, peer);
                            }

                            @Override
                            public void added(String collection, int shardId, long peer) {
                                replicaAdded(collection, shardId, peer);
                            }
                        }),
                book,
                states,
                transfers);
    }

    /**
     * A new replica joined the placement: the shard's replica set gets it and, when it is this
     * peer's, an empty local replica (a stale directory from an earlier replica is deleted first).
     */
    private void replicaAdded(String collection, int shardId, long peer) {
        if (!(shard(collection, shardId) instanceof ReplicaSet rs)) {
            return;
        }
        Shard mine = null;
        if (peer == self) {
            Collection c = toc.get(collection);
            AtomicFiles.deleteTree(c.shardDir(shardId));
            mine = localFactory.open(c.shardDir(shardId), c.config().toShardConfig());
        }
        if (!rs.addReplica(peer, mine) && mine != null) {
            mine.close();
        }
    }

    /**
     * A replica left the placement: the shard's replica set forgets it and, when it was this peer's,
     * closes it and deletes its directory (a crash before the delete is finished by the shard
     * factory on the next open).
     */
    private void replicaDropped(String collection, int shardId, long peer) {
        if (shard(collection, shardId) instanceof ReplicaSet rs && rs.dropReplica(peer)) {
            AtomicFiles.deleteTree(toc.get(collection).shardDir(shardId));
        }
    }

    /** The placement book (the proposer checks a placement change against it before proposing). */
    public PlacementBook placements() {
        return book;
    }

    /** The replica state book. */
    public ReplicaStateBook replicaStates() {
        return states;
    }

    /** The started cluster node (peer addresses come from its Raft configuration). */
    public void started(ClusterNode node) {
        started(
                node,
                ClusterSettings.DEFAULT_TRANSFER_POINTS_PER_SECOND,
                PeerLiveness.DEFAULT_UNRESPONSIVE_MILLIS,
                "stream_records");
    }

    /** As {@link #started(ClusterNode, int, long, String)} with transfers defaulting to {@code stream_records}. */
    public void started(ClusterNode node, int transferPointsPerSecond, long peerUnresponsiveMs) {
        started(node, transferPointsPerSecond, peerUnresponsiveMs, "stream_records");
    }

    /**
     * The started cluster node (peer addresses come from its Raft configuration); starts the
     * automatic recovery of Dead replicas whose primary is on this peer ({@link ReplicaRecovery}),
     * streaming at most {@code transferPointsPerSecond} points a second (0: no limit), and the
     * leader's failure detection ({@link PeerLiveness}: a peer silent on Raft, or whose internal
     * shard service has not answered the leader's probe, for {@code peerUnresponsiveMs} gets its
     * replicas marked Dead). Transfers are recorded in the metadata log ({@link
     * ConsensusTransfers}); {@code defaultTransferMethod} ({@code storage.shard_transfer_method}) is
     * what a repair falls back to when no {@code wal_delta} is possible and what {@code
     * replicate_shard}/{@code move_shard} without a method use.
     */
    public void started(
            ClusterNode node, int transferPointsPerSecond, long peerUnresponsiveMs, String defaultTransferMethod) {
        this.node = node;
        this.defaultTransferMethod = defaultTransferMethod;
        ReplicaRecovery.Settings d = ReplicaRecovery.Settings.DEFAULT;
        this.recovery = new ReplicaRecovery(
                        this::allReplicaSets,
                        new ReplicaRecovery.Settings(
                                d.interval(), d.batchSize(), transferPointsPerSecond, defaultTransferMethod),
                        transferLog)
                .start();
        io.sextant.cluster.shard.ShardServiceProbe probe =
                new io.sextant.cluster.shard.ShardServiceProbe(channels, PROBE_DEADLINE);
        this.liveness = new PeerLiveness(
                        self,
                        peerUnresponsiveMs,
                        node::leaderView,
                        book,
                        states,
                        this::propose,
                        peer -> probe.answers(address(peer)))
                .reconnectingWith(node::reconnectRaft)
                .start();
    }

    /** The transfers of {@code collection} the metadata log records (the same on every peer). */
    public List<ShardTransfer> recordedTransfers(String collection) {
        return transfers.list(collection);
    }

    /** The transfer book. */
    public TransferBook transferBook() {
        return transfers;
    }

    /** The method of {@code replicate_shard}/{@code move_shard} without one ({@code storage.shard_transfer_method}). */
    public String defaultTransferMethod() {
        return defaultTransferMethod;
    }

    /** The transfers of {@code collection} this peer runs (none before the node started). */
    public List<ReplicaRecovery.Transfer> transfers(String collection) {
        ReplicaRecovery r = recovery;
        return r == null ? List.of() : r.transfers(collection);
    }

    /** The transfers of {@code collection} this peer ran to their end, oldest first (none before start). */
    public List<ReplicaRecovery.Finished> finishedTransfers(String collection) {
        ReplicaRecovery r = recovery;
        return r == null ? List.of() : r.finished(collection);
    }

    private List<ReplicaSet> allReplicaSets() {
        TableOfContents t = toc;
        List<ReplicaSet> out = new java.util.ArrayList<>();
        if (t == null) {
            return out;
        }
        for (String name : t.list()) {
            List<ReplicaSet> sets = t.exists(name) ? replicaSets(t.get(name)) : null;
            if (sets != null) {
                out.addAll(sets);
            }
        }
        return out;
    }

    /**
     * This peer's local replicas: never a replica set, so a forwarded call cannot loop. A {@code
     * snapshot} transfer stages its files in {@code <collection>/shards/<id>.incoming} and installs
     * them by closing the replica, swapping the directories and opening it again.
     */
    public LocalShardLookup localReplicas() {
        return new LocalShardLookup() {
            @Override
            public Shard find(String collection, int shardId) {
                Shard s = shard(collection, shardId);
                return s instanceof ReplicaSet rs ? rs.localReplica() : s;
            }

            @Override
            public Path installStaging(String collection, int shardId) {
                return shard(collection, shardId) instanceof ReplicaSet rs && rs.localReplica() != null
                        ? incoming(toc.get(collection).shardDir(shardId))
                        : null;
            }

            @Override
            public long install(String collection, int shardId, Runnable admit) {
                return installReplica(collection, shardId, admit);
            }

            @Override
            public String recoverStaged(String collection, int shardId, String priority) {
                SnapshotPriority p = SnapshotPriority.parse(priority, SnapshotPriority.REPLICA);
                Path staged = installStaging(collection, shardId);
                if (staged == null || !java.nio.file.Files.isDirectory(staged)) {
                    throw new ServiceException("No staged snapshot files for shard " + shardId + " of " + collection);
                }
                return recoverReplica(collection, shardId, staged, p).name();
            }
        };
    }

    private static Path incoming(Path shardDir) {
        return shardDir.resolveSibling(shardDir.getFileName() + ".incoming");
    }

    /** Replaces the local replica of a shard by the files a snapshot transfer staged, once {@code admit} passed. */
    private long installReplica(String collection, int shardId, Runnable admit) {
        if (!(shard(collection, shardId) instanceof ReplicaSet rs)) {
            throw new ServiceException("Shard " + shardId + " of " + collection + " is not a replica set here");
        }
        Shard fresh = rs.replaceLocal(admit, () -> openStaged(collection, shardId));
        return fresh.count(null, true);
    }

    /**
     * Moves the staged files of a shard ({@code <id>.incoming}) into its directory, replacing what
     * was there, and opens them; called by {@link ReplicaSet#replaceLocal} once the old replica is
     * closed.
     */
    private Shard openStaged(String collection, int shardId) {
        Collection c = toc.get(collection);
        Path dir = c.shardDir(shardId);
        Path staged = incoming(dir);
        if (!java.nio.file.Files.isDirectory(staged)) {
            throw new ServiceException("No staged files for shard " + shardId + " of " + collection);
        }
        AtomicFiles.deleteTree(dir);
        try {
            java.nio.file.Files.move(staged, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDir(dir.getParent());
        } catch (java.io.IOException e) {
            throw new ServiceException(
                    "Cannot install the transferred files of shard " + shardId + " of " + collection + ": "
                            + e.getMessage(),
                    e);
        }
        return localFactory.open(dir, c.config().toShardConfig());
    }

    /**
     * Held while a recovered snapshot is installed into a local replica, so recoveries on this peer
     * (its own and those other peers send it) run one at a time; never held across a call to another
     * peer, so two peers recovering at once cannot wait on each other.
     */
    private final Object recoveryLock = new Object();

    /**
     * Installs the extracted shard files {@code files} (on the storage file system) as this peer's
     * replica of a shard, by the recovery's {@code priority} ({@link SnapshotRecoveryInstall}): they
     * are staged where a snapshot transfer stages its files and swapped in by the same code.
     *
     * @throws ServiceException when this peer holds no replica of the shard
     */
    public SnapshotRecoveryInstall.Outcome recoverReplica(
            String collection, int shardId, Path files, SnapshotPriority priority) {
        synchronized (recoveryLock) {
            return recoverReplicaLocked(collection, shardId, files, priority);
        }
    }

    private SnapshotRecoveryInstall.Outcome recoverReplicaLocked(
            String collection, int shardId, Path files, SnapshotPriority priority) {
        if (!(shard(collection, shardId) instanceof ReplicaSet rs) || rs.localReplica() == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(self) + " holds no replica of shard " + shardId
                    + " of collection " + collection);
        }
        Path staged = incoming(toc.get(collection).shardDir(shardId));
        try {
            if (!files.toAbsolutePath()
                    .normalize()
                    .equals(staged.toAbsolutePath().normalize())) {
                AtomicFiles.deleteTree(staged); // files shipped by a peer are already in place
                java.nio.file.Files.move(files, staged, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFiles.fsyncDir(staged.getParent());
            SnapshotRecoveryInstall.Outcome out =
                    SnapshotRecoveryInstall.install(rs, priority, () -> openStaged(collection, shardId));
            if (out == SnapshotRecoveryInstall.Outcome.SOURCE_OF_TRUTH) {
                finishTransferInto(collection, shardId);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new ServiceException(
                    "Cannot stage the recovered files of shard " + shardId + " of " + collection + ": "
                            + e.getMessage(),
                    e);
        } finally {
            AtomicFiles.deleteTree(staged); // left when nothing was installed
        }
    }

    /**
     * Records the end of a transfer into this peer's replica of the shard, if the log holds one: the
     * replica was just made Active as the shard's source of truth by a snapshot recovery, so that
     * transfer (its source is Dead now and stops at its next batch) has nothing left to do, and no
     * repair round would end it (a primary ends only the transfers it runs to other replicas). A
     * {@code move_shard}'s end also drops its source replica, as the move asked.
     */
    private void finishTransferInto(String collection, int shardId) {
        io.sextant.cluster.ShardTransfer t = transfers.get(collection, shardId, self);
        if (t == null) {
            return;
        }
        try {
            transferLog.finish(collection, t);
        } catch (RuntimeException e) { // the install is done; only the listing stays behind
            LOG.warn(
                    "Could not record the end of the transfer of shard {} of collection {} to this peer after a"
                            + " snapshot recovery: {}",
                    shardId,
                    collection,
                    e.getMessage());
            return;
        }
        LOG.info(
                "Transfer of shard {} of collection {} to this peer ended by the snapshot recovery that made its"
                        + " replica the source of truth",
                shardId,
                collection);
    }

    /** The replica sets with a local replica, for writes sent here to be applied as their primary. */
    public LocalShardLookup primaries() {
        return (collection, shardId) -> {
            Shard s = shard(collection, shardId);
            return s instanceof ReplicaSet rs && rs.localReplica() != null ? rs : null;
        };
    }

    private Shard shard(String collection, int shardId) {
        TableOfContents t = toc;
        if (t == null || !t.exists(collection)) {
            return null;
        }
        return t.get(collection).shard(shardId);
    }

    /** This peer's id. */
    public long peerId() {
        return self;
    }

    /** Shards of {@code c} as replica sets, or null when {@code c} has no placement (plain local shards). */
    public static List<ReplicaSet> replicaSets(Collection c) {
        if (c.shards().isEmpty() || !(c.shards().getFirst() instanceof ReplicaSet)) {
            return null;
        }
        return c.shards().stream().map(ReplicaSet.class::cast).toList();
    }

    @Override
    public void close() {
        PeerLiveness l = liveness;
        if (l != null) {
            l.close();
        }
        ReplicaRecovery r = recovery;
        if (r != null) {
            r.close();
        }
        channels.close();
    }
}
