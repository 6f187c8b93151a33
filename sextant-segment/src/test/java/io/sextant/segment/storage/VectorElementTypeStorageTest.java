package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MmapVectorStorage} with float16, uint8 and turbo4 elements: codec, file header, reopen,
 * mismatch; turbo4's loss and its stability under the optimizer's decode and re-encode.
 */
class VectorElementTypeStorageTest {
    static final long SEED = 99L;

    @TempDir
    Path dir;

    static List<float[]> rows(VectorElementType type, int n, int dim) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = type == VectorElementType.UINT8 ? rnd.nextInt(256) : (float) rnd.nextGaussian() * 10;
            }
            out.add(v);
        }
        return out;
    }

    static float[] stored(VectorElementType type, float[] v) {
        float[] out = v.clone();
        if (type == VectorElementType.FLOAT16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.float16ToFloat(Float.floatToFloat16(out[i]));
            }
        }
        return out;
    }

    @Test
    void appendableAndReadOnlyRoundTrip() {
        for (VectorElementType type :
                List.of(VectorElementType.FLOAT32, VectorElementType.FLOAT16, VectorElementType.UINT8)) {
            int dim = 37; // odd, so rows are not aligned
            List<float[]> rows = rows(type, 300, dim);
            Path f = dir.resolve("app-" + type);
            MmapVectorStorage app = MmapVectorStorage.createAppendable(f, dim, type);
            for (int i = 0; i < rows.size(); i++) {
                app.put(i, rows.get(i));
            }
            app.force();
            app.close();
            MmapVectorStorage again = MmapVectorStorage.openAppendable(f, dim, type);
            Path ro = dir.resolve("ro-" + type);
            MmapVectorStorage.writeFile(ro, dim, type, rows);
            MmapVectorStorage read = MmapVectorStorage.openReadOnly(ro, dim, type, rows.size(), false);
            for (int i = 0; i < rows.size(); i++) {
                float[] want = stored(type, rows.get(i));
                assertThat(again.get(i)).as("%s appendable %d", type, i).containsExactly(want);
                assertThat(read.get(i)).as("%s read-only %d", type, i).containsExactly(want);
                float[] q = rows.get((i + 1) % rows.size());
                float exact = io.sextant.vector.Similarity.score(Distance.EUCLID, q, want);
                assertThat(read.score(Distance.EUCLID, q, i))
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-2f));
            }
            assertThat(read.rows() == null).isEqualTo(type != VectorElementType.FLOAT32);
            again.close();
        }
    }

    @Test
    void headerVersionAndTypeMismatch() throws Exception {
        Path f32 = dir.resolve("f32");
        MmapVectorStorage.writeFile(f32, 4, VectorElementType.FLOAT32, List.of(new float[] {1, 2, 3, 4}));
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f32));
        assertThat(h.getInt(4)).as("float32 files stay version 1").isEqualTo(1);
        assertThat(Files.size(f32)).isEqualTo(MmapVectorStorage.HEADER + 16);

        Path u8 = dir.resolve("u8");
        MmapVectorStorage.writeFile(u8, 4, VectorElementType.UINT8, List.of(new float[] {1, 2, 3, 255}));
        ByteBuffer hu = ByteBuffer.wrap(Files.readAllBytes(u8));
        assertThat(hu.getInt(4)).isEqualTo(2);
        assertThat(hu.get(12)).isEqualTo((byte) 2);
        assertThat(Files.size(u8)).isEqualTo(MmapVectorStorage.HEADER + 4);

        assertThatThrownBy(() -> MmapVectorStorage.openReadOnly(u8, 4, VectorElementType.FLOAT16, 1, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("float16");
        assertThatThrownBy(() -> MmapVectorStorage.openReadOnly(f32, 4, VectorElementType.UINT8, 1, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("uint8");
    }

    @Test
    void turbo4StoresCodesAndSurvivesRewrites() throws java.io.IOException {
        for (int dim : new int[] {1, 37, 63, 64, 384}) {
            List<float[]> rows = rows(VectorElementType.TURBO4, 200, dim);
            VectorElementType t = VectorElementType.TURBO4;
            long perVector = 8 + ((dim + 1) / 2 * 2) / 2;
            assertThat(t.vectorBytes(dim)).as("dim %d", dim).isEqualTo(perVector);
            Path f = dir.resolve("t4-app-" + dim);
            MmapVectorStorage app = MmapVectorStorage.createAppendable(f, dim, t);
            for (int i = 0; i < rows.size(); i++) {
                app.put(i, rows.get(i));
            }
            app.force();
            app.close();
            MmapVectorStorage again = MmapVectorStorage.openAppendable(f, dim, t);
            List<float[]> decoded = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                decoded.add(again.get(i));
            }
            // the optimizer rewrites a segment from decoded vectors: the codes must not drift
            Path ro = dir.resolve("t4-ro-" + dim);
            MmapVectorStorage.writeFile(ro, dim, t, decoded);
            assertThat(Files.size(ro)).isEqualTo(MmapVectorStorage.HEADER + perVector * rows.size());
            MmapVectorStorage read = MmapVectorStorage.openReadOnly(ro, dim, t, rows.size(), true);
            for (int i = 0; i < rows.size(); i++) {
                float[] v = rows.get(i);
                float[] got = read.get(i);
                assertThat(got)
                        .as("seed %d dim %d row %d rewritten", SEED, dim, i)
                        .containsExactly(decoded.get(i), org.assertj.core.data.Offset.offset(1e-6f));
                double dot = 0;
                double nv = 0;
                double ng = 0;
                for (int d = 0; d < dim; d++) {
                    dot += (double) v[d] * got[d];
                    nv += (double) v[d] * v[d];
                    ng += (double) got[d] * got[d];
                }
                assertThat(dot / Math.sqrt(nv * ng))
                        .as("seed %d dim %d row %d", SEED, dim, i)
                        .isGreaterThan(dim == 1 ? 0.9999 : 0.97);
                assertThat(Math.sqrt(ng / nv)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(read.rows()).isNull();
            again.close();
        }
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("t4-ro-37")));
        assertThat(h.get(12)).isEqualTo((byte) 3);
        assertThatThrownBy(() -> MmapVectorStorage.openReadOnly(
                        dir.resolve("t4-ro-37"), 37, VectorElementType.FLOAT32, 200, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("float32");
    }

    @Test
    void checksRejectUnrepresentableValuesAndUint8CastsLikeQdrant() {
        // uint8 takes any value and stores it as Qdrant's `as u8` cast: truncated, saturated, NaN = 0
        VectorElementType.UINT8.check(new float[] {0, 1, 255, -1, 256, 0.5f, Float.NaN});
        float[] given = {-1, 256, 0.5f, 1.81f, 255.9f, Float.NaN, 7};
        float[] stored = new float[given.length];
        MemorySegment buf = MemorySegment.ofArray(new byte[given.length]);
        VectorElementType.UINT8.encode(given, buf, 0);
        VectorElementType.UINT8.decode(buf, 0, stored);
        assertThat(stored).containsExactly(0, 255, 0, 1, 255, 0, 7);
        VectorElementType.FLOAT16.check(new float[] {65504, -65504, 1e-9f});
        assertThatThrownBy(() -> VectorElementType.FLOAT16.check(new float[] {70000}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
