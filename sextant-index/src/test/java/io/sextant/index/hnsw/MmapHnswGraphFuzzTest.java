package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sextant.index.ArrayScorerSupplier;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link MmapHnswGraph#open}: a fuzzed graph file must be served or
 * rejected with {@link IndexCorruptedException} (the segment then rebuilds the index), and a graph
 * it serves must be safe to walk and search: every node's neighbours on every level, and a search
 * with and without a filter under both traversals, return ordinals inside the graph.
 *
 * <p>Input: one mode byte, then the file without its 8-byte footer. An even mode byte has the
 * harness append the footer (magic and CRC32C of the preceding bytes), so that the fuzzer gets
 * past the checksum to the structure checks; an odd one writes the rest of the input as it is.
 * Seeds are real graphs (empty, one node, 40 nodes) written by {@link HnswGraphWriter}. {@code
 * bin/bench fuzz} fuzzes it; {@code bin/test} replays the seeds and {@code
 * MmapHnswGraphFuzzTestInputs/open}.
 */
class MmapHnswGraphFuzzTest {
    private static final Path ROOT = Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));

    @MethodSource("seeds")
    @FuzzTest
    void open(byte[] input) throws IOException {
        Path file = Files.createTempFile(ROOT, "sextant-hnsw-fuzz", ".hnsw");
        try {
            Files.write(file, fileBytes(input));
            try (MmapHnswGraph graph = MmapHnswGraph.open(file)) {
                walkAndSearch(graph);
            } catch (IndexCorruptedException documented) {
                // rejected: the segment rebuilds the graph
            }
        } finally {
            Files.delete(file);
        }
    }

    private static void walkAndSearch(MmapHnswGraph graph) {
        int n = graph.size();
        int[] dest = new int[Math.max(graph.maxDegree(0), graph.maxDegree(1))];
        for (int node = 0; node < n; node++) {
            int top = graph.levelOf(node);
            assertThat(top).isBetween(-1, graph.maxLevel());
            for (int level = 0; level <= top; level++) {
                int count = graph.neighbors(level, node, dest);
                for (int i = 0; i < count; i++) {
                    assertThat(dest[i]).isBetween(0, n - 1);
                }
            }
        }
        HnswSearcher searcher = new HnswSearcher(graph);
        IntPredicate even = i -> i % 2 == 0;
        for (IntPredicate accept : new IntPredicate[] {null, even}) {
            for (FilterTraversal traversal : FilterTraversal.values()) {
                SearchResult r = searcher.search(ord -> -Math.abs(ord - n / 2f), 3, 8, accept, traversal);
                for (int ord : r.ordinals()) {
                    assertThat(ord).isBetween(0, n - 1);
                }
            }
        }
    }

    /** The file for {@code input}: with footer appended when the mode byte is even, raw otherwise. */
    private static byte[] fileBytes(byte[] input) {
        if (input.length == 0) {
            return input;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) == 1) {
            return body;
        }
        ByteBuffer b = ByteBuffer.allocate(body.length + HnswGraphFile.FOOTER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(body)
                .putInt(HnswGraphFile.FOOTER_MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Real graphs of 0, 1 and 40 nodes, written by the writer, footer stripped, mode byte 0. */
    static Stream<byte[]> seeds() throws Exception {
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path file = Files.createTempFile(ROOT, "sextant-hnsw-fuzz", ".hnsw");
        try {
            for (int n : new int[] {0, 1, 40}) {
                float[][] vectors = new float[n][4];
                for (int i = 0; i < n; i++) {
                    vectors[i] = new float[] {i % 7, i % 5, i % 3, i};
                }
                HnswGraphBuilder builder = new HnswGraphBuilder(
                        new ArrayScorerSupplier(vectors, Distance.EUCLID),
                        HnswConfig.defaults().withM(4));
                builder.build();
                HnswGraphWriter.write(builder.graph(), file);
                byte[] all = Files.readAllBytes(file);
                byte[] seed = new byte[all.length - HnswGraphFile.FOOTER_BYTES + 1];
                System.arraycopy(all, 0, seed, 1, all.length - HnswGraphFile.FOOTER_BYTES);
                seeds.add(seed);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return seeds.build();
    }
}
