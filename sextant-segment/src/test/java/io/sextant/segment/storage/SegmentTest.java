package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentTest {
    @TempDir
    Path tmp;

    private static final Map<String, VectorSpec> SPECS =
            Map.of("", new VectorSpec(300, Distance.DOT, false), "b", new VectorSpec(2, Distance.EUCLID, true));

    @Test
    void appendGrowsAcrossChunksAndSurvivesFlushAndReopen() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Path dir = tmp.resolve("seg");
        Segment s = Segment.createAppendable(dir, SPECS);
        List<float[]> expected = new ArrayList<>();
        int n = 5000; // 300 floats = 1200 B, chunks of 3495 vectors: two chunks
        for (int i = 0; i < n; i++) {
            float[] v = new float[300];
            for (int j = 0; j < 300; j++) {
                v[j] = r.nextFloat();
            }
            expected.add(v);
            s.append(
                    PointId.of(i),
                    i + 1,
                    i % 3 == 0 ? Map.of("", v) : Map.of("", v, "b", new float[] {i, -i}),
                    JsonNodeFactory.instance.objectNode().put("i", i));
        }
        s.delete(s.offsetOf(PointId.of(7)));
        s.flush(n);
        s.close();
        Segment re = Segment.open(dir, SPECS, Map.of());
        assertThat(re.liveCount()).isEqualTo(n - 1);
        assertThat(re.offsetOf(PointId.of(7))).isEqualTo(-1);
        int off = re.offsetOf(PointId.of(4321));
        assertThat(re.vector(off, "")).as("seed %d", seed).containsExactly(expected.get(4321));
        assertThat(re.vector(off, "b")).containsExactly(4321, -4321);
        assertThat(re.hasVector(re.offsetOf(PointId.of(3)), "b")).isFalse();
        assertThat(re.versionAt(off)).isEqualTo(4322);
        assertThat(re.payloadAt(off).get("i").asInt()).isEqualTo(4321);

        // An immutable copy: id order, resident and paged vectors, same data.
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        re.liveOffsetsById(null).forEachRemaining((int o) -> refs.add(new SegmentWriter.PointRef(re, o)));
        SegmentWriter.write(tmp.resolve("imm"), SPECS, refs, n);
        Segment imm = Segment.open(tmp.resolve("imm"), SPECS, Map.of());
        assertThat(imm.immutable()).isTrue();
        assertThat(imm.liveCount()).isEqualTo(n - 1);
        int io = imm.offsetOf(PointId.of(4321));
        assertThat(imm.vector(io, "")).containsExactly(expected.get(4321));
        assertThat(imm.score("b", new float[] {4321, -4321}, io)).isZero();
        imm.delete(io);
        imm.flush(n + 1);
        assertThat(Segment.open(tmp.resolve("imm"), SPECS, Map.of()).offsetOf(PointId.of(4321)))
                .isEqualTo(-1);
    }

    @Test
    void corruptFilesAreDetectedWithClearErrors() throws Exception {
        Path dir = tmp.resolve("seg");
        Segment s = Segment.createAppendable(dir, SPECS);
        s.append(PointId.of(1), 1, Map.of("b", new float[] {1, 2}), null);
        s.flush(1);
        s.close();
        try (RandomAccessFile raf =
                new RandomAccessFile(dir.resolve(PointsFile.NAME).toFile(), "rw")) {
            raf.seek(30);
            raf.write(0x7f ^ raf.read());
        }
        assertThatThrownBy(() -> Segment.open(dir, SPECS, Map.of()))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("checksum");
        Path vf = dir.resolve(MmapVectorStorage.fileName("b"));
        try (RandomAccessFile raf = new RandomAccessFile(vf.toFile(), "rw")) {
            raf.write(new byte[] {'X'});
        }
        assertThatThrownBy(() -> MmapVectorStorage.openAppendable(vf, 2))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining(vf.toString())
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> Segment.open(dir, Map.of("", new VectorSpec(3, Distance.DOT, false)), Map.of()))
                .isInstanceOf(ServiceException.class);
    }
}
