package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ReplicaStateChange;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Replica sets of one shard on three peers (1, 2, 3 in placement order) and a router-only peer 4. */
class ReplicaSetTest extends ThreeReplicaPeers {
    private static PointOperation delete(long id) {
        return new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id))));
    }

    /** Waits (up to 10 s) until {@code value} reaches {@code expected}, then asserts it. */
    private static void eventually(java.util.function.LongSupplier value, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(value.getAsLong()).isEqualTo(expected);
    }

    private List<PointOperation> appliedOn(long peer) {
        return peers.replicas.get(peer).applied();
    }

    @Test
    void primaryAppliesLocallyThenEveryReplicaInTheSameOrder() throws Exception {
        peers.writeConsistency = 3;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long id = i;
            writes.add(clients.submit(() -> peers.sets.get(A).update(delete(id), true)));
        }
        for (Future<?> f : writes) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(appliedOn(A)).hasSize(200);
        assertThat(appliedOn(B)).as("same order as the primary").isEqualTo(appliedOn(A));
        assertThat(appliedOn(C)).as("same order as the primary").isEqualTo(appliedOn(A));
        assertThat(peers.primaryCalls.get()).as("peer 1 is the primary itself").isZero();
    }

    @Test
    void aNonPrimaryForwardsTheWriteToThePrimary() {
        peers.writeConsistency = 3;
        peers.sets.get(C).update(delete(7), true);
        peers.sets.get(ROUTER).update(delete(8), true);
        assertThat(peers.primaryCalls.get()).isEqualTo(2);
        for (long p : List.of(A, B, C)) {
            assertThat(appliedOn(p)).as("peer " + p).containsExactly(delete(7), delete(8));
        }
    }

    @Test
    void whenThePrimaryIsUnreachableTheNextReplicaIsPrimary() {
        peers.writeConsistency = 2;
        peers.kill(A);
        peers.sets.get(C).update(delete(1), true);
        assertThat(appliedOn(B)).containsExactly(delete(1));
        assertThat(appliedOn(C)).containsExactly(delete(1));
        assertThat(appliedOn(A)).isEmpty();
        // the router marks the unreachable primary Dead before it asks B (B orders writes only once
        // the log names it the primary), so B does not even forward to A
        assertThat(peers.state(A)).as("marked before the ack").isEqualTo(ReplicaState.DEAD);
        assertThat(ReplicaStateChange.of(peers.proposals.getFirst()))
                .isEqualTo(new ReplicaStateChange(0, A, ReplicaState.DEAD, ReplicaState.ACTIVE));
        assertThat(peers.replicas.get(A).updateAttempts.get()).isZero();
    }

    @Test
    void writeConsistencyFactorCountsReplicasThatApplied() {
        peers.replicas.get(B).failUpdates = () -> new ServiceException("disk full");
        peers.replicas.get(C).failUpdates = () -> new ServiceException("disk full");
        peers.writeConsistency = 1;
        peers.sets.get(A).update(delete(1), true);
        assertThat(appliedOn(A)).containsExactly(delete(1));
        assertThat(peers.sets.get(A).failedReplicaWrites()).isEqualTo(2);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);

        peers.writeConsistency = 2;
        assertThatThrownBy(() -> peers.sets.get(A).update(delete(2), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("applied by 1 of 3 replicas")
                .hasMessageContaining("needs 2");
        assertThat(peers.replicas.get(B).updateAttempts.get())
                .as("a Dead replica gets no writes")
                .isEqualTo(1);
        assertThat(peers.replicas.get(C).updateAttempts.get()).isEqualTo(1);
    }

    @Test
    void theWriteWaitsForEveryReplicaBeforeItIsAcknowledged() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        peers.replicas.get(C).gate = slow;
        peers.writeConsistency = 1;
        ExecutorService client = Executors.newSingleThreadExecutor();
        Future<?> write = client.submit(() -> peers.sets.get(A).update(delete(1), true));
        Thread.sleep(300);
        assertThat(write.isDone()).as("C has not answered yet").isFalse();
        assertThat(appliedOn(B)).containsExactly(delete(1));
        slow.countDown();
        write.get(10, TimeUnit.SECONDS);
        assertThat(appliedOn(C)).containsExactly(delete(1));
        client.shutdown();
    }

    @Test
    void writesQueuedForAFrozenReplicaAreNotSentOnceItIsDead() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        peers.replicas.get(C).gate = frozen;
        peers.writeConsistency = 1;
        peers.sets.get(A).forwardDeadline(java.time.Duration.ofMillis(300));
        ExecutorService clients = Executors.newFixedThreadPool(10);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long id = i;
            writes.add(clients.submit(() -> peers.sets.get(A).update(delete(id), true)));
        }
        for (Future<?> w : writes) {
            w.get(10, TimeUnit.SECONDS); // acknowledged without C once its forward deadline passed
        }
        clients.shutdown();
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(appliedOn(B)).hasSize(10);

        frozen.countDown(); // C thaws: only the forward it was already serving reaches it
        Thread.sleep(500);
        assertThat(peers.replicas.get(C).updateAttempts.get())
                .as("the forwards queued behind the frozen call are dropped, not sent one by one")
                .isEqualTo(1);
        assertThat(peers.sets.get(A).failedReplicaWrites()).isEqualTo(10);
    }

    @Test
    void aReplicaThatFailsAForwardIsMarkedDeadBeforeTheWriteIsAcknowledged() {
        peers.replicas.get(B).failUpdates = () -> new ServiceException("deadline exceeded");
        AtomicBoolean acknowledged = new AtomicBoolean();
        List<Boolean> ackedWhenProposed = new java.util.concurrent.CopyOnWriteArrayList<>();
        peers.onProposal = () -> ackedWhenProposed.add(acknowledged.get());
        peers.sets.get(ROUTER).update(delete(1), true);
        acknowledged.set(true);

        assertThat(ackedWhenProposed).containsExactly(false);
        assertThat(peers.proposals).hasSize(1);
        ReplicaStateChange change = ReplicaStateChange.of(peers.proposals.getFirst());
        assertThat(change)
                .as("proposed by A as the primary")
                .isEqualTo(new ReplicaStateChange(0, B, ReplicaState.DEAD, ReplicaState.ACTIVE, null, A));
        assertThat(peers.state(B)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.ACTIVE);

        peers.replicas.get(B).failUpdates = null; // back, but Dead: no writes until repaired
        peers.sets.get(C).update(delete(2), true);
        assertThat(appliedOn(B)).isEmpty();
        assertThat(peers.replicas.get(B).updateAttempts.get()).isEqualTo(1);
        assertThat(appliedOn(C)).containsExactly(delete(1), delete(2));
        assertThat(peers.proposals).as("marked once").hasSize(1);
    }

    @Test
    void whenConsensusCannotMarkTheReplicaDeadTheWriteFails() {
        peers.replicas.get(C).failUpdates = () -> new ServiceException("deadline exceeded");
        peers.consensusDown = true;
        assertThatThrownBy(() -> peers.sets.get(A).update(delete(1), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("Consensus did not commit");
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
    }

    @Test
    void aReplicaMarkedDeadByAnotherPrimaryIsNotMarkedAgain() {
        peers.replicas.get(C).failUpdates = () -> new ServiceException("deadline exceeded");
        peers.onProposal = () -> {
            if (peers.state(C) == ReplicaState.ACTIVE && peers.proposals.isEmpty()) {
                peers.states.set("c", 0, C, ReplicaState.DEAD); // someone else got there first
            }
        };
        peers.sets.get(A).update(delete(1), true);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.proposals)
                .as("the precondition failed, the replica is Dead anyway")
                .hasSize(1);
    }

    @Test
    void aForwardAnsweredNotFoundIsRetriedBeforeTheReplicaCountsAsFailed() {
        AtomicInteger misses = new AtomicInteger(3);
        peers.replicas.get(B).failUpdates = () -> {
            if (misses.getAndDecrement() > 0) {
                return UserException.notFound("Collection `c` doesn't exist!");
            }
            peers.replicas.get(B).failUpdates = null;
            return null;
        };
        peers.sets.get(A).update(delete(1), true);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.sets.get(A).failedReplicaWrites()).isZero();
    }

    @Test
    void aMissingPointOnAPartialReplicaIsNotAFailureButOnAnActiveOneItIs() {
        peers.states.set("c", 0, B, ReplicaState.PARTIAL);
        peers.replicas.get(B).failUpdates = () -> UserException.notFound("Not found: No point with id 5 found");
        peers.replicas.get(C).failUpdates = () -> UserException.notFound("Not found: No point with id 5 found");
        peers.sets.get(A).update(delete(5), true);
        assertThat(peers.state(B))
                .as("being filled: the transfer brings the point")
                .isEqualTo(ReplicaState.PARTIAL);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.replicas.get(B).updateAttempts.get()).as("not retried").isEqualTo(1);
        assertThat(peers.replicas.get(C).updateAttempts.get())
                .as("a missing point is no missing collection: not retried")
                .isEqualTo(1);
    }

    @Test
    void thePrimaryIsTheFirstActiveReplica() {
        peers.states.set("c", 0, A, ReplicaState.DEAD);
        peers.sets.get(ROUTER).update(delete(1), true);
        peers.sets.get(A).update(delete(2), true);
        assertThat(peers.primaryCalls.get()).as("both went to B").isEqualTo(2);
        assertThat(appliedOn(B)).containsExactly(delete(1), delete(2));
        assertThat(appliedOn(C)).containsExactly(delete(1), delete(2));
        assertThat(peers.replicas.get(A).updateAttempts.get()).isZero();
        // A waits for its log to name it (a caller's log may be ahead), then refuses: nothing applied
        assertThatThrownBy(() -> peers.sets.get(A).writeAsPrimary(delete(3), true, -1))
                .isInstanceOf(io.sextant.cluster.shard.NotThePrimary.class)
                .hasMessageContaining("the metadata log names peer 2");
        assertThat(peers.replicas.get(A).updateAttempts.get()).isZero();
    }

    @Test
    void partialReplicasGetWritesButNoReadsAndDeadOnesNeither() {
        peers.states.set("c", 0, A, ReplicaState.PARTIAL);
        peers.states.set("c", 0, B, ReplicaState.DEAD);
        peers.sets.get(ROUTER).update(delete(1), true); // C is the first Active replica
        assertThat(appliedOn(C)).containsExactly(delete(1));
        assertThat(appliedOn(A)).as("Partial receives writes").containsExactly(delete(1));
        assertThat(appliedOn(B)).isEmpty();

        assertThat(peers.sets.get(A).count(null, true)).isEqualTo(1);
        assertThat(peers.sets.get(B).count(null, true)).isEqualTo(1);
        assertThat(peers.sets.get(ROUTER).count(null, true)).isEqualTo(1);
        assertThat(peers.replicas.get(A).reads.get())
                .as("Partial: no reads, not even local")
                .isZero();
        assertThat(peers.replicas.get(B).reads.get()).as("Dead: no reads").isZero();
        assertThat(peers.replicas.get(C).reads.get()).isEqualTo(3);

        peers.states.set("c", 0, C, ReplicaState.DEAD);
        assertThatThrownBy(() -> peers.sets.get(ROUTER).count(null, true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("No readable replica");
        assertThatThrownBy(() -> peers.sets.get(ROUTER).update(delete(2), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("No Active replica");
    }

    @Test
    void factorAboveTheReplicaCountIsCappedAtTheReplicaCount() {
        peers.writeConsistency = 10;
        peers.sets.get(A).update(delete(1), true);
        assertThat(appliedOn(C)).containsExactly(delete(1));
    }

    @Test
    void badInputAtThePrimaryIsForwardedNowhere() {
        peers.replicas.get(A).failUpdates = () -> UserException.badRequest("wrong vector size");
        assertThatThrownBy(() -> peers.sets.get(ROUTER).update(delete(1), true))
                .isInstanceOf(UserException.class)
                .hasMessage("wrong vector size");
        assertThat(peers.replicas.get(B).updateAttempts.get()).isZero();
        assertThat(peers.replicas.get(C).updateAttempts.get()).isZero();
    }

    @Test
    void noReachableReplicaIsAServiceError() {
        peers.kill(A);
        peers.kill(B);
        peers.kill(C);
        assertThatThrownBy(() -> peers.sets.get(ROUTER).update(delete(1), true))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("No Active replica of shard 0 of collection c is reachable");
    }

    @Test
    void payloadIndexChangesStayOnTheLocalReplica() {
        PointOperation index =
                new PointOperation.CreateFieldIndex("city", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        peers.sets.get(B).update(index, true);
        assertThat(appliedOn(B)).containsExactly(index);
        assertThat(appliedOn(A)).isEmpty();
        assertThat(appliedOn(C)).isEmpty();
        assertThat(peers.sets.get(ROUTER).update(index, true).completed()).isTrue();
    }

    @Test
    void readsUseTheLocalReplicaElseTheFirstRemoteThatAnswers() {
        peers.writeConsistency = 3; // every replica has it when the write returns
        peers.sets.get(A).update(delete(1), true);
        assertThat(peers.sets.get(B).count(null, true)).isEqualTo(1);
        assertThat(peers.replicas.get(B).reads.get()).isEqualTo(1);
        assertThat(peers.replicas.get(A).reads.get()).isZero();

        peers.kill(A);
        assertThat(peers.sets.get(ROUTER).count(null, true)).isEqualTo(1);
        assertThat(peers.replicas.get(A).reads.get()).as("tried first").isEqualTo(1);
        assertThat(peers.replicas.get(B).reads.get()).as("answered").isEqualTo(2);

        peers.replicas.get(B).failReads = () -> UserException.badRequest("bad filter");
        assertThatThrownBy(() -> peers.sets.get(ROUTER).count(null, true))
                .isInstanceOf(UserException.class)
                .hasMessage("bad filter");
        assertThat(peers.replicas.get(C).reads.get())
                .as("a user error is the answer")
                .isZero();
    }

    @Test
    void aLocalReplicaIsRequiredExactlyWhenThePlacementPutsOneHere() {
        ReplicaSet.Layout here = new ReplicaSet.Layout("c", 0, A, List.of(A, B));
        assertThatThrownBy(() -> new ReplicaSet(here, null, null, () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds a replica");
        ReplicaSet.Layout elsewhere = new ReplicaSet.Layout("c", 0, C, List.of(A, B));
        assertThatThrownBy(() -> new ReplicaSet(elsewhere, new RecordingShard("x"), null, () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold");
        assertThatThrownBy(() -> peers.sets.get(ROUTER).writeAsPrimary(delete(1), true, -1))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("cannot be its primary");
    }

    @Test
    void closeClosesOnlyTheLocalReplica() {
        peers.sets.get(A).close();
        assertThat(peers.replicas.get(A).closed).isTrue();
        assertThat(peers.replicas.get(B).closed).isFalse();
    }

    @Test
    void aDroppedRemoteReplicaGetsNoMoreWritesAndADroppedLocalOneIsClosed() throws Exception {
        peers.writeConsistency = 3;
        peers.sets.get(A).update(delete(1), true);
        eventually(() -> appliedOn(C).size(), 1);

        assertThat(peers.sets.get(A).dropReplica(C)).as("not A's own replica").isFalse();
        assertThat(peers.sets.get(A).layout().peers()).containsExactly(A, B);
        peers.sets.get(A).update(delete(2), true);
        eventually(() -> appliedOn(B).size(), 2);
        Thread.sleep(50);
        assertThat(appliedOn(C)).as("C left the placement: no forward").hasSize(1);

        assertThat(peers.sets.get(B).dropReplica(B)).isTrue();
        assertThat(peers.replicas.get(B).closed).isTrue();
        assertThat(peers.sets.get(B).localReplica()).isNull();
        assertThat(peers.sets.get(B).holdsLocalData()).isFalse();
        assertThat(peers.sets.get(B).layout().peers()).containsExactly(A, C);
        int readsOnA = peers.replicas.get(A).reads.get();
        peers.sets.get(B).count(null, true);
        assertThat(peers.replicas.get(A).reads.get())
                .as("B reads from a remote replica now")
                .isGreaterThan(readsOnA);

        assertThat(peers.sets.get(A).dropReplica(C))
                .as("already gone: no change")
                .isFalse();
        assertThat(peers.sets.get(A).dropReplica(B)).isFalse();
        assertThat(peers.sets.get(A).layout().peers()).containsExactly(A);
        assertThat(peers.sets.get(A).dropReplica(A))
                .as("the last replica stays")
                .isFalse();
        assertThat(peers.sets.get(A).layout().peers()).containsExactly(A);
    }

    @Test
    void anAddedReplicaGetsTheFollowingWrites() throws Exception {
        peers.sets.get(A).dropReplica(C);
        peers.sets.get(A).update(delete(1), true);
        eventually(() -> appliedOn(B).size(), 1);
        assertThat(appliedOn(C)).isEmpty();

        assertThat(peers.sets.get(A).addReplica(C, null)).isTrue();
        assertThat(peers.sets.get(A).layout().peers()).containsExactly(A, B, C);
        assertThat(peers.sets.get(A).addReplica(C, null)).as("already there").isFalse();
        peers.sets.get(A).update(delete(2), true);
        eventually(() -> appliedOn(C).size(), 1);

        assertThat(peers.sets.get(ROUTER).addReplica(ROUTER, null))
                .as("this peer's own replica needs the local shard")
                .isFalse();
        RecordingShard fresh = new RecordingShard("router");
        assertThat(peers.sets.get(ROUTER).addReplica(ROUTER, fresh)).isTrue();
        assertThat(peers.sets.get(ROUTER).localReplica()).isSameAs(fresh);
        assertThat(peers.sets.get(ROUTER).layout().peers()).containsExactly(A, B, C, ROUTER);
    }
}
