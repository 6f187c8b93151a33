package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ReplicaStateChange;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fencing by log index: a primary replaced while its forwards were queued (frozen by SIGSTOP, a long
 * GC pause) must not apply them on replicas that already follow its successor.
 */
class PrimaryFencingTest extends ThreeReplicaPeers {

    private static PointOperation delete(long id) {
        return new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id))));
    }

    /**
     * {@code primary} orders {@code op} with its forwards held until {@code wake}; returns once it
     * applied the write locally, with the write's outcome (null: acknowledged).
     */
    private CompletableFuture<Throwable> heldWrite(long primary, PointOperation op, CountDownLatch wake)
            throws InterruptedException {
        peers.heldForwards.put(primary, wake);
        peers.sets.get(primary).forwardDeadline(Duration.ofSeconds(20));
        CompletableFuture<Throwable> write = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        peers.sets.get(primary).update(op, true);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                },
                r -> Thread.ofVirtual().start(r));
        InProcessPeers.eventually(() -> peers.replicas.get(primary).applied().size() == 1, "the write applied");
        return write;
    }

    @Test
    void aForwardQueuedByAReplacedPrimaryIsRefusedAfterTheNewPrimarysWrites() throws Exception {
        PointOperation stale = delete(100);
        PointOperation fresh = delete(200);
        CountDownLatch wake = new CountDownLatch(1);
        // A orders a write, then freezes before its forwards leave
        CompletableFuture<Throwable> staleWrite = heldWrite(A, stale, wake);

        peers.sets.get(C).states.markDead(A); // the leader's liveness: A is silent
        peers.sets.get(ROUTER).update(fresh, true); // ordered by B, the new primary
        assertThat(peers.replicas.get(B).applied()).containsExactly(fresh);
        assertThat(peers.replicas.get(C).applied()).containsExactly(fresh);

        wake.countDown(); // A wakes up and sends what it had queued
        Throwable answer = staleWrite.get(30, TimeUnit.SECONDS);

        assertThat(peers.replicas.get(B).applied())
                .as("the stale forward is never applied after the new primary's write")
                .containsExactly(fresh);
        assertThat(peers.replicas.get(C).applied()).containsExactly(fresh);
        assertThat(peers.refusedForwards.get(A).get()).isEqualTo(2);
        assertThat(answer).as("the replaced primary does not acknowledge").isInstanceOf(ServiceException.class);
        assertThat(peers.proposals)
                .as("and marks nobody Dead for the refusals")
                .extracting(ReplicaStateChange::of)
                .containsExactly(new ReplicaStateChange(0, A, ReplicaState.DEAD, ReplicaState.ACTIVE));
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
    }

    /**
     * The primary role moves back to A (made Active again, first in placement) while B, the primary
     * meanwhile, has a write in flight: B applied it, A and C refuse its forwards, so B's replica
     * alone holds an unacknowledged write; B marks its own replica Dead, so the new primary repairs it
     * (before, B kept the write and the replicas differed until some later repair).
     */
    @Test
    void aPrimaryWhoseForwardsAreRefusedHasItsOwnReplicaMarkedDead() throws Exception {
        peers.sets.get(C).states.markDead(A); // B is the primary
        CountDownLatch wake = new CountDownLatch(1);
        PointOperation inFlight = delete(300);
        CompletableFuture<Throwable> write = heldWrite(B, inFlight, wake);
        peers.sets.get(C).states.change(A, ReplicaState.DEAD, ReplicaState.ACTIVE); // A is the primary again
        wake.countDown();

        assertThat(write.get(30, TimeUnit.SECONDS)).isInstanceOf(ServiceException.class);
        assertThat(peers.replicas.get(A).applied()).doesNotContain(inFlight);
        assertThat(peers.replicas.get(C).applied()).doesNotContain(inFlight);
        assertThat(peers.state(B))
                .as("B's replica holds a write nobody acknowledged: Dead, to be repaired from the new primary")
                .isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
    }

    /**
     * A is replaced while its forwards are held; C's log still names A when A's forward arrives: C
     * applies the write, B (the new primary) refuses it. A's and C's replicas hold a write nobody
     * acknowledged and B lacks: both are marked Dead (C only because B, which refused, is Active),
     * so B repairs them (before, C kept the write while Active and the replicas differed until some
     * later transfer).
     */
    @Test
    void replicasThatAdmittedARefusedPrimarysWriteAreMarkedDeadWhileARefuserIsActive() throws Exception {
        PointOperation inFlight = delete(301);
        CountDownLatch wake = new CountDownLatch(1);
        CompletableFuture<Throwable> write = heldWrite(A, inFlight, wake);
        peers.sets.get(B).states.markDead(A); // the leader's liveness: B is the primary
        peers.laggingLogs.add(C);
        wake.countDown();

        assertThat(write.get(30, TimeUnit.SECONDS)).isInstanceOf(ServiceException.class);
        assertThat(peers.replicas.get(B).applied()).doesNotContain(inFlight);
        assertThat(peers.replicas.get(C).applied())
                .as("C's log lagged: it admitted")
                .contains(inFlight);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(C))
                .as("C applied a write B, the Active primary, lacks: Dead, to be repaired from B")
                .isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
    }

    /**
     * The same, but the replica that refused is not Active (B went Partial, C is the primary the
     * log names): C, which admitted, stays Active, the shard's only Active replica.
     */
    @Test
    void anAdmittingReplicaStaysActiveWhenNoRefusingReplicaIsActive() throws Exception {
        PointOperation inFlight = delete(302);
        CountDownLatch wake = new CountDownLatch(1);
        CompletableFuture<Throwable> write = heldWrite(A, inFlight, wake);
        peers.sets.get(B).states.markDead(A);
        peers.sets.get(B).states.change(B, ReplicaState.ACTIVE, ReplicaState.PARTIAL);
        peers.laggingLogs.add(C);
        wake.countDown();

        assertThat(write.get(30, TimeUnit.SECONDS)).isInstanceOf(ServiceException.class);
        assertThat(peers.replicas.get(B).applied()).doesNotContain(inFlight);
        assertThat(peers.replicas.get(C).applied()).contains(inFlight);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.PARTIAL);
        assertThat(peers.state(C)).as("the only Active replica left").isEqualTo(ReplicaState.ACTIVE);
    }

    /**
     * The router's log lags: it still sees A Dead (a repair just made A Active again, the primary
     * again), so it sends the write to B, whose log names A. B refuses (it is not the primary) and
     * nothing is applied; the router waits for its log to move on and routes the write to A (before,
     * the write failed with B's refusal).
     */
    @Test
    void aRouterWhoseLogLagsRoutesAgainWhenTheAskedPeerIsNotThePrimary() throws Exception {
        routesAgainOnceTheRoutersLogCatchesUpAfter(1_300); // after B's own wait for its log (1 s)
    }

    /** The router's log catches up while B still waits: the router routes again at once. */
    @Test
    void aRouterWhoseLogCaughtUpWhileTheAskedPeerWaitedRoutesAgainAtOnce() throws Exception {
        long took = millis(() -> {
            try {
                routesAgainOnceTheRoutersLogCatchesUpAfter(300);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(took).as("B's 1 s wait, no second wait on the router").isLessThan(1_900);
    }

    private void routesAgainOnceTheRoutersLogCatchesUpAfter(long millis) throws InterruptedException {
        peers.views.get(ROUTER).stale.put(A, ReplicaState.DEAD);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            peers.views.get(ROUTER).stale.clear(); // the router's log catches up
        });
        PointOperation op = delete(400);

        peers.sets.get(ROUTER).update(op, true);

        assertThat(peers.replicas.get(A).applied()).containsExactly(op);
        assertThat(peers.replicas.get(B).applied()).containsExactly(op);
        assertThat(peers.replicas.get(C).applied()).containsExactly(op);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
    }

    @Test
    void aPeerTheLogDoesNotNameRefusesToOrderWrites() {
        assertThatThrownBy(() -> peers.sets.get(B).writeAsPrimary(delete(1), true, -1))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("not the primary")
                .hasMessageContaining("names peer 1");
        assertThat(peers.replicas.get(B).applied()).isEmpty();
    }

    @Test
    void aPrimaryMadePrimaryAgainFencesItsOlderForwards() {
        peers.sets.get(C).states.markDead(A); // index 1: B is primary
        peers.sets.get(C).states.change(A, ReplicaState.DEAD, ReplicaState.ACTIVE); // index 2: A again
        assertThat(peers.terms.index("c", 0, A)).isEqualTo(2);
        // a forward A queued while primary at index 0 (unknown) passes by name; one of a known older index does not
        peers.fence.admit("c", 0, new io.sextant.cluster.shard.PrimaryFence(A, 2));
        assertThatThrownBy(() -> peers.fence.admit("c", 0, new io.sextant.cluster.shard.PrimaryFence(A, 1)))
                .isInstanceOf(io.sextant.cluster.shard.PrimaryFence.Refused.class);
        assertThatThrownBy(() -> peers.fence.admit("c", 0, new io.sextant.cluster.shard.PrimaryFence(B, 1)))
                .isInstanceOf(io.sextant.cluster.shard.PrimaryFence.Refused.class)
                .hasMessageContaining("index 2 already wrote here");
        // a term this peer has not applied yet is newer than anything it knows: admitted
        peers.fence.admit("c", 0, new io.sextant.cluster.shard.PrimaryFence(C, 9));
    }

    @Test
    void writesAfterTheChangeFlowUnderTheNewPrimarysTerm() {
        peers.sets.get(ROUTER).update(delete(1), true);
        peers.replicas.get(A).failUpdates = () -> InProcessPeers.unreachable(A);
        peers.replicas.get(A).failReads = () -> InProcessPeers.unreachable(A);
        peers.down.add(A);
        peers.sets.get(ROUTER).update(delete(2), true); // A unreachable: marked Dead, B orders
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.terms.index("c", 0, B)).isEqualTo(peers.logIndex.get());
        assertThat(peers.replicas.get(C).applied()).containsExactly(delete(1), delete(2));
        assertThat(peers.refusedForwards).isEmpty();
    }
}
