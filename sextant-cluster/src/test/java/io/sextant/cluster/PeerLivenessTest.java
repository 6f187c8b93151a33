package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.error.ServiceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's decision to mark an unresponsive peer's replicas Dead ({@link PeerLiveness}). */
class PeerLivenessTest {
    private static final long A = 1, B = 2, C = 3; // A is the leader
    private static final long TIMEOUT = 3_000;

    @TempDir
    Path storage;

    private PlacementBook placements;
    private ReplicaStateBook states;
    private ReplicaStateApplier applier;
    private final List<MetadataCommand> proposed = new ArrayList<>();
    private final AtomicReference<PeerLiveness.LeaderView> view = new AtomicReference<>();
    private PeerLiveness liveness;

    @BeforeEach
    void setUp() {
        placements = PlacementBook.open(storage);
        states = ReplicaStateBook.open(storage);
        FakeApplier peer = new FakeApplier();
        peer.collections.add("c");
        applier = new ReplicaStateApplier(peer, placements, states);
        // shard 0: C primary, A; shard 1: A primary, C; shard 2: B, C; shard 3: A, B (C holds none)
        placements.put("c", new ShardPlacement(List.of(List.of(C, A), List.of(A, C), List.of(B, C), List.of(A, B))));
        liveness = new PeerLiveness(A, TIMEOUT, view::get, placements, states, command -> {
            proposed.add(command);
            return applier.apply(command);
        });
    }

    /** A liveness on this test's books that probes shard services with {@code probe}. */
    private PeerLiveness probing(long timeout, PeerLiveness.ShardProbe probe) {
        return new PeerLiveness(
                A,
                timeout,
                view::get,
                placements,
                states,
                command -> {
                    proposed.add(command);
                    return applier.apply(command);
                },
                probe);
    }

    private static PeerLiveness.LeaderView leader(long forMillis, long silentB, long silentC) {
        return new PeerLiveness.LeaderView(forMillis, Map.of(B, silentB, C, silentC));
    }

