package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retained history on disk: a primary's run (incarnation, ticks, retained writes, replicas
 * known complete) survives a reopen when the history ends at the local replica's last write, and is
 * discarded (so the delta falls back to stream_records with the reason) when it does not, or when
 * the file is corrupt.
 */
class RetainedHistoryFileTest {
    private static final long R = 7;
    private static final Supplier<Collection<Long>> ACTIVE = () -> List.of(R);

    @TempDir
    Path dir;

    private long seq = 1;

    private static PointOperation delete(long id) {
        return new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(id))));
    }

    private Path file() {
        return dir.resolve("0.retained");
    }

    private RetainedOperations open(long localLast) {
        return RetainedOperations.open(file(), 100, 1 << 20, localLast);
    }

    private OperationTag write(RetainedOperations ops, int n) {
        OperationTag last = null;
        for (int i = 0; i < n; i++) {
            last = ops.append(delete(seq), seq++, ACTIVE);
        }
        return last;
    }

    @Test
    void theRunSurvivesAReopenAndTheDeltaIsTheSame() {
        RetainedOperations ops = open(0);
        write(ops, 10);
        long incarnation = ops.incarnation();
        ops.localWrite(seq++, ACTIVE); // a transfer barrier: no gap after the reopen
        ops.close();

        RetainedOperations again = open(seq - 1);
        assertThat(again.incarnation()).isEqualTo(incarnation);
        RetainedOperations.Delta d = again.delta(R, new RecoveryPoint(incarnation, 1, 6));
        assertThat(d.reason()).isNull();
        assertThat(d.operations()).extracting(RetainedOperations.Entry::tick).containsExactly(7L, 8L, 9L, 10L);
        assertThat(d.operations().getFirst().operation()).isEqualTo(delete(7));
        // the run goes on: the next write is tick 11 of the same incarnation
        assertThat(again.append(delete(99), seq++, ACTIVE)).isEqualTo(new OperationTag(incarnation, 11));
    }

    @Test
    void aHistoryBehindTheLocalReplicaIsDiscardedAndTheDeltaFallsBack() {
        RetainedOperations ops = open(0);
        write(ops, 5);
        long incarnation = ops.incarnation();
        ops.close();

        // the local replica applied a write the history never recorded (a lost suffix)
        RetainedOperations again = open(seq);
        assertThat(again.delta(R, new RecoveryPoint(incarnation, 1, 3)).reason())
                .contains("another primary or an earlier process")
                .contains("ends at local write 5 but the local replica's last write is 6");
        assertThat(again.append(delete(1), seq + 1, ACTIVE).incarnation()).isNotEqualTo(incarnation);
    }

    @Test
    void aFlippedBitCutsTheHistoryThereAndTheDeltaFallsBack() throws Exception {
        RetainedOperations ops = open(0);
        write(ops, 8);
        long incarnation = ops.incarnation();
        ops.close();
        byte[] bytes = Files.readAllBytes(file());
        bytes[bytes.length / 2] ^= 0x10; // inside some middle record
        Files.write(file(), bytes);

        RetainedOperations again = open(seq - 1);
        RetainedOperations.Delta d = again.delta(R, new RecoveryPoint(incarnation, 1, 2));
        assertThat(d.possible()).isFalse();
        assertThat(d.reason())
                .contains("history discarded at start")
                .contains("but the local replica's last write is 8");
    }

    @Test
    void aCorruptHeaderIsDiscardedWithTheReason() throws Exception {
        RetainedOperations ops = open(0);
        write(ops, 3);
        long incarnation = ops.incarnation();
        ops.close();
        byte[] bytes = Files.readAllBytes(file());
        bytes[1] ^= 0x01;
        Files.write(file(), bytes);

        assertThat(open(seq - 1).delta(R, new RecoveryPoint(incarnation, 1, 2)).reason())
                .contains("bad header");
    }

    @Test
    void aTornTailIsCutAndTheValidPrefixKept() throws Exception {
        RetainedOperations ops = open(0);
        write(ops, 4);
        long incarnation = ops.incarnation();
        ops.missed(R); // the last record, torn below
        ops.close();
        long size = Files.size(file());
        try (var ch = java.nio.channels.FileChannel.open(file(), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }

        RetainedOperations again = open(seq - 1);
        assertThat(Files.size(file())).as("torn record cut off").isLessThan(size - 3);
        assertThat(again.delta(R, new RecoveryPoint(incarnation, 1, 2)).operations())
                .extracting(RetainedOperations.Entry::tick)
                .containsExactly(3L, 4L);
    }

    @Test
    void aTruncationInsideAWriteDiscardsTheHistory() throws Exception {
        RetainedOperations ops = open(0);
        write(ops, 4);
        long incarnation = ops.incarnation();
        ops.close();
        try (var ch = java.nio.channels.FileChannel.open(file(), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(file()) - 5);
        }
        assertThat(open(seq - 1).delta(R, new RecoveryPoint(incarnation, 1, 2)).reason())
                .contains("ends at local write 3 but the local replica's last write is 4");
    }

    @Test
    void theFileIsCompactedAndStillReplaysTheSameRun() throws Exception {
        RetainedOperations ops = RetainedOperations.open(file(), 50, 1 << 20, 0);
        ops.baseFrom(last -> last == 0 ? new RecoveryPoint(PREVIOUS, 3, 7) : RecoveryPoint.UNKNOWN);
        for (int i = 0; i < 40_000; i++) {
            ops.append(delete(seq), seq++, ACTIVE);
        }
        long incarnation = ops.incarnation();
        ops.forget(R);
        ops.complete(R);
        ops.close();
        assertThat(Files.size(file())).as("bounded").isLessThan(3L * RetainedOperations.MIN_COMPACT_BYTES);

        RetainedOperations again = RetainedOperations.open(file(), 50, 1 << 20, seq - 1);
        assertThat(again.incarnation()).isEqualTo(incarnation);
        assertThat(again.size()).isEqualTo(50);
        assertThat(again.delta(R, new RecoveryPoint(incarnation, 40_000, 40_000))
                        .operations())
                .isEmpty();
        assertThat(again.delta(R, new RecoveryPoint(incarnation, 1, 39_990)).operations())
                .extracting(RetainedOperations.Entry::tick)
                .hasSize(10)
                .startsWith(39_991L);
        // the incarnation's base and first tick survived the compactions (the first write did not)
        assertThat(again.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(9L, 2L)), 9)
                        .reason())
                .contains("previous primary's run 5eed")
                .contains("no longer all retained (oldest 39951, first 1)");
    }

    private static final long PREVIOUS = 0x5eed;

    @Test
    void theBaseSurvivesAReopenAndAVersionOneFileIsUpgraded() throws Exception {
        RetainedOperations ops = open(0);
        ops.baseFrom(last -> last == 0 ? new RecoveryPoint(PREVIOUS, 3, 7) : RecoveryPoint.UNKNOWN);
        write(ops, 3);
        long incarnation = ops.incarnation();
        ops.close();
        byte[] bytes = Files.readAllBytes(file());
        assertThat(java.nio.ByteBuffer.wrap(bytes).getInt(4)).isEqualTo(2);
        bytes[7] = 1; // the same records under a version-1 header
        Files.write(file(), bytes);

        RetainedOperations again = open(seq - 1);
        assertThat(java.nio.ByteBuffer.wrap(Files.readAllBytes(file())).getInt(4))
                .as("rewritten as version 2")
                .isEqualTo(2);
        assertThat(again.incarnation()).isEqualTo(incarnation);
        RetainedOperations.Delta d = again.delta(R, new RecoveryPoint(PREVIOUS, 1, 7, java.util.Map.of(9L, 2L)), 9);
        assertThat(d.reason()).isNull();
        assertThat(d.operations()).extracting(RetainedOperations.Entry::tick).containsExactly(1L, 2L, 3L);
        assertThat(again.orderedRun(seq - 1)).isEqualTo(new RecoveryPoint(incarnation, 1, 3, java.util.Map.of(R, 0L)));
    }

    @Test
    void aBaseRecordEncodesByteByByte() {
        byte[] body = RetainedHistoryFile.encode(new RetainedHistoryFile.Base(5, new RecoveryPoint(PREVIOUS, 3, 7)));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        assertThat(body).hasSize(33);
        assertThat(b.get(0)).isEqualTo((byte) 7);
        assertThat(b.getLong(1)).isEqualTo(5);
        assertThat(b.getLong(9)).isEqualTo(PREVIOUS);
        assertThat(b.getLong(17)).isEqualTo(3);
        assertThat(b.getLong(25)).isEqualTo(7);
        assertThat(RetainedHistoryFile.decode(body))
                .isEqualTo(new RetainedHistoryFile.Base(5, new RecoveryPoint(PREVIOUS, 3, 7)));
        assertThat(RetainedHistoryFile.decode(
                        RetainedHistoryFile.encode(new RetainedHistoryFile.Base(1, RecoveryPoint.UNKNOWN))))
                .isEqualTo(new RetainedHistoryFile.Base(1, RecoveryPoint.UNKNOWN));
    }
}
