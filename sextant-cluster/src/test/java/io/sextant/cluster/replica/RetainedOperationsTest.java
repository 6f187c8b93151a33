package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which suffix of writes a replica gets by {@code wal_delta}, and when it falls back. */
class RetainedOperationsTest {
    private static final long R = 7;
    private static final Supplier<Collection<Long>> ACTIVE = () -> List.of(R);

    private long seq = 100;

    private static PointOperation delete(long id) {
        return new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id))));
    }

    /** Appends {@code n} writes as the primary would (consecutive local WAL numbers). */
    private OperationTag write(RetainedOperations ops, int n) {
        OperationTag last = null;
        for (int i = 0; i < n; i++) {
            last = ops.append(delete(seq), seq++, ACTIVE);
        }
        return last;
    }

    private static List<Long> ticks(RetainedOperations.Delta d) {
        return d.operations().stream().map(RetainedOperations.Entry::tick).toList();
    }

    @Test
    void aReplicaGetsExactlyTheWritesAfterItsLastTick() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        OperationTag last = write(ops, 10);
        assertThat(last.tick()).isEqualTo(10);
        RetainedOperations.Delta d = ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 6));
        assertThat(d.possible()).isTrue();
        assertThat(ticks(d)).containsExactly(7L, 8L, 9L, 10L);
        assertThat(d.incarnation()).isEqualTo(ops.incarnation());
        assertThat(d.operations().getFirst().operation()).isEqualTo(delete(106)); // the 7th write
    }

    @Test
    void anUpToDateReplicaGetsAnEmptyDelta() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        write(ops, 3);
        RetainedOperations.Delta d = ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 3));
        assertThat(d.possible()).isTrue();
        assertThat(d.operations()).isEmpty();
    }

    @Test
    void unknownOrForeignRecoveryPointsFallBack() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        write(ops, 5);
        assertThat(ops.delta(R, RecoveryPoint.UNKNOWN).reason()).contains("unknown");
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation() + 1, 1, 3)).reason())
                .contains("another primary");
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 9)).reason())
                .contains("ahead");
    }

    @Test
    void aReplicaNeverKnownCompleteOrWhoseRunStartedLaterFallsBack() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        ops.append(delete(seq), seq++, List::of); // R was not Active at the first write
        write(ops, 4);
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 3)).reason())
                .contains("never known complete");

        RetainedOperations active = new RetainedOperations(100, 1 << 20);
        write(active, 5);
        // its run starts at tick 3: it may lack ticks 1 and 2
        assertThat(active.delta(R, new RecoveryPoint(active.incarnation(), 3, 4))
                        .reason())
                .contains("starts after tick 1");
        assertThat(active.delta(R, new RecoveryPoint(active.incarnation(), 1, 4))
                        .possible())
                .isTrue();
    }

    @Test
    void aStreamTransferForgetsTheReplicaUntilItsLastBatch() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        write(ops, 4);
        ops.forget(R); // the stream's clear
        write(ops, 2); // ticks 5, 6 reach it during the stream
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 5, 6)).possible())
                .isFalse();
        ops.complete(R); // the last batch: complete as of tick 6
        write(ops, 3); // 7..9
        RetainedOperations.Delta d = ops.delta(R, new RecoveryPoint(ops.incarnation(), 5, 7));
        assertThat(ticks(d)).containsExactly(8L, 9L);
        // a run that began after tick 7 does not prove it has tick 7
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 8, 8)).possible())
                .isFalse();
    }

    @Test
    void aReplicaThatMissedAWriteDuringItsStreamIsNotCompleteAtItsEnd() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        write(ops, 2);
        ops.forget(R); // the stream's clear
        write(ops, 1); // tick 3: R missed it (a batch holding that point may already have been sent)
        ops.missed(R);
        ops.complete(R); // the stream's end, before R was marked Dead
        write(ops, 1); // tick 4 reached R: a run 4..4 after the last batch
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 4, 4)).reason())
                .contains("never known complete");
        ops.forget(R); // the next stream starts clean
        write(ops, 1);
        ops.complete(R); // complete as of tick 5
        write(ops, 2); // 6, 7
        assertThat(ticks(ops.delta(R, new RecoveryPoint(ops.incarnation(), 6, 6))))
                .containsExactly(7L);
    }

    @Test
    void writesNoLongerRetainedFallBack() {
        RetainedOperations ops = new RetainedOperations(4, 1 << 20);
        write(ops, 10); // keeps 7..10
        assertThat(ops.size()).isEqualTo(4);
        assertThat(ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 5)).reason())
                .contains("no longer retained");
        assertThat(ticks(ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 6))))
                .containsExactly(7L, 8L, 9L, 10L);

        long perWrite = OperationSize.estimate(delete(0));
        RetainedOperations small = new RetainedOperations(100, 3 * perWrite);
        write(small, 5);
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.delta(R, new RecoveryPoint(small.incarnation(), 1, 1)).possible())
                .isFalse();
    }

    @Test
    void aWriteThisPeerDidNotOrderStartsANewIncarnation() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        write(ops, 3);
        long before = ops.incarnation();
        ops.localWrite(seq++, ACTIVE); // a transfer barrier: no gap
        write(ops, 1);
        assertThat(ops.incarnation()).isEqualTo(before);

        seq += 5; // another primary wrote to the local replica meanwhile
        OperationTag tag = write(ops, 1);
        assertThat(ops.incarnation()).isNotEqualTo(before);
        assertThat(tag.incarnation()).isEqualTo(ops.incarnation());
        assertThat(ops.delta(R, new RecoveryPoint(before, 1, 4)).possible()).isFalse();
        assertThat(ops.size()).isEqualTo(1);
        // the Active replica is complete as of the restart: the new run is deltable from it
        write(ops, 2);
        assertThat(ticks(ops.delta(R, new RecoveryPoint(ops.incarnation(), tag.tick(), tag.tick()))))
                .containsExactly(tag.tick() + 1, tag.tick() + 2);
    }

    private static final long SELF = 2;
    private static final long PREVIOUS = 0x5eed;

    /** A primary that took over from PREVIOUS's run, its replica having applied ticks 3..7 of it. */
    private RetainedOperations tookOver(int max) {
        RetainedOperations ops = new RetainedOperations(max, 1 << 20);
        long before = seq - 1; // the local write before this run's first
        ops.baseFrom(last -> last == before ? new RecoveryPoint(PREVIOUS, 3, 7) : RecoveryPoint.UNKNOWN);
        write(ops, 3);
        return ops;
    }

    @Test
    void aReturningFormerPrimaryThatVouchesForThisPeerGetsAllOfThisRun() {
        RetainedOperations ops = tookOver(100);
        RetainedOperations.Delta d = ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(SELF, 2L)), SELF);
        assertThat(d.possible()).as(d.reason()).isTrue();
        assertThat(ticks(d)).containsExactly(1L, 2L, 3L);
        assertThat(d.incarnation()).isEqualTo(ops.incarnation());
        // known complete before this run's first tick: its next point (this run, from tick 1) is fine
        write(ops, 2);
        assertThat(ticks(ops.delta(R, new RecoveryPoint(ops.incarnation(), 1, 3), SELF)))
                .containsExactly(4L, 5L);
    }

    @Test
    void acrossAPrimaryChangeEveryUnprovableCaseFallsBackWithItsReason() {
        RetainedOperations ops = tookOver(100);
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 7), SELF).reason())
                .contains("did not order that run");
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(R, 2L)), SELF)
                        .reason())
                .contains("cannot say when this peer was last complete");
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(SELF, 1L)), SELF)
                        .reason())
                .contains("begin at tick 3, after tick 2");
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 9, java.util.Map.of(SELF, 2L)), SELF)
                        .reason())
                .contains("holds 2 writes of it (ticks 8..9) this primary never applied");
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS, 1, 6, java.util.Map.of(SELF, 2L)), SELF)
                        .reason())
                .contains("stops at tick 6");
        assertThat(ops.delta(R, new RecoveryPoint(PREVIOUS + 1, 1, 7, java.util.Map.of(SELF, 2L)), SELF)
                        .reason())
                .contains("another primary");

        RetainedOperations small = tookOver(2); // the run's first write is gone
        assertThat(small.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(SELF, 2L)), SELF)
                        .reason())
                .contains("no longer all retained");

        RetainedOperations noBase = new RetainedOperations(100, 1 << 20); // the clock did not match
        noBase.baseFrom(last -> RecoveryPoint.UNKNOWN);
        write(noBase, 3);
        assertThat(noBase.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(SELF, 2L)), SELF)
                        .reason())
                .contains("another primary");
    }

    @Test
    void theOrderedRunDescribesTheReplicaUntilAnotherPeersWriteReachesIt() {
        RetainedOperations ops = new RetainedOperations(100, 1 << 20);
        assertThat(ops.orderedRun(seq - 1)).isNull();
        write(ops, 3);
        assertThat(ops.orderedRun(seq - 1))
                .isEqualTo(new RecoveryPoint(ops.incarnation(), 1, 3, java.util.Map.of(R, 0L)));
        assertThat(ops.orderedRun(seq)).as("a write it did not order").isNull();
        ops.missed(R); // it held every write up to tick 0 all the same
        assertThat(ops.orderedRun(seq - 1).knownComplete()).containsEntry(R, 0L);
        RetainedOperations alone = new RetainedOperations(100, 1 << 20);
        alone.append(delete(1), seq++, List::of);
        assertThat(alone.orderedRun(seq - 1)).as("nobody known complete").isNull();
    }
}
