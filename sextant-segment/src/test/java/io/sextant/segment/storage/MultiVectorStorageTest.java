package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.sextant.index.ScoreFunction;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MultiVectorStorage}: values of several vectors per offset, gaps, reopen, max_sim, corruption. */
class MultiVectorStorageTest {
    @TempDir
    Path dir;

    static final float[] A = {1, 0, 0, 1, 2, 2}; // (1,0) (0,1) (2,2)
    static final float[] B = {3, 4};

    @Test
    void appendsWithGapsAndReopensAtTheFlushedCount() {
        MultiVectorStorage s = MultiVectorStorage.createAppendable(dir, "m", 2, VectorElementType.FLOAT32);
        s.put(0, A);
        s.put(2, B); // offset 1 has no value
        s.force();
        assertThat(s.get(0)).containsExactly(A);
        assertThat(s.holds(1)).isFalse();
        assertThat(s.get(2)).containsExactly(B);
        assertThat(s.innerCount()).isEqualTo(4);
        s.close();

        // only 2 offsets were acknowledged: offset 2's record and vector are overwritten later
        MultiVectorStorage r = MultiVectorStorage.openAppendable(dir, "m", 2, VectorElementType.FLOAT32, 2);
        assertThat(r.get(0)).containsExactly(A);
        assertThat(r.holds(1)).isFalse();
        assertThat(r.holds(2)).isFalse();
        assertThat(r.innerCount()).isEqualTo(3);
        r.put(2, new float[] {5, 6, 7, 8});
        assertThat(r.get(2)).containsExactly(5, 6, 7, 8);
        r.force();
        r.close();
        MultiVectorStorage again = MultiVectorStorage.openAppendable(dir, "m", 2, VectorElementType.FLOAT32, 3);
        assertThat(again.get(2)).containsExactly(5, 6, 7, 8);
        assertThat(again.innerCount()).isEqualTo(5);
        again.close();
    }

    @Test
    void writtenFilesOpenReadOnlyWithMaxSimScores() {
        MultiVectorStorage.writeFiles(dir, "m", 2, VectorElementType.FLOAT32, Arrays.asList(A, null, B));
        MultiVectorStorage s = MultiVectorStorage.openReadOnly(dir, "m", 2, VectorElementType.FLOAT32, 3, false);
        assertThat(s.get(0)).containsExactly(A);
        assertThat(s.count(1)).isZero();
        assertThat(s.get(2)).containsExactly(B);
        float[][] q = {{1, 1}, {-1, 0}};
        // Dot: q1 best of (1, 1, 4) = 4; q2 best of (-1, 0, -2) = 0
        assertThat(s.similarity(ScoreFunction.DOT_PRODUCT, q, 0, false)).isEqualTo(4f);
        assertThat(s.score(Distance.DOT, new float[] {1, 1, -1, 0}, 0, false)).isEqualTo(4f);
        // Euclid: q1 nearest (1,0) at squared 1, q2 nearest (0,1) at squared 2 -> -(1 + 2); reported sqrt(3)
        assertThat(s.similarity(ScoreFunction.NEGATIVE_SQUARE_L2, q, 0, false)).isEqualTo(-3f);
        assertThat(s.score(Distance.EUCLID, new float[] {1, 1, -1, 0}, 0, false))
                .isCloseTo((float) Math.sqrt(3), offset(1e-6f));
        s.close();
    }

    @Test
    void uint8MultivectorsNormalizeEachVectorWhenAsked() {
        MultiVectorStorage.writeFiles(dir, "u", 2, VectorElementType.UINT8, List.of(new float[] {3, 4, 0, 255}));
        MultiVectorStorage s = MultiVectorStorage.openReadOnly(dir, "u", 2, VectorElementType.UINT8, 1, true);
        assertThat(s.scoringVector(0, true)).containsExactly(0.6f, 0.8f, 0f, 1f);
        assertThat(s.get(0)).containsExactly(3, 4, 0, 255);
        s.close();
    }

    @Test
    void aCorruptRecordIsRefused() throws IOException {
        MultiVectorStorage.writeFiles(dir, "m", 2, VectorElementType.FLOAT32, List.of(A, B));
        Path f = dir.resolve(MultiVectorStorage.fileName("m"));
        // record 1 must start where record 0 ends (3): make it claim 2
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 2L),
                    MultiVectorStorage.HEADER + MultiVectorStorage.RECORD);
        }
        assertThatThrownBy(() -> MultiVectorStorage.openReadOnly(dir, "m", 2, VectorElementType.FLOAT32, 2, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("record 1");
        // a bad magic and a dimension mismatch are refused too
        byte[] bytes = Files.readAllBytes(f);
        bytes[0] = 'X';
        Files.write(f, bytes);
        assertThatThrownBy(() -> MultiVectorStorage.openReadOnly(dir, "m", 2, VectorElementType.FLOAT32, 2, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("magic");
        MultiVectorStorage.writeFiles(dir, "m", 2, VectorElementType.FLOAT32, List.of(A, B));
        assertThatThrownBy(() -> MultiVectorStorage.openReadOnly(dir, "m", 3, VectorElementType.FLOAT32, 2, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("dimension");
    }

    @Test
    void recordsBeyondTheVectorFileAreRefused() throws IOException {
        MultiVectorStorage.writeFiles(dir, "m", 2, VectorElementType.FLOAT32, List.of(A, B));
        // truncate the vector file: 4 vectors of 8 bytes after the header, keep 2
        Path vf = dir.resolve(MmapVectorStorage.fileName("m"));
        try (FileChannel ch = FileChannel.open(vf, StandardOpenOption.WRITE)) {
            ch.truncate(MmapVectorStorage.HEADER + 2 * 8);
        }
        assertThatThrownBy(() -> MultiVectorStorage.openReadOnly(dir, "m", 2, VectorElementType.FLOAT32, 2, false))
                .isInstanceOf(ServiceException.class);
    }
}
