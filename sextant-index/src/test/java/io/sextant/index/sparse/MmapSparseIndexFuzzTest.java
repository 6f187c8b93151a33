package io.sextant.index.sparse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sextant.index.hnsw.IndexCorruptedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link MmapSparseIndex#open}: a fuzzed index file must be served or
 * rejected with {@link IndexCorruptedException} (the segment then rebuilds the index), and an index
 * it serves must answer every search exactly like brute force over the postings it decodes, with
 * and without a filter, for positive and mixed-sign queries (so a wrong block maximum that would
 * prune a real hit is a finding).
 *
 * <p>Input: one mode byte, then the file. Mode bit 0 clear: the harness recomputes the trailing
 * CRC32C, so that the fuzzer gets past the checksum to the structure checks; set: the bytes are
 * written as they are. Mode bit 1 picks the memory-mapped ({@code onDisk}) or resident reader.
 * Seeds are real files of the three value types (empty, one vector, 400 vectors whose longest lists
 * span several blocks) written by {@link SparseIndexWriter}. {@code bin/bench fuzz} fuzzes it;
 * {@code bin/test} replays the seeds and {@code MmapSparseIndexFuzzTestInputs/open}.
 */
class MmapSparseIndexFuzzTest {
    private static final Path ROOT = Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));

    @MethodSource("seeds")
    @FuzzTest
    void open(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] bytes = (input[0] & 1) == 0 ? SparseIndexFiles.withCrc(body) : body;
        Path file = Files.createTempFile(ROOT, "sextant-sparse-fuzz", ".sparse");
        try {
            Files.write(file, bytes);
            try (MmapSparseIndex index = MmapSparseIndex.open(file, (input[0] & 2) != 0)) {
                SparseIndexFiles.assertConsistent(index, "fuzzed file");
            } catch (IndexCorruptedException documented) {
                // rejected: the segment rebuilds the index
            }
        } finally {
            Files.delete(file);
        }
    }

    /** Real files, mode byte 0 (CRC recomputed, resident) and 2 (mapped). */
    static Stream<byte[]> seeds() throws Exception {
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path file = Files.createTempFile(ROOT, "sextant-sparse-fuzz", ".sparse");
        try {
            for (SparseValueType type : SparseValueType.values()) {
                for (int docs : new int[] {0, 1, 400}) {
                    byte[] all = SparseIndexFiles.smallIndex(file, 17 + docs, docs, type);
                    byte[] seed = new byte[all.length + 1];
                    seed[0] = (byte) (docs == 400 ? 2 : 0);
                    System.arraycopy(all, 0, seed, 1, all.length);
                    seeds.add(seed);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return seeds.build();
    }
}