    @Test
    void aPeerSilentPastTheTimeoutLosesEveryReplicaThatReceivesWritesPrimariesFirst() {
        states.set("c", 2, C, ReplicaState.PARTIAL); // being repaired: receives writes, so it goes too
        view.set(leader(60_000, 100, TIMEOUT + 1));

        List<PeerLiveness.Verdict> verdicts = liveness.poll();

        assertThat(verdicts)
                .containsExactly(
                        new PeerLiveness.Verdict("c", 0, C, ReplicaState.ACTIVE, true),
                        new PeerLiveness.Verdict("c", 1, C, ReplicaState.ACTIVE, false),
                        new PeerLiveness.Verdict("c", 2, C, ReplicaState.PARTIAL, false));
        assertThat(proposed).hasSize(3);
        assertThat(ReplicaStateChange.of(proposed.get(2)).fromState())
                .as("from_state precondition")
                .isEqualTo(ReplicaState.PARTIAL);
        for (int shard = 0; shard < 3; shard++) {
            assertThat(states.state("c", shard, C)).isEqualTo(ReplicaState.DEAD);
        }
        assertThat(states.state("c", 0, A)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(states.state("c", 3, B)).isEqualTo(ReplicaState.ACTIVE);

        assertThat(liveness.poll()).as("nothing left to mark").isEmpty();
    }

    @Test
    void silenceUpToTheTimeoutIsNotAFailure() {
        view.set(leader(60_000, TIMEOUT, TIMEOUT));
        assertThat(liveness.poll()).isEmpty();
        assertThat(proposed).isEmpty();
    }

    @Test
    void onlyTheLeaderDecidesAndNotDuringItsGraceAfterAnElection() {
        view.set(null); // a follower
        assertThat(liveness.poll()).isEmpty();
        view.set(leader(TIMEOUT - 1, 10 * TIMEOUT, 10 * TIMEOUT)); // just elected: follower records are new
        assertThat(liveness.poll()).isEmpty();
        assertThat(proposed).isEmpty();
        view.set(leader(TIMEOUT, 100, TIMEOUT + 1));
        assertThat(liveness.poll()).hasSize(3);
    }

    @Test
    void theLastActiveReplicaOnAnAnsweringPeerIsNeverTakenAway() {
        states.set("c", 1, A, ReplicaState.DEAD); // shard 1: only C is Active
        states.set("c", 2, B, ReplicaState.PARTIAL); // shard 2: B is not Active either
        view.set(leader(60_000, 100, TIMEOUT + 1));

        assertThat(liveness.poll()).containsExactly(new PeerLiveness.Verdict("c", 0, C, ReplicaState.ACTIVE, true));
        assertThat(states.state("c", 1, C)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(states.state("c", 2, C)).isEqualTo(ReplicaState.ACTIVE);
    }

    @Test
    void aProposalThatLostItsPreconditionChangesNothing() {
        view.set(leader(60_000, 100, TIMEOUT + 1));
        PeerLiveness racing = new PeerLiveness(A, TIMEOUT, view::get, placements, states, command -> {
            proposed.add(command);
            // another primary moved the replica first: the entry's from_state no longer matches
            ReplicaStateChange change = ReplicaStateChange.of(command);
            states.set("c", change.shardId(), change.peerId(), ReplicaState.PARTIAL);
            return applier.apply(command);
        });

        assertThat(racing.poll()).hasSize(3);
        for (int shard = 0; shard < 3; shard++) {
            assertThat(states.state("c", shard, C)).isEqualTo(ReplicaState.PARTIAL);
        }
    }

    @Test
    void withoutAMajorityTheRoundStopsAndTheNextPollTriesAgain() {
        view.set(leader(60_000, 100, TIMEOUT + 1));
        PeerLiveness noQuorum = new PeerLiveness(A, TIMEOUT, view::get, placements, states, command -> {
            proposed.add(command);
            throw new ServiceException("Consensus did not commit the operation");
        });
        assertThat(noQuorum.poll()).hasSize(3);
        assertThat(proposed).as("stops after the first failure").hasSize(1);
        assertThat(liveness.poll()).hasSize(3);
        assertThat(states.state("c", 0, C)).isEqualTo(ReplicaState.DEAD);
    }

    @Test
    void aLeaderThatHeardFromNoMajorityJudgesNobody() {
        // a leader that was itself frozen wakes up still leading, with every follower silent
        view.set(leader(60_000, 20_000, 20_000));
        assertThat(liveness.poll()).isEmpty();
        assertThat(proposed).isEmpty();
        view.set(leader(60_000, 100, 20_000)); // B answers: A and B are a majority of three
        assertThat(liveness.poll()).hasSize(3);
    }

    // ------------------------------------------------------------ shard-service liveness

    private static PeerLiveness.LeaderView probedLeader(long silentB, long silentC, long shardB, long shardC) {
        return new PeerLiveness.LeaderView(60_000, Map.of(B, silentB, C, silentC), Map.of(B, shardB, C, shardC));
    }

    @Test
    void aPeerThatAnswersRaftButWhoseShardServiceHangsIsJudgedLikeASilentOne() {
        assertThat(liveness.decide(probedLeader(100, 100, 100, TIMEOUT + 1)))
                .containsExactly(
                        new PeerLiveness.Verdict("c", 0, C, ReplicaState.ACTIVE, true),
                        new PeerLiveness.Verdict("c", 1, C, ReplicaState.ACTIVE, false),
                        new PeerLiveness.Verdict("c", 2, C, ReplicaState.ACTIVE, false));
        assertThat(liveness.decide(probedLeader(100, 100, 100, TIMEOUT)))
                .as("up to the timeout")
                .isEmpty();
    }

    @Test
    void aLeaderWhoseProbesReachNoMajorityJudgesNobody() {
        // both followers answer Raft but no probe of this leader gets through: its own side is broken
        assertThat(liveness.decide(probedLeader(100, 100, TIMEOUT + 1, TIMEOUT + 1)))
                .isEmpty();
    }

    @Test
    void theLastActiveReplicaIsKeptWhenTheOnlyOtherOneIsOnAPeerWhoseShardServiceHangs() {
        states.set("c", 1, A, ReplicaState.DEAD); // shard 1: only C is Active
        // B's shard service hangs (B answers Raft): its replicas go while another Active one of the
        // shard is on a peer answering both (C for shard 2, the leader A for shard 3)
        assertThat(liveness.decide(probedLeader(100, 100, TIMEOUT + 1, 100)))
                .containsExactly(
                        new PeerLiveness.Verdict("c", 2, B, ReplicaState.ACTIVE, true),
                        new PeerLiveness.Verdict("c", 3, B, ReplicaState.ACTIVE, false));
        states.set("c", 2, C, ReplicaState.DEAD); // now B holds shard 2's last Active replica
        assertThat(liveness.decide(probedLeader(100, 100, TIMEOUT + 1, 100)))
                .containsExactly(new PeerLiveness.Verdict("c", 3, B, ReplicaState.ACTIVE, false));
    }

    @Test
    void pollsProbeEveryFollowerAndCountSilenceFromTheLeadershipsFirstPoll() throws Exception {
        java.util.Set<Long> hung = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Long> probedPeers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        long timeout = 200;
        PeerLiveness probing = probing(timeout, peer -> {
            probedPeers.add(peer);
            return !hung.contains(peer);
        });
        view.set(new PeerLiveness.LeaderView(60_000, Map.of(B, 10L, C, 10L)));
        hung.add(C);
        assertThat(probing.poll())
                .as("C's silence starts at the first poll: within its grace")
                .isEmpty();
        assertThat(probedPeers).containsExactlyInAnyOrder(B, C);
        Thread.sleep(timeout + 50);
        assertThat(probing.poll()).hasSize(3);
        assertThat(states.state("c", 0, C)).isEqualTo(ReplicaState.DEAD);
        assertThat(ReplicaStateChange.of(proposed.getFirst()))
                .isEqualTo(new ReplicaStateChange(0, C, ReplicaState.DEAD, ReplicaState.ACTIVE));

        hung.clear(); // answers again: no more verdicts (the primaries repair it)
        assertThat(probing.poll()).isEmpty();
    }

    /**
     * After a partition heals, C's shard service answers again while its Raft connection is being
     * made anew (silent on Raft for 20 s): C is not judged for the Raft silence for {@link
     * PeerLiveness#RAFT_RECONNECT_GRACE_MILLIS} (before, its replicas, just repaired, were marked Dead
     * again); a Raft that stays silent past the grace is judged; a shard service that goes silent
     * again ends the grace.
     */
    @Test
    void aFollowerWhoseShardServiceAnswersAgainGetsAGraceForItsRaftConnection() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean shardAnswers = new java.util.concurrent.atomic.AtomicBoolean(true);
        PeerLiveness probing = probing(TIMEOUT, peer -> peer != C || shardAnswers.get());
        view.set(new PeerLiveness.LeaderView(60_000, Map.of(B, 10L, C, 20_000L)));
        assertThat(probing.poll())
                .as("C's shard service answers: its Raft gets a grace")
                .isEmpty();
        assertThat(states.state("c", 0, C)).isEqualTo(ReplicaState.ACTIVE);

        shardAnswers.set(false); // silent again: the grace ends, Raft silence alone judges it
        assertThat(probing.poll()).hasSize(3);
        assertThat(states.state("c", 0, C)).isEqualTo(ReplicaState.DEAD);
    }
}
