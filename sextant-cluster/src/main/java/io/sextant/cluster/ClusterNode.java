package io.sextant.cluster;

import io.sextant.cluster.shard.FenceCheck;
import io.sextant.cluster.shard.LocalShardLookup;
import io.sextant.cluster.shard.PeerCredential;
import io.sextant.cluster.shard.ShardService;
import io.sextant.cluster.shard.ShardServiceCustomizer;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's membership of the metadata Raft group (Apache Ratis over gRPC on the p2p port).
 *
 * <p>Start: the peer id comes from {@link PeerIdentity}; the Raft log and snapshots live in {@code
 * <storage>/cluster/raft}, the applied state in {@code <storage>/cluster/metadata_state.json}. A
 * fresh peer without {@code --bootstrap} forms a one-peer group. A fresh peer with {@code
 * --bootstrap URI} starts its Raft server with an empty configuration, asks the bootstrap peer for
 * the group's members (Ratis's group-info admin call, sent to the bootstrap address) and then asks
 * the group to add it (Ratis's {@code setConfiguration} in {@code ADD} mode, forwarded to the
 * leader by the Ratis client); the leader then streams it the log. A peer that has Raft storage recovers from it and
 * ignores {@code --bootstrap}.
 *
 * <p>{@link #propose} sends a {@link MetadataCommand} through the Ratis client (which finds the
 * leader), then waits until this peer has applied the entry too, so a collection created through
 * any peer is visible on that peer when the request returns; {@link #proposeEverywhere} also waits
 * (best effort, bounded) until every other peer has applied it ({@link PeerApplyWait}). Thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    /** The metadata group: one per cluster, a fixed id. */
    public static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("sextant-metadata".getBytes(StandardCharsets.UTF_8)));

    private static final Duration APPLY_WAIT = Duration.ofSeconds(30);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PEER_APPLY_WAIT = Duration.ofSeconds(10);
    /** How long a probe of a peer that recently failed to report its applied index may take. */
    static final Duration QUICK_PROBE = Duration.ofMillis(300);

    private final long peerId;
    private final RaftProperties properties;
    /** Ratis client-side parameters: the TLS configuration of client and admin calls, if any. */
    private final Parameters clientParameters;

    private final RaftServer server;
    private final MetadataStateMachine stateMachine;
    private RaftClient client;
    private Set<RaftPeer> clientPeers = Set.of();
    private RaftClient probeClient;
    private RaftClient quickProbeClient;
    private Set<RaftPeer> probePeers = Set.of();
    private final PeerApplyWait applyWait = new PeerApplyWait(this::appliedIndexOf, PEER_APPLY_WAIT, 5);

    private ClusterNode(
            long peerId,
            RaftProperties properties,
            Parameters clientParameters,
            RaftServer server,
            MetadataStateMachine sm) {
        this.peerId = peerId;
        this.properties = properties;
        this.clientParameters = clientParameters;
        this.server = server;
        this.stateMachine = sm;
    }

    /**
     * Starts this peer's Raft server and, for a fresh peer with a bootstrap URI, joins the cluster.
     *
     * @param settings cluster settings
     * @param bindHost address the p2p port binds to
     * @param storage the node's storage directory
     * @param applier applies committed commands to this peer's collections
     */
    public static ClusterNode start(ClusterSettings settings, String bindHost, Path storage, MetadataApplier applier) {
        return start(settings, bindHost, storage, applier, LocalShardLookup.NONE);
    }

    /**
     * Starts this peer's Raft server with the internal shard service ({@link ShardService}) on the
     * same p2p port, serving the shards {@code localShards} finds, and, for a fresh peer with a
     * bootstrap URI, joins the cluster.
     *
     * @param settings cluster settings
     * @param bindHost address the p2p port binds to
     * @param storage the node's storage directory
     * @param applier applies committed commands to this peer's collections
     * @param localShards this peer's shards, for other peers' {@link io.sextant.cluster.shard.RemoteShard}s
     */
    public static ClusterNode start(
            ClusterSettings settings,
            String bindHost,
            Path storage,
            MetadataApplier applier,
            LocalShardLookup localShards) {
        return start(settings, bindHost, storage, applier, localShards, LocalShardLookup.NONE);
    }

    /**
     * As {@link #start(ClusterSettings, String, Path, MetadataApplier, LocalShardLookup)}, also
     * serving primary writes ({@code PrimaryUpdate}) on the shards {@code primaries} finds.
     *
     * @param localShards this peer's local replicas (never a replica set: that would loop)
     * @param primaries shards whose {@code update} applies a write as the shard's primary
     */
    public static ClusterNode start(
            ClusterSettings settings,
            String bindHost,
            Path storage,
            MetadataApplier applier,
            LocalShardLookup localShards,
            LocalShardLookup primaries) {
        return start(settings, bindHost, storage, applier, localShards, primaries, PeerCredential.NONE);
    }

    /**
     * As {@link #start(ClusterSettings, String, Path, MetadataApplier, LocalShardLookup,
     * LocalShardLookup)}, with the internal shard service refusing calls that do not carry {@code
     * credential} (when it is required; Raft's own RPCs are not checked, see the package-info).
     */
    public static ClusterNode start(
            ClusterSettings settings,
            String bindHost,
            Path storage,
            MetadataApplier applier,
            LocalShardLookup localShards,
            LocalShardLookup primaries,
            PeerCredential credential) {
        return start(settings, bindHost, storage, applier, localShards, primaries, credential, FenceCheck.NONE);
    }

    /**
     * As {@link #start(ClusterSettings, String, Path, MetadataApplier, LocalShardLookup,
     * LocalShardLookup, PeerCredential)}, with the internal shard service admitting forwarded writes
     * through {@code fence} ({@link PrimaryFenceCheck}).
     */
    public static ClusterNode start(
            ClusterSettings settings,
            String bindHost,
            Path storage,
            MetadataApplier applier,
            LocalShardLookup localShards,
            LocalShardLookup primaries,
            PeerCredential credential,
            FenceCheck fence) {
        return start(
                settings,
                bindHost,
                storage,
                applier,
                localShards,
                primaries,
                credential,
                fence,
                io.sextant.cluster.shard.ReplicaClocks.open(replicaClocksDir(storage)));
    }

    /** Where the replica clocks of the node stored in {@code storage} live. */
    public static Path replicaClocksDir(Path storage) {
        return storage.resolve("cluster").resolve("replica_clocks");
    }

    /**
     * As {@link #start(ClusterSettings, String, Path, MetadataApplier, LocalShardLookup,
     * LocalShardLookup, PeerCredential, FenceCheck)}, with the shard service keeping the replica
     * clocks in {@code clocks} (the instance the replica sets read, opened on {@link
     * #replicaClocksDir}: one instance per directory, so one writer per clock file).
     */
    public static ClusterNode start(
            ClusterSettings settings,
            String bindHost,
            Path storage,
            MetadataApplier applier,
            LocalShardLookup localShards,
            LocalShardLookup primaries,
            PeerCredential credential,
            FenceCheck fence,
            io.sextant.cluster.shard.ReplicaClocks clocks) {
        Path dir = storage.resolve("cluster");
        long id = PeerIdentity.loadOrCreate(dir);
        Path raftDir = dir.resolve("raft");
        boolean fresh = !Files.isDirectory(raftDir.resolve(GROUP_ID.getUuid().toString()));
        RaftProperties props = properties(settings, bindHost, raftDir);
        MetadataStateMachine sm = new MetadataStateMachine(new MetadataStore(dir, applier));
        RaftPeer self = RaftPeer.newBuilder()
                .setId(raftId(id))
                .setAddress(settings.advertisedAddress())
                .build();
        RaftGroup group =
                fresh && settings.bootstrap() == null ? RaftGroup.valueOf(GROUP_ID, self) : RaftGroup.valueOf(GROUP_ID);
        RaftServer server;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(self.getId())
                    .setStateMachine(sm)
                    .setProperties(props)
                    .setParameters(parameters(settings.tls(), localShards, primaries, credential, clocks, fence))
                    .setGroup(group)
                    .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new ServiceException(
                    "Cannot start the cluster p2p service on port " + settings.p2pPort() + ": " + e.getMessage(), e);
        }
        ClusterNode node = new ClusterNode(id, props, PeerTlsContexts.ratisClient(settings.tls()), server, sm);
        LOG.info(
                "Cluster peer {} started ({} storage), p2p address {}",
                Long.toUnsignedString(id),
                fresh ? "new" : "recovered",
                self.getAddress());
        if (fresh && settings.bootstrap() != null) {
            try {
                node.join(
                        self,
                        settings.bootstrap().getHost() + ":"
                                + settings.bootstrap().getPort());
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        return node;
    }

    private static RaftProperties properties(ClusterSettings s, String bindHost, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setPort(p, s.p2pPort());
        GrpcConfigKeys.Server.setHost(p, bindHost);
        RaftServerConfigKeys.Rpc.setTimeoutMin(
                p, TimeDuration.valueOf(s.tickPeriodMs() * 10, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                p, TimeDuration.valueOf(s.tickPeriodMs() * 20, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, 1000);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, java.util.concurrent.TimeUnit.SECONDS));
        return p;
    }

    /**
     * Ratis parameters that add the internal shard service to the p2p port's gRPC server, with TLS
     * on that port (for Raft and the shard service alike) when {@code tls} is set.
     */
    private static Parameters parameters(
            PeerTls tls,
            LocalShardLookup localShards,
            LocalShardLookup primaries,
            PeerCredential credential,
            io.sextant.cluster.shard.ReplicaClocks clocks,
            FenceCheck fence) {
        Parameters p = PeerTlsContexts.ratisServer(tls);
        GrpcConfigKeys.Server.setServicesCustomizer(
                p, new ShardServiceCustomizer(new ShardService(localShards, primaries, clocks, fence), credential));
        return p;
    }

    static RaftPeerId raftId(long id) {
        return RaftPeerId.valueOf(Long.toUnsignedString(id));
    }

    /**
     * Adds {@code self} to the group's configuration through the member at {@code bootstrapAddress}.
     * The change is Ratis's {@code ADD} mode (the leader adds {@code self} to whatever the current
     * configuration is when it applies the request), not a whole new member list read beforehand:
     * two peers joining at once would otherwise each set "the members I read plus me", and the later
     * write could drop the earlier joiner or be refused while the first change is in progress. The
     * request goes to the current members only: this peer is not one yet and would answer "not
     * ready". Each failure is logged with its root cause.
     */
    private void join(RaftPeer self, String bootstrapAddress) {
        retryUntil(JOIN_TIMEOUT, 500, "join the cluster through " + bootstrapAddress, () -> {
            RaftPeer contact = RaftPeer.newBuilder()
                    .setId("bootstrap")
                    .setAddress(bootstrapAddress)
                    .build();
            try (RaftClient c = newClient(List.of(contact))) {
                GroupInfoReply info = c.getGroupManagementApi(contact.getId()).info(GROUP_ID);
                List<RaftPeer> members = new ArrayList<>(info.getGroup().getPeers());
                if (members.stream().anyMatch(p -> p.getId().equals(self.getId()))) {
                    LOG.info("Already a member of the cluster through {}: {} peers", bootstrapAddress, members.size());
                    return null;
                }
                try (RaftClient current = newClient(members)) {
                    RaftClientReply reply = current.admin()
                            .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                                    .setServersInNewConf(List.of(self))
                                    .setMode(SetConfigurationRequest.Mode.ADD)
                                    .build());
                    if (reply.isSuccess()) {
                        LOG.info("Joined the cluster through {}: {} peers", bootstrapAddress, members.size() + 1);
                        return null;
                    }
                    return reply.getException();
                }
            }
        });
    }

    /** One try of a retried call: null when it succeeded, else why it did not. */
    @FunctionalInterface
    interface Attempt {
        Exception run() throws IOException;
    }

    /**
     * Runs {@code attempt} until it succeeds or {@code timeout} passes, {@code sleepMs} apart.
     * Failures of any kind are retried: a call that timed out surfaces as gRPC's runtime exception
     * rather than an {@link IOException}, and a loaded peer must not end this process before the
     * deadline. Throws {@link ServiceException} with the last failure when time runs out.
     */
    static void retryUntil(Duration timeout, long sleepMs, String what, Attempt attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        do {
            try {
                last = attempt.run();
                if (last == null) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            LOG.info("Cannot {} yet ({}; root cause: {}); retrying", what, last.getMessage(), rootCause(last));
            sleep(sleepMs);
        } while (System.nanoTime() < deadline);
        throw new ServiceException("Cannot " + what + ": " + last.getMessage(), last);
    }

    /** The innermost cause of {@code e}, as "Class: message". */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private RaftClient newClient(Collection<RaftPeer> peers) {
        return RaftClient.newBuilder()
                .setProperties(properties)
                .setParameters(clientParameters)
                .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peers))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        40, TimeDuration.valueOf(250, java.util.concurrent.TimeUnit.MILLISECONDS)))
                .build();
    }

    /** A client over the current configuration, rebuilt when the membership changed. */
    private synchronized RaftClient client() {
        Set<RaftPeer> peers = Set.copyOf(division().getRaftConf().getCurrentPeers());
        if (client == null || !peers.equals(clientPeers)) {
            closeClient();
            client = newClient(peers);
            clientPeers = peers;
        }
        return client;
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(GROUP_ID);
        } catch (IOException e) {
            throw new ServiceException("Cluster metadata group is not available: " + e.getMessage(), e);
        }
    }

    /** This peer's id. */
    public long peerId() {
        return peerId;
    }

    /** The id of the peer whose storage directory is {@code storage} (created when new). */
    public static long peerId(Path storage) {
        return PeerIdentity.loadOrCreate(storage.resolve("cluster"));
    }

    /** The p2p address ({@code host:port}) of member {@code id}, or null when it is not a member. */
    public String addressOf(long id) {
        RaftPeerId target = raftId(id);
        for (RaftPeer p : division().getRaftConf().getCurrentPeers()) {
            if (p.getId().equals(target)) {
                return p.getAddress();
            }
        }
        return null;
    }

    /**
     * Replicates {@code command} through consensus and returns the leader's result once this peer
     * has applied it.
     *
     * @throws ServiceException when no majority commits it in time
     */
    public MetadataResult propose(MetadataCommand command) {
        return commit(command).result();
    }

    /**
     * As {@link #propose}, then waits (best effort, at most 10 s) until every other reachable peer
     * has applied the entry too ({@link PeerApplyWait}), so the change is in force on every peer
     * when the call returns. For changes a client makes (collections, aliases, payload indexes), not
     * for entries proposed while a peer may be unreachable on purpose.
     */
    public MetadataResult proposeEverywhere(MetadataCommand command) {
        Committed c = commit(command);
        List<Long> others = members().stream().filter(id -> id != peerId).toList();
        if (!others.isEmpty()) {
            applyWait.await(others, c.index());
        }
        return c.result();
    }

    private record Committed(MetadataResult result, long index) {}

    private Committed commit(MetadataCommand command) {
        RaftClientReply reply;
        try {
            reply = client().io().send(Message.valueOf(ByteString.copyFrom(command.toBytes())));
        } catch (IOException e) {
            throw new ServiceException("Consensus did not commit the operation: " + e.getMessage(), e);
        }
        if (!reply.isSuccess()) {
            throw new ServiceException(
                    "Consensus did not commit the operation: " + reply.getException(), reply.getException());
        }
        MetadataResult result =
                MetadataResult.fromBytes(reply.getMessage().getContent().toByteArray());
        awaitApplied(reply.getLogIndex());
        return new Committed(result, reply.getLogIndex());
    }

    /**
     * Peer {@code id}'s applied index, asked with one group-info call (no retries), within the
     * client's request timeout, or {@link #QUICK_PROBE} when {@code quick}.
     */
    private long appliedIndexOf(long id, boolean quick) throws IOException {
        GroupInfoReply info =
                probeClient(quick).getGroupManagementApi(raftId(id)).info(GROUP_ID);
        if (!info.isSuccess()) {
            throw info.getException() != null ? info.getException() : new IOException("group info refused");
        }
        return info.getLogInfoProto().getApplied().getIndex();
    }

    /**
     * A client for probing peers: no retries, so an unreachable peer costs one failed call; the
     * quick one gives up after {@link #QUICK_PROBE} (for peers that recently did not answer).
     */
    private synchronized RaftClient probeClient(boolean quick) {
        Set<RaftPeer> peers = Set.copyOf(division().getRaftConf().getCurrentPeers());
        if (probeClient == null || !peers.equals(probePeers)) {
            closeQuietly(probeClient);
            closeQuietly(quickProbeClient);
            RaftProperties quickProperties = new RaftProperties(properties);
            RaftClientConfigKeys.Rpc.setRequestTimeout(
                    quickProperties,
                    TimeDuration.valueOf(QUICK_PROBE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            probeClient = probeClientWith(properties, peers);
            quickProbeClient = probeClientWith(quickProperties, peers);
            probePeers = peers;
        }
        return quick ? quickProbeClient : probeClient;
    }

    private RaftClient probeClientWith(RaftProperties props, Set<RaftPeer> peers) {
        return RaftClient.newBuilder()
                .setProperties(props)
                .setParameters(clientParameters)
                .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peers))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build();
    }

    private void awaitApplied(long index) {
        long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
        while (stateMachine.appliedIndex() < index) {
            if (System.nanoTime() > deadline) {
                throw new ServiceException(
                        "Operation committed at index " + index + " but not applied on this peer within " + APPLY_WAIT);
            }
            sleep(5);
        }
    }

    /** Index of the last metadata log entry this peer applied. */
    public long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** This peer's view of the cluster. */
    public ClusterStatus status() {
        RaftServer.Division d = division();
        Map<Long, String> peers = new TreeMap<>(Long::compareUnsigned);
        for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
            peers.put(Long.parseUnsignedLong(p.getId().toString()), "http://" + p.getAddress() + "/");
        }
        long commit = d.getRaftLog().getLastCommittedIndex();
        RaftPeerRole role = d.getInfo().getCurrentRole();
        RaftPeerId leader =
                role == RaftPeerRole.LEADER ? raftId(peerId) : d.getInfo().getLeaderId();
        return new ClusterStatus(
                peerId,
                peers,
                d.getInfo().getCurrentTerm(),
                commit,
                Math.max(0, commit - d.getInfo().getLastAppliedIndex()),
                leader == null ? null : Long.parseUnsignedLong(leader.toString()),
                roleName(role),
                peers.containsKey(peerId));
    }

    private static String roleName(RaftPeerRole role) {
        return switch (role) {
            case LEADER -> "Leader";
            case FOLLOWER -> "Follower";
            case CANDIDATE -> "Candidate";
            case LISTENER -> "Listener";
            default -> role.name();
        };
    }

    /**
     * Removes a peer from the Raft configuration.
     *
     * @throws UserException (not found) when no such peer is a member
     */
    public void removePeer(long id) {
        RaftPeerId target = raftId(id);
        List<RaftPeer> current = List.copyOf(division().getRaftConf().getCurrentPeers());
        List<RaftPeer> peers = new ArrayList<>(current);
        if (!peers.removeIf(p -> p.getId().equals(target))) {
            throw UserException.notFound("Peer " + Long.toUnsignedString(id) + " does not exist");
        }
        if (peers.isEmpty()) {
            throw UserException.badRequest("Cannot remove the last peer of the cluster");
        }
        try {
            // Compare-and-set against the members read above: a peer that joined meanwhile is not
            // dropped by this removal; the call fails instead and can be retried.
            RaftClientReply reply = client().admin()
                    .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInNewConf(peers)
                            .setServersInCurrentConf(current)
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                            .build());
            if (!reply.isSuccess()) {
                throw new ServiceException(
                        "Cannot remove peer " + Long.toUnsignedString(id) + ": " + reply.getException());
            }
        } catch (IOException e) {
            throw new ServiceException("Cannot remove peer " + Long.toUnsignedString(id) + ": " + e.getMessage(), e);
        }
    }

    /** Whether this peer currently leads the metadata group (false while it cannot tell). */
    public boolean isLeader() {
        try {
            return division().getInfo().isLeader();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Asks Ratis to snapshot the metadata state on this peer ({@code POST /cluster/recover}). */
    public void requestSnapshot() {
        try {
            RaftClientReply reply =
                    client().getSnapshotManagementApi(raftId(peerId)).create(10_000);
            if (!reply.isSuccess()) {
                throw new ServiceException("Snapshot of the metadata state failed: " + reply.getException());
            }
        } catch (IOException e) {
            throw new ServiceException("Snapshot of the metadata state failed: " + e.getMessage(), e);
        }
    }

    /**
     * What this peer knows of its followers as the metadata group's leader (from Ratis's role
     * info: time in the leader role, each follower's last RPC answer), or null when it is not the
     * leader; for {@link PeerLiveness}.
     */
    public PeerLiveness.LeaderView leaderView() {
        RoleInfoProto role = division().getInfo().getRoleInfoProto();
        if (role.getRole() != RaftPeerRole.LEADER || !role.hasLeaderInfo()) {
            return null;
        }
        Map<Long, Long> silent = new java.util.HashMap<>();
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            try {
                silent.put(Long.parseUnsignedLong(f.getId().getId().toStringUtf8()), f.getLastRpcElapsedTimeMs());
            } catch (NumberFormatException e) {
                LOG.debug("Follower with a foreign id {}", f.getId().getId().toStringUtf8());
            }
        }
        return new PeerLiveness.LeaderView(role.getRoleElapsedTimeMs(), silent);
    }

    /**
     * Drops this peer's Raft connection to {@code peer} through Ratis's error path: its proxy is
     * closed and made again, on a new connection, at its next use ({@link SilentFollowerReconnect}).
     * Runs on a virtual thread of its own (closing the old channel waits for it up to seconds);
     * returns at once.
     */
    public void reconnectRaft(long peer) {
        Thread.ofVirtual().name("raft-reconnect-" + Long.toUnsignedString(peer)).start(() -> {
            try {
                server.getServerRpc()
                        .handleException(raftId(peer), new IOException("silent for too long: reconnecting"), true);
            } catch (RuntimeException e) {
                LOG.info("Reconnecting to peer {} failed: {}", Long.toUnsignedString(peer), e.toString());
            }
        });
    }

    /** Ids of the current members. */
    public Set<Long> members() {
        return division().getRaftConf().getCurrentPeers().stream()
                .map(p -> Long.parseUnsignedLong(p.getId().toString()))
                .collect(Collectors.toSet());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted", e);
        }
    }

    private void closeClient() {
        closeQuietly(client);
        client = null;
    }

    private static void closeQuietly(RaftClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("Closing Raft client: {}", e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        closeClient();
        closeQuietly(probeClient);
        closeQuietly(quickProbeClient);
        probeClient = null;
        quickProbeClient = null;
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Closing the Raft server: {}", e.getMessage());
        }
    }
}
