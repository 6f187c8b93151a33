package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.ReplicaState;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ScoredPoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read fan-out, read consistency, write ordering and the forward deadline of {@link ReplicaSet}: one
 * shard on peers 1, 2, 3 (placement order) and a router-only peer 4.
 */
class ReplicaSetGuaranteesTest extends ThreeReplicaPeers {
    @AfterEach
    void unbind() {
        RequestGuarantees.clear();
    }

    private static PointOperation delete(long id) {
        return new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id))));
    }

    private static ScoredPoint hit(long id, float score) {
        return new ScoredPoint(PointId.of(id), 0, score, null, null, null);
    }

    private static CoreSearch anySearch() {
        return null; // the recording replicas ignore the request
    }

    @Test
    void aSlowFirstReplicaCostsItsDelayWithoutFanOutAndTheFanOutDelayWithIt() {
        peers.replicas.get(A).readDelayMillis = 1_500; // the first replica the router asks
        long without = millis(
                () -> assertThat(peers.sets.get(ROUTER).count(null, true)).isZero());
        assertThat(without).isGreaterThanOrEqualTo(1_500);

        peers.fanOut = new ReadFanOut(0, 20L);
        long with = millis(
                () -> assertThat(peers.sets.get(ROUTER).count(null, true)).isZero());
        assertThat(with).isLessThan(1_000);
        assertThat(peers.replicas.get(B).reads.get())
                .as("asked after the delay")
                .isEqualTo(1);
    }

    @Test
    void unsetFanOutAsksOneExtraReplicaWithoutALocalOneAndNoneWithIt() {
        peers.fanOut = ReadFanOut.UNSET;
        peers.replicas.get(A).readDelayMillis = 2_000;
        long t = millis(() -> peers.sets.get(ROUTER).count(null, true));
        assertThat(t).as("B answered while A was still working").isLessThan(1_500);
        assertThat(peers.replicas.get(B).reads.get()).isEqualTo(1);

        peers.replicas.get(A).readDelayMillis = 0;
        peers.sets.get(A).count(null, true);
        assertThat(peers.replicas.get(B).reads.get())
                .as("a readable local replica is enough")
                .isEqualTo(1);
        assertThat(peers.replicas.get(C).reads.get()).isZero();
    }

    @Test
    void consistencyAllAsksEveryReplicaAndKeepsOnlyWhatAllReturned() {
        peers.replicas.get(A).hits = List.of(hit(1, 0.9f), hit(2, 0.8f), hit(3, 0.7f));
        peers.replicas.get(B).hits = List.of(hit(1, 0.9f), hit(3, 0.7f));
        peers.replicas.get(C).hits = List.of(hit(1, 0.9f), hit(2, 0.8f), hit(3, 0.7f));
        RequestGuarantees.bind(ReadConsistency.parse("all"), null);
        assertThat(peers.sets.get(ROUTER).search(anySearch()))
                .extracting(ScoredPoint::id)
                .containsExactly(PointId.of(1), PointId.of(3));
        for (long p : List.of(A, B, C)) {
            assertThat(peers.replicas.get(p).reads.get()).isEqualTo(1);
        }

        RequestGuarantees.bind(ReadConsistency.parse("majority"), null);
        assertThat(peers.sets.get(ROUTER).search(anySearch()))
                .extracting(ScoredPoint::id)
                .containsExactly(PointId.of(1), PointId.of(2), PointId.of(3));

        RequestGuarantees.bind(ReadConsistency.parse("2"), null);
        assertThat(peers.sets.get(A).search(anySearch())).hasSizeBetween(2, 3);
        assertThat(peers.replicas.get(A).reads.get())
                .as("the local replica is one of the two")
                .isEqualTo(3);
    }

    @Test
    void consistencyOnCountTakesTheSmallestOrTheMedianAndNeedsEnoughReadableReplicas() {
        peers.writeConsistency = 3;
        peers.sets.get(A).update(delete(1), true);
        peers.replicas.get(C).update(delete(2), true); // C alone has an extra operation: counts 1, 1, 2
        RequestGuarantees.bind(ReadConsistency.parse("all"), null);
        assertThat(peers.sets.get(ROUTER).count(null, true)).isEqualTo(1);
        RequestGuarantees.bind(ReadConsistency.parse("majority"), null);
        assertThat(peers.sets.get(ROUTER).count(null, true)).isEqualTo(1);

        peers.states.set("c", 0, B, ReplicaState.DEAD);
        RequestGuarantees.bind(ReadConsistency.parse("all"), null);
        assertThatThrownBy(() -> peers.sets.get(ROUTER).count(null, true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("has 2 readable replicas")
                .hasMessageContaining("needs 3");
        RequestGuarantees.bind(ReadConsistency.parse("quorum"), null); // 3 / 2 + 1 = 2
        assertThat(peers.sets.get(ROUTER).count(null, true)).isEqualTo(1);
    }

    @Test
    void strongOrderingNeedsTheFirstReplicaAndWeakMovesOn() {
        peers.kill(A);
        RequestGuarantees.bind(null, WriteOrdering.STRONG);
        assertThatThrownBy(() -> peers.sets.get(ROUTER).update(delete(1), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("unreachable");
        assertThat(peers.replicas.get(B).applied()).isEmpty();

        RequestGuarantees.bind(null, WriteOrdering.MEDIUM);
        peers.sets.get(ROUTER).update(delete(1), true);
        assertThat(peers.replicas.get(B).applied()).containsExactly(delete(1));

        peers.revive(A);
        peers.states.set("c", 0, A, ReplicaState.DEAD);
        RequestGuarantees.bind(null, WriteOrdering.STRONG);
        assertThatThrownBy(() -> peers.sets.get(C).update(delete(2), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("strong ordering")
                .hasMessageContaining("Dead");
    }

    @Test
    void aFrozenReplicaCostsTheForwardDeadlineOnceAndIsMarkedDeadBeforeTheAck() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        peers.replicas.get(C).gate = frozen;
        peers.sets.get(A).forwardDeadline(Duration.ofMillis(200));
        long first = millis(() -> peers.sets.get(A).update(delete(1), true));
        assertThat(first).isBetween(200L, 5_000L);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        long second = millis(() -> peers.sets.get(A).update(delete(2), true));
        assertThat(second).as("a Dead replica gets no forwards").isLessThan(200);
        assertThat(peers.replicas.get(B).applied()).containsExactly(delete(1), delete(2));
        frozen.countDown();
    }

    @Test
    void aPrimaryThatMissesTheCallDeadlineIsMarkedDeadAndTheNextActiveReplicaOrdersTheWrite() {
        peers.freeze(A);
        peers.sets.get(ROUTER).update(delete(1), true);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.replicas.get(B).applied()).containsExactly(delete(1));
        assertThat(peers.replicas.get(C).applied()).containsExactly(delete(1));

        int before = peers.primaryCalls.get();
        peers.sets.get(ROUTER).update(delete(2), true);
        assertThat(peers.primaryCalls.get() - before)
                .as("straight to B, the frozen A is not asked")
                .isEqualTo(1);
        assertThat(peers.replicas.get(B).applied()).containsExactly(delete(1), delete(2));
    }

    @Test
    void aWriteWaitingForAPrimaryThatIsMarkedDeadGoesToTheNextActiveReplicaAtOnce() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        peers.replicas.get(A).gate = frozen; // A takes the PrimaryUpdate and never answers
        Thread leader = markDeadLater(A);
        try {
            long ms = millis(() -> peers.sets.get(ROUTER).update(delete(1), true));
            assertThat(ms)
                    .as("gave up on A once it was Dead, far below twice the forward deadline")
                    .isBetween(250L, 3_000L);
            assertThat(peers.replicas.get(B).applied()).contains(delete(1));
            assertThat(peers.replicas.get(C).applied()).contains(delete(1));
            assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
            assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
        } finally {
            frozen.countDown();
            leader.join();
        }
    }

    @Test
    void aPrimaryStopsWaitingForAForwardOnceThatReplicaIsMarkedDead() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        peers.replicas.get(C).gate = frozen;
        peers.sets.get(A).forwardDeadline(Duration.ofSeconds(20));
        Thread leader = markDeadLater(C);
        try {
            long ms = millis(() -> peers.sets.get(A).update(delete(1), true));
            assertThat(ms).as("not the 20 s forward deadline").isBetween(250L, 3_000L);
            assertThat(peers.replicas.get(B).applied()).containsExactly(delete(1));
        } finally {
            frozen.countDown();
            leader.join();
        }
    }

    @Test
    void twiceTheForwardDeadlineWithoutAnAnswerMarksThePrimaryDead() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        peers.replicas.get(A).gate = frozen;
        peers.sets.get(ROUTER).forwardDeadline(Duration.ofMillis(200));
        try {
            long ms = millis(() -> peers.sets.get(ROUTER).update(delete(1), true));
            assertThat(ms).isBetween(400L, 5_000L);
            assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
            assertThat(peers.replicas.get(B).applied()).contains(delete(1));
        } finally {
            frozen.countDown();
        }
    }

    /** Marks the replica on {@code peer} Dead after 300 ms, as the leader's PeerLiveness would. */
    private Thread markDeadLater(long peer) {
        return Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            peers.states.set("c", 0, peer, ReplicaState.DEAD);
        });
    }
}
