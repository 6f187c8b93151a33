package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ShardTransfer;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery by {@code wal_delta} on three in-process peers whose replicas keep clocks (1 is the
 * primary): only the missed writes are sent; an unknown recovery point falls back to streaming.
 * Across a primary change (A, the primary, stops; B takes over and orders writes; A returns), A
 * gets exactly B's writes (the package-info's rule), unless it holds a write of its own run B never
 * applied, which only a stream's clear removes.
 */
class WalDeltaRecoveryTest {
    private static final long A = 1;
    private static final long B = 2;
    private static final long C = 3;

    @TempDir
    Path dir;

    private InProcessPeers peers;

    @BeforeEach
    void wire() {
        peers = new InProcessPeers(List.of(A, B, C), List.of(), dir).withClocks();
    }

    @AfterEach
    void close() {
        peers.sets.values().forEach(ReplicaSet::close);
    }

    private static PointOperation upsert(int from, int to) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, 1}),
                    JsonNodeFactory.instance.objectNode().put("id", i)));
        }
        return new PointOperation.Upsert(pts);
    }

    private static PointOperation delete(long... ids) {
        List<PointId> list = new ArrayList<>();
        for (long id : ids) {
            list.add(PointId.of(id));
        }
        return new PointOperation.Delete(new PointsSelector.Ids(list));
    }

    private static String summary(PointOperation op) {
        return switch (op) {
            case PointOperation.Upsert u ->
                "upsert " + u.points().getFirst().id() + ".."
                        + u.points().getLast().id();
            case PointOperation.Delete d when d.selector() instanceof PointsSelector.Ids ids -> "delete " + ids.ids();
            default -> op.toString();
        };
    }

    private ReplicaRecovery recovery() {
        return new ReplicaRecovery(
                () -> List.of(peers.sets.get(A), peers.sets.get(B), peers.sets.get(C)),
                new ReplicaRecovery.Settings(Duration.ofMillis(50), 16, 0));
    }

    private static void eventually(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        InProcessPeers.eventually(done, what);
    }

    /** C is down for two writes (the first marks it Dead), then answers again. */
    private void killWriteRevive() {
        peers.sets.get(B).update(upsert(0, 100), true);
        peers.sets.get(B).update(upsert(100, 110), true);
        peers.kill(C);
        peers.sets.get(B).update(upsert(110, 150), true);
        peers.sets.get(B).update(delete(0, 1, 2, 3, 4), true);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        peers.revive(C);
    }

    @Test
    void aReplicaBackFromDowntimeGetsOnlyTheWritesItMissed() throws Exception {
        killWriteRevive();
        int appliedBefore = peers.replicas.get(C).applied().size();
        try (ReplicaRecovery r = recovery()) {
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            eventually(() -> !r.finished("c").isEmpty(), "transfer recorded");
            ReplicaRecovery.Finished f = r.finished("c").getFirst();
            assertThat(f.transfer().method()).isEqualTo("wal_delta");
            assertThat(f.items()).isEqualTo(2);
            assertThat(f.activated()).isTrue();
        }
        assertThat(
                        peers
                                .replicas
                                .get(C)
                                .applied()
                                .subList(
                                        appliedBefore,
                                        peers.replicas.get(C).applied().size())
                                .stream()
                                .map(WalDeltaRecoveryTest::summary))
                .as("only the two missed writes, no clear and no streamed batch")
                .containsExactly("upsert 110..149", "delete [0, 1, 2, 3, 4]");
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());
        assertThat(peers.replicas.get(C).points()).hasSize(145);
        assertThat(peers.proposals.stream().map(c -> c.body().get("state").asText()))
                .containsExactly("Dead", "Partial", "Active");

        // the run goes on unbroken: a later outage is repaired by a delta again
        peers.kill(C);
        peers.sets.get(A).update(upsert(200, 210), true);
        peers.revive(C);
        try (ReplicaRecovery r = recovery()) {
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            eventually(() -> !r.finished("c").isEmpty(), "transfer recorded");
            assertThat(r.finished("c").getFirst().transfer().method()).isEqualTo("wal_delta");
        }
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());
    }

    @Test
    void anUnknownRecoveryPointFallsBackToStreamRecords() throws Exception {
        killWriteRevive();
        // something untagged reached C's replica (e.g. a transfer batch from an earlier primary)
        peers.clocks.get(C).applyUntagged("c", 0, () -> peers.replicas.get(C).update(upsert(500, 501), true));
        try (ReplicaRecovery r = recovery()) {
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            eventually(() -> !r.finished("c").isEmpty(), "transfer recorded");
            ReplicaRecovery.Finished f = r.finished("c").getFirst();
            assertThat(f.transfer().method()).isEqualTo("stream_records");
            assertThat(f.fallbackReason()).contains("unknown");
        }
        assertThat(peers.replicas.get(C).applied())
                .as("the stream starts with a clear")
                .contains(new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL)));
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());
        assertThat(peers.replicas.get(C).points()).doesNotContainKey(PointId.of(500));
    }

    /** A transfer log in memory that also keeps what was recorded, in order. */
    private static final class RecordingLog implements TransferLog {
        final TransferLog rows = TransferLog.inMemory();
        final List<String> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public ShardTransfer find(String collection, int shardId, long to) {
            return rows.find(collection, shardId, to);
        }

        @Override
        public List<ShardTransfer> list(String collection) {
            return rows.list(collection);
        }

        @Override
        public void start(String collection, ShardTransfer t) {
            recorded.add("start " + t.method() + " from " + t.from());
            rows.start(collection, t);
        }

        @Override
        public void finish(String collection, ShardTransfer t) {
            recorded.add("finish");
            rows.finish(collection, t);
        }
    }

    @Test
    void theRepairIsRecordedAndATransferInTheLogIsResumedWithItsMethod() throws Exception {
        killWriteRevive();
        RecordingLog log = new RecordingLog();
        // another primary (B) started a stream to C and stopped before its end (killed, or no longer primary)
        log.rows.start("c", new ShardTransfer(0, B, C, "stream_records", true, false));
        try (ReplicaRecovery r = new ReplicaRecovery(
                () -> List.of(peers.sets.get(A), peers.sets.get(B), peers.sets.get(C)),
                new ReplicaRecovery.Settings(Duration.ofMillis(50), 16, 0),
                log)) {
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            eventually(() -> log.list("c").isEmpty(), "the finish recorded");
            ReplicaRecovery.Finished f = r.finished("c").getFirst();
            assertThat(f.transfer().method())
                    .as("the recorded method, though a delta was possible")
                    .isEqualTo("stream_records");
            assertThat(f.fallbackReason()).isEqualTo("asked for stream_records");
        }
        assertThat(log.recorded)
                .as("the new primary takes the transfer over (from = itself), then finishes it")
                .containsExactly("start stream_records from " + A, "finish");
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());

        // an automatic repair with nothing recorded records wal_delta first
        peers.kill(C);
        peers.sets.get(A).update(upsert(300, 310), true);
        peers.revive(C);
        log.recorded.clear();
        try (ReplicaRecovery r = new ReplicaRecovery(
                () -> List.of(peers.sets.get(A), peers.sets.get(B), peers.sets.get(C)),
                new ReplicaRecovery.Settings(Duration.ofMillis(50), 16, 0),
                log)) {
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE && log.recorded.contains("finish"), "C repaired");
        }
        assertThat(log.recorded.getFirst()).as("%s", log.recorded).isEqualTo("start wal_delta from " + A);
        assertThat(log.recorded.getLast()).as("%s", log.recorded).isEqualTo("finish");
        assertThat(log.list("c")).isEmpty();
    }

    // ------------------------------------------------------------ across a primary change

    /** Repairs A and returns the finished transfer to it. */
    private ReplicaRecovery.Finished repairA() throws InterruptedException {
        try (ReplicaRecovery r = recovery()) {
            r.start();
            InProcessPeers.eventually(() -> peers.state(A) == ReplicaState.ACTIVE, "A Active again");
            InProcessPeers.eventually(() -> !r.finished("c").isEmpty(), "transfer recorded");
            return r.finished("c").getFirst();
        }
    }

    /** B's writes while A, the primary, is down: the first marks A Dead and makes B the primary. */
    private void bTakesOverAndWrites() {
        peers.sets.get(C).update(upsert(110, 150), true);
        assertThat(peers.state(A)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.sets.get(B).primaryHere()).isTrue();
        peers.sets.get(C).update(delete(0, 1, 2, 3, 4), true);
        peers.sets.get(B).update(upsert(150, 160), true);
    }

    @Test
    void theFormerPrimaryGetsExactlyTheNewPrimarysWritesByWalDelta() throws Exception {
        peers.sets.get(B).update(upsert(0, 100), true); // ordered by A
        peers.sets.get(C).update(upsert(100, 110), true);
        peers.kill(A);
        bTakesOverAndWrites();
        peers.revive(A);
        int appliedBefore = peers.replicas.get(A).applied().size();

        ReplicaRecovery.Finished f = repairA();
        assertThat(f.transfer().method())
                .as("fallback reason: %s", f.fallbackReason())
                .isEqualTo("wal_delta");
        assertThat(f.transfer().from()).isEqualTo(B);
        assertThat(f.items()).as("B's three writes").isEqualTo(3);
        assertThat(f.activated()).isTrue();
        List<PointOperation> got = peers.replicas.get(A).applied();
        assertThat(got.subList(appliedBefore, got.size()).stream().map(WalDeltaRecoveryTest::summary))
                .as("only B's writes, no clear and no streamed batch")
                .containsExactly("upsert 110..149", "delete [0, 1, 2, 3, 4]", "upsert 150..159");
        assertThat(peers.replicas.get(A).points())
                .isEqualTo(peers.replicas.get(B).points());
        assertThat(peers.replicas.get(A).points()).hasSize(155);

        // A's new run (B's incarnation) goes on: a later outage is a delta of the usual kind
        peers.kill(A);
        peers.sets.get(B).update(upsert(200, 210), true);
        peers.revive(A);
        ReplicaRecovery.Finished again = repairA();
        assertThat(again.transfer().method())
                .as("fallback reason: %s", again.fallbackReason())
                .isEqualTo("wal_delta");
        assertThat(again.items()).isEqualTo(1);
        assertThat(peers.replicas.get(A).points())
                .isEqualTo(peers.replicas.get(B).points());
    }

    @Test
    void aWriteTheFormerPrimaryAppliedAloneIsRemovedByAStream() throws Exception {
        peers.sets.get(B).update(upsert(0, 100), true); // ordered by A
        CountDownLatch held = new CountDownLatch(1);
        peers.heldForwards.put(A, held); // A applies the next write, its forwards wait
        Thread lonely = Thread.ofVirtual().start(() -> {
            try {
                peers.sets.get(A).update(upsert(900, 901), true);
            } catch (RuntimeException expected) {
                // refused by the replicas' fence once B is the primary: never acknowledged
            }
        });
        InProcessPeers.eventually(() -> peers.replicas.get(A).points().containsKey(PointId.of(900)), "A applied 900");
        peers.kill(A);
        bTakesOverAndWrites();
        held.countDown();
        lonely.join(10_000);
        assertThat(peers.replicas.get(B).points()).doesNotContainKey(PointId.of(900));
        peers.revive(A);

        ReplicaRecovery.Finished f = repairA();
        assertThat(f.transfer().method()).isEqualTo("stream_records");
        assertThat(f.fallbackReason()).contains("never applied").contains("never acknowledged");
        assertThat(peers.replicas.get(A).applied())
                .as("the stream starts with a clear")
                .contains(new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL)));
        assertThat(peers.replicas.get(A).points())
                .isEqualTo(peers.replicas.get(B).points());
        assertThat(peers.replicas.get(A).points()).doesNotContainKey(PointId.of(900));
    }

    @Test
    void aReplicaOfAThirdPrimarysRunFallsBack() throws Exception {
        peers.sets.get(B).update(upsert(0, 100), true); // ordered by A; C applied it as a replica
        peers.kill(C);
        peers.sets.get(B).update(upsert(100, 110), true); // C Dead
        peers.kill(A);
        peers.sets.get(B).update(upsert(110, 120), true); // B primary
        peers.revive(C);
        try (ReplicaRecovery r = recovery()) {
            r.start();
            InProcessPeers.eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            InProcessPeers.eventually(() -> !r.finished("c").isEmpty(), "transfer recorded");
            ReplicaRecovery.Finished f = r.finished("c").getFirst();
            assertThat(f.transfer().method()).isEqualTo("stream_records");
            assertThat(f.fallbackReason()).contains("did not order that run");
        }
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(B).points());
    }
}
