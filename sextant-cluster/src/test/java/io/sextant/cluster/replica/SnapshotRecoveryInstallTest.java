package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.cluster.ReplicaState;
import io.sextant.collection.snapshot.SnapshotPriority;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A recovered snapshot installed into one replica of a shard on three in-process peers (A, B, C in
 * placement order, A the primary; replicas keep clocks, so {@code wal_delta} is possible), by
 * priority: {@code snapshot} makes the installed replica the source of truth and the automatic
 * recovery brings every other replica to exactly its data (never by a delta over the old data);
 * {@code replica} discards the snapshot when another replica is Active; {@code no_sync} changes no
 * state.
 */
class SnapshotRecoveryInstallTest extends ThreeReplicaPeers {

    @BeforeEach
    void clocks() {
        peers.withClocks();
    }

    private static PointOperation.PointStruct point(int i) {
        return new PointOperation.PointStruct(
                PointId.of(i),
                Map.of("", new float[] {i, 1}),
                JsonNodeFactory.instance.objectNode().put("i", i));
    }

    private static PointOperation upsert(int from, int to) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(point(i));
        }
        return new PointOperation.Upsert(pts);
    }

    /** A replica holding points {@code from..to-1}, as a snapshot's files open, installed on {@code peer}. */
    private Supplier<io.sextant.shard.Shard> snapshot(long peer, int from, int to, AtomicInteger opened) {
        return () -> {
            RecordingShard s = new RecordingShard("snapshot-on-" + peer);
            for (int i = from; i < to; i++) {
                s.plant(point(i));
            }
            peers.replicas.put(peer, s); // the other peers reach the new replica from now on
            opened.incrementAndGet();
            return s;
        };
    }

    private ReplicaRecovery recovery() {
        return new ReplicaRecovery(
                () -> List.of(peers.sets.get(A), peers.sets.get(B), peers.sets.get(C)),
                new ReplicaRecovery.Settings(Duration.ofMillis(50), 16, 0));
    }

    private static TreeSet<PointId> ids(RecordingShard r) {
        return new TreeSet<>(r.points().keySet());
    }

    private static TreeSet<PointId> range(int from, int to) {
        TreeSet<PointId> out = new TreeSet<>();
        for (int i = from; i < to; i++) {
            out.add(PointId.of(i));
        }
        return out;
    }

    @Test
    void snapshotPriorityOnTheNonPrimaryMakesItTheSourceOfTruthAndRepairsTheOthersFromIt() throws Exception {
        peers.sets.get(A).update(upsert(0, 50), true); // every replica holds 0..49, known complete by A
        RecordingShard oldB = peers.replicas.get(B);
        AtomicInteger opened = new AtomicInteger();

        SnapshotRecoveryInstall.Outcome outcome = SnapshotRecoveryInstall.install(
                peers.sets.get(B), SnapshotPriority.SNAPSHOT, snapshot(B, 100, 120, opened));

        assertThat(outcome).isEqualTo(SnapshotRecoveryInstall.Outcome.SOURCE_OF_TRUTH);
        assertThat(opened).hasValue(1);
        assertThat(oldB.closed).isTrue();
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.sets.get(B).primaryHere()).isTrue();
        // a write after the recovery, sent to the old primary's peer, is ordered by B on the snapshot's data
        peers.sets.get(A).update(upsert(200, 205), true);
        TreeSet<PointId> expected = range(100, 120);
        expected.addAll(range(200, 205));
        assertThat(ids(peers.replicas.get(B))).isEqualTo(expected);

        try (ReplicaRecovery r = recovery()) {
            r.start();
            InProcessPeers.eventually(
                    () -> peers.state(A) == ReplicaState.ACTIVE && peers.state(C) == ReplicaState.ACTIVE,
                    "A and C repaired");
            for (ReplicaRecovery.Finished f : r.finished("c")) {
                assertThat(f.transfer().method()).as("%s", f).isEqualTo("stream_records");
            }
        }
        for (long p : List.of(A, B, C)) {
            assertThat(ids(peers.replicas.get(p))).as("replica on %s", p).isEqualTo(expected);
        }
    }

    /**
     * Recovered on the primary and repaired before any later write: without the history reset, the
     * others (known complete in the old history, their clocks in its incarnation) would get an
     * empty {@code wal_delta} and keep the old points (checked on the code without the reset).
     */
    @Test
    void snapshotPriorityOnThePrimaryRepairsTheOthersByAFullTransferNotADeltaOverTheOldData() throws Exception {
        peers.sets.get(A).update(upsert(0, 50), true);
        peers.sets.get(A).update(upsert(50, 60), true);

        SnapshotRecoveryInstall.Outcome outcome = SnapshotRecoveryInstall.install(
                peers.sets.get(A), SnapshotPriority.SNAPSHOT, snapshot(A, 10, 30, new AtomicInteger()));

        assertThat(outcome).isEqualTo(SnapshotRecoveryInstall.Outcome.SOURCE_OF_TRUTH);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        try (ReplicaRecovery r = recovery()) {
            r.start();
            InProcessPeers.eventually(
                    () -> peers.state(B) == ReplicaState.ACTIVE && peers.state(C) == ReplicaState.ACTIVE,
                    "B and C repaired");
        }
        for (long p : List.of(A, B, C)) {
            assertThat(ids(peers.replicas.get(p))).as("replica on %s", p).isEqualTo(range(10, 30));
        }
    }

    @Test
    void replicaPriorityWithAnotherActiveReplicaDiscardsTheSnapshotAndRepairsThisReplicaFromTheOthers()
            throws Exception {
        peers.sets.get(A).update(upsert(0, 40), true);
        AtomicInteger opened = new AtomicInteger();

        SnapshotRecoveryInstall.Outcome outcome = SnapshotRecoveryInstall.install(
                peers.sets.get(B), SnapshotPriority.REPLICA, snapshot(B, 500, 510, opened));

        assertThat(outcome).isEqualTo(SnapshotRecoveryInstall.Outcome.DISCARDED);
        assertThat(opened).as("the snapshot's files are never opened").hasValue(0);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
        try (ReplicaRecovery r = recovery()) {
            r.start();
            InProcessPeers.eventually(() -> peers.state(B) == ReplicaState.ACTIVE, "B repaired");
        }
        assertThat(ids(peers.replicas.get(B))).isEqualTo(range(0, 40));
    }

    @Test
    void replicaPriorityWithoutAnotherActiveReplicaInstallsTheSnapshotAsTheSourceOfTruth() {
        peers.sets.get(A).update(upsert(0, 40), true);
        peers.sets.get(B).states().markDead(A);
        peers.sets.get(B).states().markDead(C);
        AtomicInteger opened = new AtomicInteger();

        SnapshotRecoveryInstall.Outcome outcome =
                SnapshotRecoveryInstall.install(peers.sets.get(B), SnapshotPriority.REPLICA, snapshot(B, 7, 9, opened));

        assertThat(outcome).isEqualTo(SnapshotRecoveryInstall.Outcome.SOURCE_OF_TRUTH);
        assertThat(opened).hasValue(1);
        assertThat(peers.state(B)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.sets.get(B).primaryHere()).isTrue();
        assertThat(ids(peers.replicas.get(B))).isEqualTo(range(7, 9));
    }

    @Test
    void noSyncInstallsLocallyAndChangesNoState() {
        peers.sets.get(A).update(upsert(0, 40), true);
        int proposals = peers.proposals.size();
        AtomicInteger opened = new AtomicInteger();

        SnapshotRecoveryInstall.Outcome outcome =
                SnapshotRecoveryInstall.install(peers.sets.get(C), SnapshotPriority.NO_SYNC, snapshot(C, 1, 4, opened));

        assertThat(outcome).isEqualTo(SnapshotRecoveryInstall.Outcome.LOCAL_ONLY);
        assertThat(peers.proposals).hasSize(proposals);
        for (long p : List.of(A, B, C)) {
            assertThat(peers.state(p)).isEqualTo(ReplicaState.ACTIVE);
        }
        assertThat(ids(peers.replicas.get(C))).isEqualTo(range(1, 4));
        assertThat(ids(peers.replicas.get(A))).isEqualTo(range(0, 40));
    }

    /**
     * Writes through a router-only peer run before, during and after the install while the
     * automatic recovery runs: afterwards every replica holds the snapshot's points and every write
     * acknowledged after the install, and the replicas differ at most on writes that were never
     * acknowledged.
     */
    @Test
    void acknowledgedWritesDuringTheRecoveryEndUpOnEveryReplica() throws Exception {
        peers.sets.get(A).update(upsert(0, 50), true);
        java.util.concurrent.atomic.AtomicBoolean installed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Set<PointId> ackedAfter = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        java.util.Set<PointId> unacknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (ReplicaRecovery r = recovery()) {
            r.start();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int id = 10_000; !stop.get(); id++) {
                    boolean after = installed.get();
                    try {
                        peers.sets.get(ROUTER).update(upsert(id, id + 1), true);
                        acked.incrementAndGet();
                        if (after) {
                            ackedAfter.add(PointId.of(id));
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet(); // not acknowledged: may or may not be applied
                        unacknowledged.add(PointId.of(id));
                    }
                }
            });
            Thread.sleep(100);
            SnapshotRecoveryInstall.install(
                    peers.sets.get(B), SnapshotPriority.SNAPSHOT, snapshot(B, 100, 120, new AtomicInteger()));
            installed.set(true);
            Thread.sleep(300);
            stop.set(true);
            writer.join();
            InProcessPeers.eventually(
                    () -> peers.state(A) == ReplicaState.ACTIVE && peers.state(C) == ReplicaState.ACTIVE,
                    "A and C repaired");
        }
        TreeSet<PointId> onB = ids(peers.replicas.get(B));
        assertThat(ackedAfter)
                .as("writes acknowledged after the install (%s acked, %s failed)", acked, failed)
                .isNotEmpty();
        assertThat(onB).containsAll(range(100, 120)).containsAll(ackedAfter).doesNotContainAnyElementsOf(range(0, 50));
        // the replicas agree on everything but writes that were never acknowledged (a write B
        // ordered just as A became the primary again, admitted by one replica and refused by the
        // other, until the Dead marks that follow it repair the admitting one)
        for (long p : List.of(A, C)) {
            TreeSet<PointId> there = ids(peers.replicas.get(p));
            TreeSet<PointId> differ = new TreeSet<>(there);
            differ.addAll(onB);
            TreeSet<PointId> both = new TreeSet<>(there);
            both.retainAll(onB);
            differ.removeAll(both);
            assertThat(differ).as("replica on %s against B", p).isSubsetOf(unacknowledged);
            assertThat(there).as("replica on %s", p).containsAll(ackedAfter).containsAll(range(100, 120));
        }
    }

    /**
     * A snapshot transfer from A into C passed C's fence check, then its install waited while a
     * {@code snapshot}-priority recovery made C the source of truth (A and B Dead): checked again
     * under C's write order, A's install is refused and the recovered data stays (before, the
     * transfer's files were swapped in over the recovery's).
     */
    @Test
    void aTransferInstallAdmittedBeforeARecoveryIsRefusedAfterIt() {
        peers.sets.get(A).update(upsert(0, 30), true);
        io.sextant.cluster.shard.PrimaryFence fromA =
                new io.sextant.cluster.shard.PrimaryFence(A, peers.terms.index("c", 0, A));
        peers.fence.admit("c", 0, fromA); // InstallFinish from A arrives at C: admitted

        SnapshotRecoveryInstall.install(
                peers.sets.get(C), SnapshotPriority.SNAPSHOT, snapshot(C, 500, 510, new AtomicInteger()));
        AtomicInteger transferOpened = new AtomicInteger();
        // then its install takes C's write order, the fence checked again there
        assertThatThrownBy(() -> peers.sets
                        .get(C)
                        .replaceLocal(() -> peers.fence.admit("c", 0, fromA), snapshot(C, 0, 30, transferOpened)))
                .isInstanceOf(io.sextant.cluster.shard.PrimaryFence.Refused.class);
        assertThat(transferOpened).hasValue(0);
        assertThat(ids(peers.replicas.get(C))).isEqualTo(range(500, 510));
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
    }
}
