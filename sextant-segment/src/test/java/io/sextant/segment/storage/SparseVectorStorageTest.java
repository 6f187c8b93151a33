package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseVectorStorageTest {
    @TempDir
    Path tmp;

    private static SparseVector v(int... idsThenWeights) {
        int n = idsThenWeights.length / 2;
        int[] ids = new int[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = idsThenWeights[i];
            w[i] = idsThenWeights[n + i];
        }
        return SparseVector.of(ids, w);
    }

    @Test
    void recordsSurviveReopenAndOnlyOffsetsBelowTheCountAreKept() {
        Path f = tmp.resolve("s.bin");
        SparseVectorStorage s = SparseVectorStorage.createAppendable(f);
        s.put(0, v(1, -5, 10, 20));
        s.put(2, v(7, 3));
        s.put(3, v(8, 4));
        s.force();
        s.close();
        // the points file covers offsets 0..2 only: offset 3 was appended after the last flush
        SparseVectorStorage r = SparseVectorStorage.open(f, 3, true);
        assertThat(r.get(0)).isEqualTo(v(1, -5, 10, 20));
        assertThat(r.get(0).indices()).containsExactly(1, -5); // unsigned order: -5 is 2^32 - 5
        assertThat(r.get(1)).isNull();
        assertThat(r.get(2)).isEqualTo(v(7, 3));
        assertThat(r.get(3)).isNull();
        r.put(3, v(9, 5)); // appends after the cut
        r.force();
        r.close();
        assertThat(SparseVectorStorage.open(f, 4, false).get(3)).isEqualTo(v(9, 5));
    }

    @Test
    void aTornOrCorruptRecordEndsTheLogThere() throws IOException {
        Random rnd = new Random(11);
        for (int round = 0; round < 50; round++) {
            Path f = tmp.resolve("c" + round + ".bin");
            SparseVectorStorage s = SparseVectorStorage.createAppendable(f);
            for (int off = 0; off < 20; off++) {
                s.put(off, v(off, off + 1, 1, 2));
            }
            s.force();
            s.close();
            long size = Files.size(f);
            long at = FileHeader.SIZE + rnd.nextLong(size - FileHeader.SIZE);
            if (rnd.nextBoolean()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(at);
                }
            } else {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    ch.read(b, at);
                    b.flip();
                    byte flipped = (byte) (b.get(0) ^ (1 + rnd.nextInt(255)));
                    ch.write(ByteBuffer.wrap(new byte[] {flipped}), at);
                }
            }
            SparseVectorStorage r = SparseVectorStorage.open(f, 20, true);
            int firstMissing = 0;
            while (firstMissing < 20 && r.get(firstMissing) != null) {
                assertThat(r.get(firstMissing))
                        .as("seed 11 round %d", round)
                        .isEqualTo(v(firstMissing, firstMissing + 1, 1, 2));
                firstMissing++;
            }
            assertThat(firstMissing)
                    .as("round %d: damage at %d of %d", round, at, size)
                    .isLessThan(20);
            for (int off = firstMissing; off < 20; off++) {
                assertThat(r.get(off))
                        .as("round %d: nothing after the damage", round)
                        .isNull();
            }
            r.close();
            assertThat(Files.size(f)).isLessThanOrEqualTo(at); // cut at the last whole record before the damage
        }
    }

    @Test
    void wrongMagicOrNewerVersionIsRefusedWithTheFileName() throws IOException {
        Path f = tmp.resolve("m.bin");
        Files.write(f, new byte[] {'S', 'X', 'S', 'P', 0, 0, 0, 9});
        assertThatThrownBy(() -> SparseVectorStorage.open(f, 0, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("m.bin")
                .hasMessageContaining("version 9");
        Files.write(f, new byte[] {'S', 'X', 'V', 'C', 0, 0, 0, 1});
        assertThatThrownBy(() -> SparseVectorStorage.open(f, 0, false)).hasMessageContaining("magic");
    }

    @Test
    void aSegmentWhosePointsFileNamesALostSparseRecordIsCorrupt() throws IOException {
        Path dir = tmp.resolve("seg");
        SegmentVectors layout = new SegmentVectors(
                Map.of("d", new VectorSpec(2, Distance.DOT, false)), Map.of("t", SparseVectorSpec.DEFAULT));
        Segment s = Segment.createAppendable(dir, layout);
        s.append(PointId.of(1), 1, Map.of("d", new float[] {1, 2}), Map.of("t", v(4, 1)), null);
        s.flush(1);
        s.close();
        Segment ok = Segment.open(dir, layout, Map.of());
        assertThat(ok.sparseVector(0, "t")).isEqualTo(v(4, 1));
        ok.close();
        Path f = dir.resolve(SparseVectorStorage.fileName("t"));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(FileHeader.SIZE + 5);
        }
        assertThatThrownBy(() -> Segment.open(dir, layout, Map.of()))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("sparse vector 't'");
    }
}
