package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiVectorFileTest {
    @TempDir
    Path dir;

    static float[][][] random(Random rnd, int points, int dim) {
        float[][][] out = new float[points][][];
        for (int p = 0; p < points; p++) {
            out[p] = new float[1 + rnd.nextInt(4)][dim];
            for (float[] v : out[p]) {
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) rnd.nextGaussian();
                }
            }
        }
        return out;
    }

    @Test
    void roundTripsAndDocumentsItsHeader() throws IOException {
        float[][][] points = {{{1, 2, 3}}, {{4, 5, 6}, {-7, 8.5f, Float.MIN_VALUE}}};
        Path f = dir.resolve("p.mv");
        MultiVectorFile.write(f, 3, points);
        assertThat(MultiVectorFile.read(f)).isDeepEqualTo(points);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(Files.readAllBytes(f), 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("SXMV");
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(b.getInt(12)).isEqualTo(2);
        assertThat(b.getLong(16)).isEqualTo(3);
        assertThat(b.getInt(24)).isEqualTo(1);
        assertThat(b.getFloat(28)).isEqualTo(1f);
        // header 24 + (4 + 12) + (4 + 24) + crc 4
        assertThat(Files.size(f)).isEqualTo(24 + 16 + 28 + 4);
    }

    @Test
    void emptyFileOfZeroPointsRoundTrips() throws IOException {
        Path f = dir.resolve("e.mv");
        MultiVectorFile.write(f, 8, new float[0][][]);
        assertThat(MultiVectorFile.read(f)).isEmpty();
    }

    @Test
    void rejectsPointsWithoutVectorsOrWithTheWrongDimension() {
        assertThatThrownBy(() -> MultiVectorFile.write(dir.resolve("x"), 2, new float[][][] {{}}))
                .hasMessageContaining("point 0 has no vectors");
        assertThatThrownBy(() -> MultiVectorFile.write(dir.resolve("x"), 2, new float[][][] {{{1, 2}}, {{1}}}))
                .hasMessageContaining("point 1 has a vector of 1 dims, expected 2");
    }

    @RepeatedTest(20)
    void garbageAtARandomOffsetIsDetected() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path f = dir.resolve("c.mv");
        MultiVectorFile.write(f, 5, random(rnd, 10, 5));
        byte[] bytes = Files.readAllBytes(f);
        int at = rnd.nextInt(bytes.length);
        bytes[at] ^= (byte) (1 + rnd.nextInt(255));
        Files.write(f, bytes);
        assertThatThrownBy(() -> MultiVectorFile.read(f))
                .as("seed %d, byte %d flipped", seed, at)
                .isInstanceOf(IOException.class);
    }

    @RepeatedTest(10)
    void truncationIsDetected() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path f = dir.resolve("t.mv");
        MultiVectorFile.write(f, 4, random(rnd, 6, 4));
        byte[] bytes = Files.readAllBytes(f);
        int keep = rnd.nextInt(bytes.length);
        Files.write(f, Arrays.copyOf(bytes, keep));
        assertThatThrownBy(() -> MultiVectorFile.read(f))
                .as("seed %d, kept %d bytes", seed, keep)
                .isInstanceOf(IOException.class);
    }

    @Test
    void namesWrongMagicAndVersion() throws IOException {
        Path f = dir.resolve("v.mv");
        MultiVectorFile.write(f, 2, new float[][][] {{{1, 2}}});
        byte[] bytes = Files.readAllBytes(f);
        bytes[4] = 2;
        Files.write(f, bytes);
        assertThatThrownBy(() -> MultiVectorFile.read(f)).hasMessageContaining("format version 2");
        bytes[0] = 'X';
        Files.write(f, bytes);
        assertThatThrownBy(() -> MultiVectorFile.read(f)).hasMessageContaining("magic");
    }
}
