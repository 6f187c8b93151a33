package io.sextant.cluster;

import io.sextant.segment.error.ServiceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure detection from Ratis's follower liveness: on the metadata group's leader, every {@link
 * #POLL_MILLIS} ms, reads how long ago each follower last answered the leader's RPCs (Ratis's
 * {@code RoleInfoProto}: leader info, follower info, {@code lastRpcElapsedTimeMs}; heartbeats go out
 * every few ticks, so a live follower answers within a fraction of a second) and, for a peer silent
 * for longer than {@code cluster.peer_unresponsive_ms}, proposes {@code set_replica_state Dead}
 * (with its current state as {@code from_state}) for each of its replicas that receives writes, the
 * shards' primaries first. So a frozen (SIGSTOP) or cut-off peer stops being a primary, and stops
 * receiving forwards, within that timeout, instead of when a write sent to it misses a deadline.
 *
 * <p>Rules: nothing is decided while this peer is not the leader, nor while it has not heard from a
 * majority of the group within the timeout (a leader that was itself frozen or cut off still
 * believes it leads when it wakes, with every follower silent, until a reply with a newer term
 * deposes it: judging then would mark the live peers' replicas Dead, and its proposal would be
 * committed by the new leader), nor during the first {@code timeout} ms of its leadership (a new leader's follower records start at its election, so a grace
 * of one timeout keeps it from judging peers before they could answer; Ratis starts those records
 * "now", so the grace is also what a silent peer needs to be judged at all). A replica is not
 * marked Dead when no other replica of its shard is Active on a peer that answers (the leader
 * itself or a follower within the timeout): that would leave the shard without a primary and
 * nobody to repair it. A peer that is back is repaired by the primaries' {@code ReplicaRecovery}
 * (wal_delta or stream_records), as after any Dead marking. A proposal that loses its {@code
 * from_state} precondition (another primary marked the replica first) changes nothing; one that
 * cannot be committed is tried again at the next poll.
 *
 * <p><b>Shard-service liveness.</b> Raft's heartbeats run on Ratis's own threads, so a peer whose
 * internal shard service hangs (its executor stuck, its shards blocked) still answers them. With a
 * {@link ShardProbe} the leader also probes every follower's shard service at each poll (the {@code
 * Ping} call, 1 s deadline, all followers in parallel) and a follower whose shard service has not
 * answered for longer than the timeout is judged as one silent on Raft, through the same rules: the
 * probe records start with each leadership (a grace of one timeout); nothing is decided while the
 * leader has not had answers from a majority of shard services (its own channels may be what is
 * broken: it must not depose the healthy peers); a replica is never marked when no other Active
 * replica of its shard is on a peer that answers both Raft and the probe.
 *
 * <p>Why on the leader: only the leader has follower liveness in Ratis, and one proposer keeps the
 * log free of duplicate entries. The frozen peer can be the leader itself: the others elect a new
 * one after Ratis's election timeout (10 to 20 ticks, 1-2 s by default), which then detects the old
 * one after its grace.
 *
 * <p>Thread-safe: one scheduler thread runs the polls; {@link #poll} may also be called directly
 * (tests).
 */
public final class PeerLiveness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLiveness.class);

    /** How often the leader looks at its followers. */
    public static final long POLL_MILLIS = 500;

    /** Default of {@code cluster.peer_unresponsive_ms}. */
    public static final long DEFAULT_UNRESPONSIVE_MILLIS = 3_000;

    /**
     * What the Raft leader knows of its followers.
     *
     * @param leaderForMillis how long this peer has been the leader
     * @param silentMillis per follower peer id, how long ago it last answered an RPC of the leader
     */
    public record LeaderView(long leaderForMillis, Map<Long, Long> silentMillis, Map<Long, Long> shardSilentMillis) {
        public LeaderView {
            silentMillis = Map.copyOf(silentMillis);
            shardSilentMillis = Map.copyOf(shardSilentMillis);
        }

        /** A view without shard-service probes (Raft liveness only). */
        public LeaderView(long leaderForMillis, Map<Long, Long> silentMillis) {
            this(leaderForMillis, silentMillis, Map.of());
        }

        /** The view with {@code shard}: per follower, how long ago its shard service last answered a probe. */
        LeaderView withShardSilence(Map<Long, Long> shard) {
            return new LeaderView(leaderForMillis, silentMillis, shard);
        }
    }

    /** Probes a follower's internal shard service ({@code Ping}); true when it answered in time. */
    @FunctionalInterface
    public interface ShardProbe {
        boolean answers(long peer);

        /** No probing: only Raft liveness counts. */
        ShardProbe NONE = peer -> true;
    }

    /**
     * A replica to mark Dead.
     *
     * @param collection its collection
     * @param shardId its shard
     * @param peer the peer holding it
     * @param from its state now (the proposal's precondition)
     * @param primary whether it is the shard's primary (the first Active replica in placement order)
     */
    public record Verdict(String collection, int shardId, long peer, ReplicaState from, boolean primary) {
        MetadataCommand command() {
            return new ReplicaStateChange(shardId, peer, ReplicaState.DEAD, from).command(collection);
        }
    }

    private final long self;
    private final long timeoutMillis;
    private final Supplier<LeaderView> leader;
    private final PlacementBook placements;
    private final ReplicaStateBook states;
    private final Function<MetadataCommand, MetadataResult> proposer;
    private final ShardProbe probe;
    private volatile SilentFollowerReconnect reconnect;
    /**
     * How long a follower silent on Raft whose shard service answers again is not judged for the
     * Raft silence: the time {@link SilentFollowerReconnect} needs to give it a new Raft connection
     * after a network partition healed (before, its replica was repaired over the shard service
     * and then marked Dead again because Raft still lagged).
     */
    static final long RAFT_RECONNECT_GRACE_MILLIS = 4_000;

    /** Per follower, nanoTime since which its shard service has answered every probe. */
    private final Map<Long, Long> shardAnsweringSince = new java.util.HashMap<>();
    /** Per follower, nanoTime of its shard service's last answer to a probe in this leadership. */
    private final Map<Long, Long> probeAnswered = new java.util.HashMap<>();
    /** The leadership the probe records belong to (its leaderForMillis at the last poll). */
    private long probedLeaderFor = -1;

    private ScheduledExecutorService scheduler;

    /**
     * @param self this peer's id
     * @param timeoutMillis how long a follower may stay silent ({@code cluster.peer_unresponsive_ms})
     * @param leader this peer's view as the leader, null when it is not the leader
     * @param placements the placement book (which replicas a peer holds)
     * @param states the replica state book
     * @param proposer replicates a command through the metadata group (throws when it cannot)
     */
    public PeerLiveness(
            long self,
            long timeoutMillis,
            Supplier<LeaderView> leader,
            PlacementBook placements,
            ReplicaStateBook states,
            Function<MetadataCommand, MetadataResult> proposer) {
        this(self, timeoutMillis, leader, placements, states, proposer, ShardProbe.NONE);
    }

    /**
     * @param probe probes a follower's internal shard service; a follower whose shard service has not
     *     answered for longer than the timeout is judged like one silent on Raft
     */
    public PeerLiveness(
            long self,
            long timeoutMillis,
            Supplier<LeaderView> leader,
            PlacementBook placements,
            ReplicaStateBook states,
            Function<MetadataCommand, MetadataResult> proposer,
            ShardProbe probe) {
        this.probe = probe;
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("cluster.peer_unresponsive_ms must be >= 1, got " + timeoutMillis);
        }
        this.self = self;
        this.timeoutMillis = timeoutMillis;
        this.leader = leader;
        this.placements = placements;
        this.states = states;
        this.proposer = proposer;
    }

    /**
     * At every poll as the leader, also drops the Raft connection to a follower silent on Raft for a
     * while although its shard service answers ({@link SilentFollowerReconnect}) through {@code
     * dropConnection}, which must not block.
     */
    public PeerLiveness reconnectingWith(java.util.function.LongConsumer dropConnection) {
        this.reconnect = new SilentFollowerReconnect(dropConnection);
        return this;
    }

    /** Starts polling every {@link #POLL_MILLIS} ms on a daemon thread. */
    public synchronized PeerLiveness start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("peer-liveness").daemon().factory());
            scheduler.scheduleWithFixedDelay(this::pollQuietly, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Peer liveness check failed: {}", e.getMessage());
        }
    }

    /**
     * One round: decides which replicas to mark Dead and proposes each.
     *
     * @return the verdicts proposed (whether or not they committed)
     */
    public synchronized List<Verdict> poll() {
        LeaderView view = probed(leader.get());
        SilentFollowerReconnect dropper = reconnect;
        if (view != null && dropper != null) {
            dropper.check(view.silentMillis(), view.shardSilentMillis(), System.nanoTime());
        }
        List<Verdict> verdicts = decide(view);
        for (Verdict v : verdicts) {
            LOG.warn(
                    "Peer {} has not answered the Raft leader for {} ms, its shard service for {} ms"
                            + " (cluster.peer_unresponsive_ms {}): marking its replica of shard {} of collection {}"
                            + " Dead (was {}{})",
                    Long.toUnsignedString(v.peer()),
                    view.silentMillis().get(v.peer()),
                    view.shardSilentMillis().get(v.peer()),
                    timeoutMillis,
                    v.shardId(),
                    v.collection(),
                    v.from().wireName(),
                    v.primary() ? ", the shard's primary" : "");
            try {
                MetadataResult r = proposer.apply(v.command());
                if (!r.succeeded()) {
                    LOG.info("Replica state change refused: {}", r.error());
                }
            } catch (ServiceException e) {
                LOG.warn("Cannot mark the replica Dead yet: {}", e.getMessage());
                break; // no majority now: the next poll tries again
            }
        }
        return verdicts;
    }

    /**
     * {@code view} with the shard-service silence of every follower: probes them all in parallel
     * (each bounded by the probe's deadline) and records the answers; the records start afresh with
     * each leadership, at the first poll (so a follower gets one timeout before it can be judged).
     */
    private LeaderView probed(LeaderView view) {
        if (view == null || probe == ShardProbe.NONE) {
            probeAnswered.clear();
            shardAnsweringSince.clear();
            return view;
        }
        if (view.leaderForMillis() < probedLeaderFor) {
            probeAnswered.clear(); // a new leadership
            shardAnsweringSince.clear();
        }
        probedLeaderFor = view.leaderForMillis();
        long now = System.nanoTime();
        Map<Long, java.util.concurrent.Future<Boolean>> answers = new java.util.HashMap<>();
        try (var probes = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long peer : view.silentMillis().keySet()) {
                probeAnswered.putIfAbsent(peer, now);
                answers.put(peer, probes.submit(() -> probe.answers(peer)));
            }
        }
        Map<Long, Long> shardSilent = new java.util.HashMap<>();
        long after = System.nanoTime();
        answers.forEach((peer, answer) -> {
            if (answer.resultNow()) {
                probeAnswered.put(peer, after);
                shardAnsweringSince.putIfAbsent(peer, after);
            } else {
                shardAnsweringSince.remove(peer);
            }
            shardSilent.put(peer, TimeUnit.NANOSECONDS.toMillis(after - probeAnswered.get(peer)));
        });
        probeAnswered.keySet().retainAll(view.silentMillis().keySet());
        shardAnsweringSince.keySet().retainAll(view.silentMillis().keySet());
        return view.withShardSilence(shardSilent);
    }

    /** The replicas to mark Dead for {@code view} (empty when not the leader or within the grace). */
    public List<Verdict> decide(LeaderView view) {
        if (view == null || view.leaderForMillis() < timeoutMillis) {
            return List.of();
        }
        if (!majority(view.silentMillis())) {
            return List.of(); // no majority heard from: this leader may be the one frozen or cut off
        }
        if (!view.shardSilentMillis().isEmpty() && !majority(view.shardSilentMillis())) {
            return List.of(); // this leader reaches no majority of shard services: its own side may be broken
        }
        List<Verdict> out = new ArrayList<>();
        for (String collection : placements.collections()) {
            ShardPlacement placement = placements.get(collection);
            if (placement == null) {
                continue;
            }
            for (int shard = 0; shard < placement.shardCount(); shard++) {
                addVerdicts(view, collection, shard, placement.replicas(shard), out);
            }
        }
        out.sort(Comparator.comparing((Verdict v) -> !v.primary()));
        return out;
    }

    private void addVerdicts(LeaderView view, String collection, int shard, List<Long> replicas, List<Verdict> out) {
        long primary = -1;
        boolean primaryFound = false;
        boolean answeringActive = false;
        for (long peer : replicas) {
            ReplicaState s = states.state(collection, shard, peer);
            if (s.canBePrimary() && !primaryFound) {
                primary = peer;
                primaryFound = true;
            }
            if (s == ReplicaState.ACTIVE && answers(view, peer)) {
                answeringActive = true;
            }
        }
        if (!answeringActive) {
            return; // marking would leave the shard without a primary that can repair the others
        }
        for (long peer : replicas) {
            ReplicaState s = states.state(collection, shard, peer);
            if (!answers(view, peer) && s.receivesWrites()) {
                out.add(new Verdict(collection, shard, peer, s, primaryFound && peer == primary));
            }
        }
    }

    /** Whether this peer and the followers silent for at most the timeout in {@code silence} are a majority. */
    private boolean majority(Map<Long, Long> silence) {
        int answering = 1; // this peer
        for (long silent : silence.values()) {
            if (silent <= timeoutMillis) {
                answering++;
            }
        }
        return answering > (silence.size() + 1) / 2;
    }

    /**
     * Whether {@code peer} answers: this peer, or a follower heard from within the timeout on Raft
     * (or whose shard service has answered again for less than {@link #RAFT_RECONNECT_GRACE_MILLIS}:
     * its Raft connection is being made again) and, when probed, whose shard service answered
     * within the timeout.
     */
    private boolean answers(LeaderView view, long peer) {
        if (peer == self) {
            return true;
        }
        Long silent = view.silentMillis().get(peer);
        if (silent == null) {
            return true; // not a follower (left the group): not judged
        }
        Long shardSilent = view.shardSilentMillis().get(peer);
        boolean shardAnswers = shardSilent == null || shardSilent <= timeoutMillis;
        boolean raftAnswers = silent <= timeoutMillis;
        if (!raftAnswers && shardSilent != null && shardAnswers) {
            Long since = shardAnsweringSince.get(peer);
            raftAnswers = since != null && System.nanoTime() - since < RAFT_RECONNECT_GRACE_MILLIS * 1_000_000;
        }
        return raftAnswers && shardAnswers;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
