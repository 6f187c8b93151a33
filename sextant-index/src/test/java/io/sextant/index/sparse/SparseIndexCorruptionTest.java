package io.sextant.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.sextant.index.hnsw.IndexCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A damaged sparse index file is refused with {@link IndexCorruptedException}, never served with a
 * wrong answer and never crashes: truncation at every length, random garbage anywhere, and
 * structural damage behind a recomputed (valid) checksum.
 */
class SparseIndexCorruptionTest {
    private static final long SEED = Long.getLong("sextant.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws Exception {
        Path file = dir.resolve("damaged.sparse");
        Files.write(file, bytes);
        return file;
    }

    private void assertRejected(byte[] bytes, boolean onDisk, String context) throws Exception {
        Path file = write(bytes);
        try (MmapSparseIndex index = MmapSparseIndex.open(file, onDisk)) {
            fail("accepted a damaged file: " + context + " (" + index.byteSize() + " bytes)");
        } catch (IndexCorruptedException expected) {
            assertThat(expected.path()).isEqualTo(file);
        }
    }

    @ParameterizedTest
    @EnumSource(SparseValueType.class)
    void truncationInEveryRegionIsRejected(SparseValueType type) throws Exception {
        byte[] file = SparseIndexFiles.smallIndex(dir.resolve("src.sparse"), SEED, 400, type);
        assertThat(file.length).isGreaterThan(1_000);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int dims = b.getInt(24);
        long listTable = SparseIndexFile.listTableOffset(dims);
        long blockTable = SparseIndexFile.blockTableOffset(dims);
        long data = SparseIndexFile.dataOffset(dims, b.getLong(40));
        java.util.TreeSet<Integer> lengths = new java.util.TreeSet<>();
        for (int len = 0; len <= SparseIndexFile.HEADER_BYTES + 8; len++) {
            lengths.add(len); // inside the header, field by field
        }
        for (long boundary : new long[] {listTable, blockTable, data, file.length - 8}) {
            for (long len = boundary - 3; len <= boundary + 3; len++) {
                lengths.add((int) len); // either side of each region's start, and in the footer
            }
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 120; i++) {
            lengths.add(random.nextInt(file.length)); // anywhere, mostly in the blocks
        }
        for (int len = file.length - 8; len < file.length; len++) {
            lengths.add(len);
        }
        for (int len : lengths) {
            assertRejected(java.util.Arrays.copyOf(file, len), len % 2 == 0, "seed " + SEED + ", truncated to " + len);
        }
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 3);
        assertRejected(longer, false, "3 trailing bytes");
    }

    @Test
    void garbageAtARandomOffsetIsRejected() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        for (SparseValueType type : SparseValueType.values()) {
            byte[] file = SparseIndexFiles.smallIndex(dir.resolve("src.sparse"), SEED, 400, type);
            for (int round = 0; round < 100; round++) {
                byte[] damaged = file.clone();
                int offset = random.nextInt(file.length);
                int len = 1 + random.nextInt(Math.min(16, file.length - offset));
                for (int i = 0; i < len; i++) {
                    damaged[offset + i] = (byte) random.nextInt(256);
                }
                if (java.util.Arrays.equals(damaged, file)) {
                    continue;
                }
                assertRejected(damaged, round % 2 == 0, "seed " + SEED + ", " + len + " random bytes at " + offset);
            }
        }
    }

    /** Damage behind a valid checksum: rejected, or served with answers consistent with its postings. */
    @Test
    void structuralDamageWithValidChecksumNeverGivesAWrongAnswer() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        int served = 0;
        for (SparseValueType type : SparseValueType.values()) {
            byte[] file = SparseIndexFiles.smallIndex(dir.resolve("src.sparse"), SEED + 1, 400, type);
            for (int round = 0; round < 50; round++) {
                byte[] damaged = file.clone();
                int offset = random.nextInt(file.length - 8);
                damaged[offset] ^= (byte) (1 << random.nextInt(8));
                damaged = SparseIndexFiles.withCrc(damaged);
                String context = "seed " + (SEED + 1) + ", bit flip at " + offset + " of " + type;
                try (MmapSparseIndex index = MmapSparseIndex.open(write(damaged), false)) {
                    SparseIndexFiles.assertConsistent(index, context);
                    served++;
                } catch (IndexCorruptedException rejected) {
                    assertThat(rejected.getMessage()).as(context).isNotBlank();
                }
            }
        }
        assertThat(served).as("some flips (weight bits) leave a valid file").isPositive();
    }

    /**
     * The flip {@link #structuralDamageWithValidChecksumNeverGivesAWrongAnswer} hits now and then (its
     * seed is random): the high bits of the ordinal limit, so the header claims 2^30 more ordinals
     * than the postings use. The checker once sized an array per claimed ordinal and ran out of heap.
     */
    @Test
    void aHugeOrdinalLimitBehindAValidChecksumIsServedOrRejected() throws Exception {
        byte[] file = SparseIndexFiles.smallIndex(dir.resolve("src.sparse"), SEED + 3, 400, SparseValueType.FLOAT32);
        byte[] damaged = file.clone();
        damaged[23] ^= 0x40; // the ordinal limit is the int at byte 20, little-endian
        damaged = SparseIndexFiles.withCrc(damaged);
        try (MmapSparseIndex index = MmapSparseIndex.open(write(damaged), false)) {
            assertThat(index.ordinalLimit()).isGreaterThanOrEqualTo(1 << 30);
            SparseIndexFiles.assertConsistent(index, "ordinal limit " + index.ordinalLimit());
        } catch (IndexCorruptedException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
        }
    }

    @Test
    void namedStructuralDamageIsRejected() throws Exception {
        byte[] file = SparseIndexFiles.smallIndex(dir.resolve("src.sparse"), SEED + 2, 400, SparseValueType.FLOAT32);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int dims = b.getInt(24);
        long blocks = b.getLong(40);
        int listTable = 64 + 4 * dims;
        int blockTable = listTable + 24 * dims;
        int data = (int) (blockTable + 16 * blocks);
        assertDamage(file, "version", bb -> bb.putInt(4, 2), "format version 2");
        assertDamage(file, "flags", bb -> bb.putInt(8, 1), "unknown flags");
        assertDamage(file, "value type", bb -> bb.putInt(12, 9), "value type");
        assertDamage(file, "block size", bb -> bb.putInt(16, 64), "block size");
        assertDamage(file, "ordinal limit", bb -> bb.putInt(20, 10), "limit");
        assertDamage(
                file,
                "dims unsorted",
                bb -> {
                    int first = bb.getInt(64);
                    bb.putInt(64, bb.getInt(68));
                    bb.putInt(68, first);
                },
                "ascending");
        assertDamage(file, "list count", bb -> bb.putInt(listTable, bb.getInt(listTable) + 1), "");
        assertDamage(file, "list max", bb -> bb.putFloat(listTable + 8, bb.getFloat(listTable + 8) * 0.5f), "max");
        assertDamage(file, "block max", bb -> bb.putFloat(blockTable + 8, -1e30f), "max");
        assertDamage(file, "block last", bb -> bb.putInt(blockTable + 4, bb.getInt(blockTable + 4) + 1), "");
        assertDamage(file, "block offset", bb -> bb.putInt(blockTable + 16 + 12, 3), "data at");
        assertDamage(file, "bit width", bb -> bb.put(data, (byte) 33), "bit width");
        assertDamage(file, "weight", bb -> bb.putFloat(data + bb.limit() - data - 12, Float.NaN), "");
        assertThatThrownBy(() -> MmapSparseIndex.open(write(new byte[0]), true))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("truncated");
    }

    private void assertDamage(byte[] file, String what, java.util.function.Consumer<ByteBuffer> damage, String message)
            throws Exception {
        byte[] damaged = file.clone();
        damage.accept(ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN));
        Path path = write(SparseIndexFiles.withCrc(damaged));
        assertThatThrownBy(() -> MmapSparseIndex.open(path, false).close())
                .as(what)
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining(message);
    }
}
