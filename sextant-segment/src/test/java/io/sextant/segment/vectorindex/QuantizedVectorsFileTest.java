package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.index.hnsw.IndexCorruptedException;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import io.sextant.vector.quant.TurboQuantizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantized code file with TurboQuant codes (trained with the per-coordinate correction, so the
 * params are the long kind): it reads back scoring exactly as written, and a flipped byte at a
 * random offset, a truncation or another version is rejected as corrupt. Seeded.
 */
class QuantizedVectorsFileTest {
    static final long SEED = 0x7AB1EL;

    @TempDir
    Path dir;

    @Test
    void turboCodesRoundTripAndCorruptionIsDetected() throws IOException {
        int dim = 37;
        int count = 150;
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[][] vectors = new float[count][dim];
        for (float[] v : vectors) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
        }
        float[] query = vectors[3].clone();
        for (TurboQuantizer.Bits bits : TurboQuantizer.Bits.values()) {
            QuantizerSpec spec = new QuantizerSpec.Turbo(bits, false);
            Quantizer q = Quantizers.train(spec, Distance.EUCLID, dim, count, i -> vectors[i], 1);
            Path file = dir.resolve("tq-" + bits + ".bin");
            try (Arena arena = Arena.ofShared()) {
                MemorySegment codes = Quantizers.encodeAll(q, count, i -> vectors[i], arena);
                QuantizedVectorsFile.write(file, q, codes, count);
                for (boolean resident : new boolean[] {true, false}) {
                    QuantizedVectors back = QuantizedVectorsFile.read(file, spec, Distance.EUCLID, dim, resident);
                    assertThat(back.quantizer().kind()).isEqualTo(Quantizer.Kind.TURBO);
                    assertThat(back.quantizer().params()).isEqualTo(q.params());
                    OrdinalScorer expected = q.scorer(query, codes);
                    OrdinalScorer actual = back.scorer(query);
                    for (int i = 0; i < count; i++) {
                        assertThat(actual.score(i)).isEqualTo(expected.score(i));
                    }
                }
            }
            byte[] good = Files.readAllBytes(file);
            int at = rnd.nextInt(good.length);
            byte[] flipped = good.clone();
            flipped[at] ^= (byte) (1 + rnd.nextInt(255));
            assertCorrupt(file, flipped, "seed " + SEED + ", " + bits + ", byte " + at + " flipped");
            assertCorrupt(file, Arrays.copyOf(good, good.length - 1 - rnd.nextInt(good.length - 1)), "truncated");
            byte[] version = good.clone();
            version[4] = 2;
            assertCorrupt(file, version, "version 2");
        }
    }

    private static void assertCorrupt(Path file, byte[] bytes, String what) throws IOException {
        Files.write(file, bytes);
        assertThatThrownBy(() -> QuantizedVectorsFile.read(
                        file, new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS4, false), Distance.EUCLID, 37, false))
                .as(what)
                .isInstanceOf(IndexCorruptedException.class);
    }
}
