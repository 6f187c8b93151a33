package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's record of the tagged writes it applied, and its file. */
class ReplicaClocksTest {
    private static final long I = 0x1234;

    @TempDir
    Path dir;

    private final AtomicInteger applied = new AtomicInteger();

    private void tagged(ReplicaClocks c, long incarnation, long tick) {
        c.applyTagged("c", 0, new OperationTag(incarnation, tick), applied::incrementAndGet);
    }

    @Test
    void anUnbrokenRunOfTaggedWritesIsRecorded() {
        ReplicaClocks c = ReplicaClocks.inMemory();
        assertThat(c.point("c", 0)).isEqualTo(RecoveryPoint.UNKNOWN);
        tagged(c, I, 4);
        tagged(c, I, 5);
        tagged(c, I, 6);
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I, 4, 6));
        assertThat(c.point("c", 1)).isEqualTo(RecoveryPoint.UNKNOWN);
        assertThat(applied).hasValue(3);
        tagged(c, I, 5); // a delta sent again from 5: still the same run
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I, 4, 5));
    }

    @Test
    void aGapAnotherIncarnationOrAnUntaggedWriteBreaksTheRun() {
        ReplicaClocks c = ReplicaClocks.inMemory();
        tagged(c, I, 1);
        tagged(c, I, 3); // tick 2 missed
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I, 3, 3));
        tagged(c, I + 1, 9);
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I + 1, 9, 9));
        c.applyUntagged("c", 0, applied::incrementAndGet);
        assertThat(c.point("c", 0)).isEqualTo(RecoveryPoint.UNKNOWN);
        tagged(c, I + 1, 10);
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I + 1, 10, 10));
    }

    @Test
    void aFailedWriteLeavesThePointUnknown() {
        ReplicaClocks c = ReplicaClocks.inMemory();
        tagged(c, I, 1);
        assertThatThrownBy(() -> c.applyTagged("c", 0, new OperationTag(I, 2), () -> {
                    throw new IllegalStateException("disk");
                }))
                .hasMessage("disk");
        assertThat(c.point("c", 0)).isEqualTo(RecoveryPoint.UNKNOWN);
    }

    @Test
    void pointsSurviveAReopenPerCollectionAndShard() {
        ReplicaClocks c = ReplicaClocks.open(dir);
        tagged(c, I, 1);
        tagged(c, I, 2);
        c.applyTagged("other/name é", 3, new OperationTag(I, 8), applied::incrementAndGet);
        ReplicaClocks again = ReplicaClocks.open(dir);
        assertThat(again.point("c", 0)).isEqualTo(new RecoveryPoint(I, 1, 2));
        assertThat(again.point("other/name é", 3)).isEqualTo(new RecoveryPoint(I, 8, 8));
        assertThat(again.point("c", 3)).isEqualTo(RecoveryPoint.UNKNOWN);
    }

    @Test
    void theFileLayoutIsVersionTwo() {
        byte[] b = ReplicaClocks.encode(new RecoveryPoint(I, 3, 9), 77);
        assertThat(b).hasSize(44);
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertThat(new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("SXRC");
        assertThat(buf.getInt(4)).isEqualTo(2);
        assertThat(buf.getLong(8)).isEqualTo(I);
        assertThat(buf.getLong(16)).isEqualTo(3);
        assertThat(buf.getLong(24)).isEqualTo(9);
        assertThat(buf.getLong(32)).isEqualTo(77);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 40);
        assertThat(buf.getInt(40)).isEqualTo((int) crc.getValue());
        assertThat(ReplicaClocks.decode(b, "t")).isEqualTo(new ReplicaClocks.Stored(new RecoveryPoint(I, 3, 9), 77));
    }

    /** A version-1 file, 36 bytes, as written before the local sequence number was kept. */
    private static byte[] versionOne(RecoveryPoint p) {
        ByteBuffer b = ByteBuffer.allocate(36);
        b.put("SXRC".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(1)
                .putLong(p.incarnation())
                .putLong(p.first())
                .putLong(p.last());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, 32);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    @Test
    void aVersionOneFileIsReadWithItsSequenceNumberUnknown() throws Exception {
        ReplicaClocks c = ReplicaClocks.open(dir);
        tagged(c, I, 1);
        Path file;
        try (var s = Files.list(dir)) {
            file = s.toList().getFirst();
        }
        Files.write(file, versionOne(new RecoveryPoint(I, 2, 5)));
        ReplicaClocks again = ReplicaClocks.open(dir);
        assertThat(again.point("c", 0)).isEqualTo(new RecoveryPoint(I, 2, 5));
        assertThat(again.pointAt("c", 0, 5))
                .as("no sequence number in version 1")
                .isEqualTo(RecoveryPoint.UNKNOWN);
        again.applyTagged("c", 0, new OperationTag(I, 6), () -> new io.sextant.shard.UpdateResult(41, true));
        assertThat(Files.size(file)).as("rewritten as version 2").isEqualTo(44);
        assertThat(ReplicaClocks.open(dir).pointAt("c", 0, 41)).isEqualTo(new RecoveryPoint(I, 2, 6));
    }

    @Test
    void pointAtDescribesTheReplicaOnlyWhenItsLastWriteWasTheLastTaggedOne() {
        ReplicaClocks c = ReplicaClocks.inMemory();
        c.applyTagged("c", 0, new OperationTag(I, 1), () -> new io.sextant.shard.UpdateResult(10, true));
        c.applyTaggedBatch(
                "c",
                0,
                new OperationTag(I, 2),
                new OperationTag(I, 4),
                () -> new io.sextant.shard.UpdateResult(13, true));
        assertThat(c.pointAt("c", 0, 13)).isEqualTo(new RecoveryPoint(I, 1, 4));
        assertThat(c.pointAt("c", 0, 14)).as("a later local write").isEqualTo(RecoveryPoint.UNKNOWN);
        assertThat(c.pointAt("c", 0, 12)).isEqualTo(RecoveryPoint.UNKNOWN);
        c.applyUntagged("c", 0, () -> new io.sextant.shard.UpdateResult(14, true));
        assertThat(c.pointAt("c", 0, 14)).isEqualTo(RecoveryPoint.UNKNOWN);
        tagged(c, I, 5); // a result without a sequence number
        assertThat(c.point("c", 0)).isEqualTo(new RecoveryPoint(I, 5, 5));
        assertThat(c.pointAt("c", 0, -1)).isEqualTo(RecoveryPoint.UNKNOWN);
    }

    @Test
    void aCorruptShortOrNewerFileReadsAsUnknown() throws Exception {
        ReplicaClocks c = ReplicaClocks.open(dir);
        tagged(c, I, 1);
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        Path file = files.getFirst();
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) { // every single flipped byte is caught
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            assertThat(ReplicaClocks.decode(bad, "flip " + i).point())
                    .as("byte %d flipped", i)
                    .isEqualTo(RecoveryPoint.UNKNOWN);
        }
        byte[] v3 = good.clone();
        v3[7] = 3;
        assertThat(ReplicaClocks.decode(v3, "v3")).isEqualTo(ReplicaClocks.Stored.UNKNOWN);
        byte[] v1Long = good.clone();
        v1Long[7] = 1; // version 1 but 44 bytes
        assertThat(ReplicaClocks.decode(v1Long, "v1 of 44 bytes")).isEqualTo(ReplicaClocks.Stored.UNKNOWN);
        Files.write(file, java.util.Arrays.copyOf(good, 20));
        assertThat(ReplicaClocks.open(dir).point("c", 0)).isEqualTo(RecoveryPoint.UNKNOWN);
        Files.write(file, new byte[0]);
        assertThat(ReplicaClocks.open(dir).point("c", 0)).isEqualTo(RecoveryPoint.UNKNOWN);
    }
}
