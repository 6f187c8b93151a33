package io.sextant.segment.vectorindex;

import io.sextant.segment.config.VectorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Names of the per-vector index files of an immutable segment. A file name carries a fingerprint
 * of the parameters that shaped its content, so a changed {@code hnsw_config} or {@code
 * quantization_config} simply finds no file under the new name and the optimizer rebuilds:
 *
 * <pre>
 * hnsw-&lt;hex of vector name&gt;-&lt;8 hex fingerprint&gt;[-&lt;8 hex link fields&gt;].bin    graph ({@link io.sextant.index.hnsw.HnswGraphWriter})
 * quant-&lt;hex of vector name&gt;-&lt;8 hex fingerprint&gt;.bin   codes ({@link QuantizedVectorsFile})
 * </pre>
 *
 * Stateless.
 */
public final class VectorIndexFiles {
    static final String GRAPH_PREFIX = "hnsw-";
    static final String QUANT_PREFIX = "quant-";

    private VectorIndexFiles() {}

    private static String hexName(String vectorName) {
        return HexFormat.of().formatHex(vectorName.getBytes(StandardCharsets.UTF_8));
    }

    private static String fingerprint(String params) {
        CRC32C crc = new CRC32C();
        crc.update(params.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /** The graph file of {@code vectorName} built with {@code spec}'s HNSW parameters and no payload links. */
    public static Path graphFile(Path segmentDir, String vectorName, VectorSpec spec) {
        return graphFile(segmentDir, vectorName, spec, Set.of());
    }

    /**
     * The graph file of {@code vectorName} built with {@code spec}'s HNSW parameters and payload
     * links for {@code links} ({@link SegmentIndexBuilder#linkFields}): {@code hnsw-<hex name>-<8 hex
     * of the HNSW parameters>.bin} without links (the name older versions wrote), else with {@code
     * -<8 hex of the sorted link fields>} before {@code .bin}.
     */
    public static Path graphFile(Path segmentDir, String vectorName, VectorSpec spec, Set<String> links) {
        String base = graphPrefix(vectorName, spec);
        return segmentDir.resolve(
                links.isEmpty()
                        ? base + ".bin"
                        : base + "-" + fingerprint(String.join(",", new TreeSet<>(links))) + ".bin");
    }

    /** The file-name prefix shared by every graph of {@code vectorName} with {@code spec}'s HNSW parameters. */
    static String graphPrefix(String vectorName, VectorSpec spec) {
        return GRAPH_PREFIX + hexName(vectorName) + "-"
                + fingerprint(spec.hnsw().fingerprint());
    }

    /**
     * A graph file of {@code vectorName} with {@code spec}'s HNSW parameters but other payload
     * links than {@code expected}, or null: served (stale) until the optimizer rebuilds it.
     */
    public static Path otherLinksGraphFile(Path segmentDir, String vectorName, VectorSpec spec, Path expected) {
        String prefix = graphPrefix(vectorName, spec);
        try (Stream<Path> files = Files.list(segmentDir)) {
            return files.filter(p -> !p.equals(expected))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(prefix) && n.endsWith(".bin") && !n.contains(".tmp");
                    })
                    .sorted()
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The code file of {@code vectorName} for {@code spec}'s quantization (which must be set). */
    public static Path quantFile(Path segmentDir, String vectorName, VectorSpec spec) {
        return segmentDir.resolve(QUANT_PREFIX + hexName(vectorName) + "-"
                + fingerprint(spec.quantization().fingerprint()) + ".bin");
    }

    /** Deletes index files of {@code vectorName} other than {@code keep} (stale parameters, temp files). */
    public static void deleteOthers(Path segmentDir, String vectorName, List<Path> keep) {
        String g = GRAPH_PREFIX + hexName(vectorName) + "-";
        String q = QUANT_PREFIX + hexName(vectorName) + "-";
        try (Stream<Path> files = Files.list(segmentDir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if ((n.startsWith(g) || n.startsWith(q)) && !keep.contains(p)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // best effort: a stale file is only wasted space and is retried at the next open
        }
    }
}
