package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.ReplicaState;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery of a Dead replica by streaming records, on three in-process peers (1 is the primary). */
class ReplicaRecoveryTest {
    private static final long A = 1;
    private static final long B = 2;
    private static final long C = 3;

    @TempDir
    Path dir;

    private InProcessPeers peers;

    @BeforeEach
    void wire() {
        peers = new InProcessPeers(List.of(A, B, C), List.of(), dir);
    }

    @AfterEach
    void close() {
        peers.sets.values().forEach(ReplicaSet::close);
    }

    private static PointOperation upsert(int from, int to, int version) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(point(i, version));
        }
        return new PointOperation.Upsert(pts);
    }

    private static PointOperation.PointStruct point(long id, int version) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("id", id).put("v", version);
        return new PointOperation.PointStruct(PointId.of(id), Map.of("", new float[] {id, version}), payload);
    }

    private static PointOperation delete(long... ids) {
        List<PointId> list = new ArrayList<>();
        for (long id : ids) {
            list.add(PointId.of(id));
        }
        return new PointOperation.Delete(new PointsSelector.Ids(list));
    }

    private ReplicaRecovery recovery(int batch, int pointsPerSecond) {
        return new ReplicaRecovery(
                () -> List.of(peers.sets.get(A), peers.sets.get(B), peers.sets.get(C)),
                new ReplicaRecovery.Settings(Duration.ofMillis(50), batch, pointsPerSecond));
    }

    /** C misses writes while down, is marked Dead, then comes back with stale data. */
    private void killWriteRevive() {
        peers.sets.get(B).update(upsert(0, 100, 1), true);
        peers.kill(C);
        peers.sets.get(B).update(upsert(100, 150, 1), true);
        peers.sets.get(B).update(delete(0, 1, 2, 3, 4), true);
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        peers.revive(C);
        peers.replicas.get(C).plant(point(7777, 0)); // deleted elsewhere long ago: must not come back
    }

    private static void eventually(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        InProcessPeers.eventually(done, what);
    }

    @Test
    void aDeadReplicaIsRefilledFromThePrimaryAndBecomesActive() throws Exception {
        killWriteRevive();
        assertThat(peers.replicas.get(C).points()).doesNotContainKey(PointId.of(120));
        java.util.concurrent.atomic.AtomicReference<ReplicaRecovery> recovery =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<List<ReplicaRecovery.Transfer>> seenWhileStreaming = new java.util.concurrent.CopyOnWriteArrayList<>();
        peers.replicas.get(A).onScroll =
                offset -> seenWhileStreaming.add(recovery.get().transfers("c"));
        try (ReplicaRecovery r = recovery(16, 0)) {
            recovery.set(r);
            r.start();
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            eventually(() -> !r.transferring(), "transfer over");
            assertThat(r.transfers("c")).isEmpty();
        }
        assertThat(seenWhileStreaming).isNotEmpty().allSatisfy(t -> assertThat(t)
                .containsExactly(new ReplicaRecovery.Transfer("c", 0, A, C, "stream_records")));
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());
        assertThat(peers.replicas.get(C).points()).hasSize(145).doesNotContainKey(PointId.of(7777));
        assertThat(peers.proposals.stream().map(c -> c.body().get("state").asText()))
                .containsExactly("Dead", "Partial", "Active");
        assertThat(peers.replicas.get(A).applied())
                .as("the primary's local replica got only the writes and the read barriers")
                .filteredOn(op -> !(op instanceof PointOperation.Delete d
                        && d.selector() instanceof PointsSelector.Ids ids
                        && ids.ids().isEmpty()))
                .hasSize(3);
    }

    @Test
    void writesDuringTheTransferAreNeverUndoneByItsBatches() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        killWriteRevive();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            int version = 2;
            while (!stop.get()) {
                long id = random.nextInt(160);
                PointOperation op =
                        random.nextBoolean() ? delete(id) : new PointOperation.Upsert(List.of(point(id, version++)));
                peers.sets.get(random.nextBoolean() ? B : C).update(op, true);
                writes.incrementAndGet();
            }
        });
        try (ReplicaRecovery r = recovery(4, 400).start()) { // ~0.4 s of streaming, 4 points per batch
            eventually(() -> peers.state(C) == ReplicaState.ACTIVE, "C Active again");
            Thread.sleep(100); // a few writes after activation too
            stop.set(true);
            writer.get(10, TimeUnit.SECONDS);
            eventually(() -> !r.transferring(), "transfer over");
        }
        assertThat(writes.get()).as("seed %d", seed).isGreaterThan(20);
        assertThat(peers.replicas.get(C).points())
                .as("seed %d: C holds exactly the primary's points and payloads", seed)
                .isEqualTo(peers.replicas.get(A).points());
        assertThat(peers.replicas.get(B).points())
                .as("seed %d", seed)
                .isEqualTo(peers.replicas.get(A).points());
    }

    @Test
    void aDeleteThatRacesABatchIsAppliedAfterIt() throws Exception {
        killWriteRevive();
        List<CompletableFuture<?>> racers = new java.util.concurrent.CopyOnWriteArrayList<>();
        peers.replicas.get(A).onScroll = offset -> {
            if (offset != null && offset.equals(PointId.of(21))) { // the batch holding 21..36 is being read
                racers.add(CompletableFuture.runAsync(() -> peers.sets.get(B).update(delete(25), true)));
                racers.add(CompletableFuture.runAsync(
                        () -> peers.sets.get(C).update(new PointOperation.Upsert(List.of(point(30, 9))), true)));
            }
        };
        ReplicaRecovery r = recovery(16, 0);
        assertThat(r.transfer(peers.sets.get(A), C)).isTrue();
        for (CompletableFuture<?> f : racers) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(racers).hasSize(2);
        assertThat(peers.replicas.get(A).points()).doesNotContainKey(PointId.of(25));
        assertThat(peers.replicas.get(C).points())
                .as("neither the deleted point nor the old payload comes back")
                .doesNotContainKey(PointId.of(25))
                .isEqualTo(peers.replicas.get(A).points());
        assertThat(peers.replicas.get(C).points().get(PointId.of(30)).get("v").asInt())
                .isEqualTo(9);
    }

    @Test
    void aReplicaThatFailsDuringTheTransferIsDeadAgainAndRetriedLater() throws Exception {
        killWriteRevive();
        AtomicInteger upserts = new AtomicInteger();
        peers.replicas.get(C).failUpdates = () -> {
            if (upserts.incrementAndGet() >= 3 && upserts.get() < 3 + ReplicaRecovery.BATCH_ATTEMPTS) {
                return new ServiceException("disk full");
            }
            return null;
        };
        ReplicaRecovery r = recovery(16, 0);
        ReplicaSet primary = peers.sets.get(A);
        assertThat(r.transfer(primary, C))
                .as("third operation fails every attempt")
                .isFalse();
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(r.transfer(primary, C)).as("the next round succeeds").isTrue();
        assertThat(peers.state(C)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(peers.replicas.get(C).points())
                .isEqualTo(peers.replicas.get(A).points());
    }

    @Test
    void onlyThePrimaryTransfersAndAnUnreachablePeerIsLeftDead() {
        killWriteRevive();
        peers.kill(C);
        ReplicaRecovery r = recovery(16, 0);
        assertThat(r.transfer(peers.sets.get(A), C)).isFalse();
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        peers.revive(C);
        assertThat(r.transfer(peers.sets.get(B), C)).as("B is not the primary").isFalse();
        assertThat(peers.state(C)).isEqualTo(ReplicaState.DEAD);
        assertThat(peers.proposals).hasSize(1);
    }
}
