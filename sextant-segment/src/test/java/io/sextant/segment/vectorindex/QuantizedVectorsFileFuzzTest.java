package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sextant.index.hnsw.IndexCorruptedException;
import io.sextant.segment.storage.FuzzScratch;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.BinaryQuantizer;
import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import io.sextant.vector.quant.TurboQuantizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link QuantizedVectorsFile#read}: a fuzzed code file must be read
 * or rejected with {@link IndexCorruptedException} (the segment then drops and rebuilds it), and
 * an accepted file must score every code without failing.
 *
 * <p>Input: one mode byte, then the file without its CRC32C trailer. An even mode byte has the
 * harness append the right CRC (so the fuzzer reaches the header and codec parsing), an odd one
 * writes the bytes as they are. The expected dimension is the one in the header (when in 1..64),
 * the distance comes from the mode byte, the spec from the header's codec. Seeds are real files
 * of the four codecs. {@code bin/bench fuzz} fuzzes it; {@code bin/test} replays seeds and {@code
 * QuantizedVectorsFileFuzzTestInputs/read}.
 */
class QuantizedVectorsFileFuzzTest {

    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] bytes = body;
        if ((input[0] & 1) == 0) {
            CRC32C crc = new CRC32C();
            crc.update(body);
            bytes = ByteBuffer.allocate(body.length + 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .put(body)
                    .putInt((int) crc.getValue())
                    .array();
        }
        ByteBuffer header = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int dim = body.length >= 16 && header.getInt(12) >= 1 && header.getInt(12) <= 64 ? header.getInt(12) : 8;
        int kind = body.length >= 12 ? header.getInt(8) : 0;
        Distance distance = Distance.values()[((input[0] & 0xff) >> 1) % Distance.values().length];
        boolean resident = (input[0] & 0x40) != 0;
        Path file = FuzzScratch.file("sextant-quant-fuzz");
        try {
            Files.write(file, bytes);
            QuantizedVectors q = QuantizedVectorsFile.read(file, spec(kind, input[0]), distance, dim, resident);
            float[] query = new float[dim];
            Arrays.fill(query, 0.5f);
            assertThat(q.codes().byteSize())
                    .isEqualTo((long) q.count() * q.quantizer().codeBytes());
            OrdinalScorer scorer = q.scorer(query);
            for (int i = 0; i < q.count(); i++) {
                scorer.score(i);
            }
        } catch (IndexCorruptedException documented) {
            // rejected: the segment rebuilds the file
        } finally {
            Files.delete(file);
        }
    }

    private static QuantizerSpec spec(int kind, byte mode) {
        return switch (Math.floorMod(kind, 4)) {
            case 0 -> new QuantizerSpec.Scalar(0.99f, false);
            case 1 ->
                new QuantizerSpec.Binary(
                        BinaryQuantizer.Encoding.ONE_BIT,
                        BinaryQuantizer.QueryEncoding.values()[(mode & 0x30) >> 4],
                        false);
            case 2 -> new QuantizerSpec.Product(8, false);
            default -> new QuantizerSpec.Turbo(TurboQuantizer.Bits.values()[(mode & 0x30) >> 4], false);
        };
    }

    /** Real code files: each codec over a few random vectors, with the CRC left for the harness. */
    static Stream<byte[]> seeds() throws IOException {
        QuantizerSpec[] specs = {
            new QuantizerSpec.Scalar(0.99f, false),
            new QuantizerSpec.Binary(
                    BinaryQuantizer.Encoding.ONE_AND_HALF_BITS, BinaryQuantizer.QueryEncoding.SCALAR4BITS, false),
            new QuantizerSpec.Product(4, false),
            new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS1_5, false)
        };
        SplittableRandom rnd = new SplittableRandom(11);
        float[][] vectors = new float[6][8];
        for (float[] v : vectors) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
        }
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path file = FuzzScratch.file("sextant-quant-fuzz");
        try (Arena arena = Arena.ofShared()) {
            for (QuantizerSpec spec : specs) {
                Quantizer q = Quantizers.train(spec, Distance.DOT, 8, vectors.length, i -> vectors[i], 5);
                MemorySegment codes = Quantizers.encodeAll(q, vectors.length, i -> vectors[i], arena);
                QuantizedVectorsFile.write(file, q, codes, vectors.length);
                byte[] all = Files.readAllBytes(file);
                byte[] seed = new byte[all.length - 3];
                System.arraycopy(all, 0, seed, 1, all.length - 4);
                seeds.add(seed);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return seeds.build();
    }
}
