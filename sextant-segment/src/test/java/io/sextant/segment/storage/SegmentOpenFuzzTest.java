package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.vectorindex.QuantizedVectors;
import io.sextant.segment.vectorindex.SegmentGraph;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.QuantizerSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of {@link Segment#open} on a segment directory with one damaged file.
 * Two real segments are written once: an appendable one (six points, one deleted) and the
 * immutable one an optimizer makes of it, with its HNSW graph and scalar-quantized codes. Each
 * input picks one of them and one of its files, and overwrites a few bytes, truncates the file or
 * replaces it with fuzzed bytes. Opening must succeed or fail with {@link ServiceException}
 * (damaged graph and code files are dropped for a rebuild); a segment that opens must serve every
 * live point: its vectors, payload and scores, a search of its graph and its quantized scores.
 *
 * <p>{@code bin/test} replays {@code SegmentOpenFuzzTestInputs/open}; {@code bin/bench fuzz}
 * fuzzes.
 */
class SegmentOpenFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, VectorSpec> SPECS = Map.of(
            "",
            new VectorSpec(4, Distance.DOT, false, HnswSpec.DEFAULT, new QuantizerSpec.Scalar(0.99f, false)),
            "image",
            new VectorSpec(2, Distance.EUCLID, true));
    private static final Map<String, PayloadIndexSpec> SCHEMA =
            Map.of("city", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
    private static final List<Path> TEMPLATES = templates();

    @FuzzTest
    void open(FuzzedDataProvider data) throws IOException {
        Path template = TEMPLATES.get(data.consumeInt(0, TEMPLATES.size() - 1));
        List<Path> files = list(template);
        Path victim = files.get(data.consumeInt(0, files.size() - 1)).getFileName();
        Path dir = Files.createTempDirectory(FuzzScratch.ROOT, "sextant-segment-fuzz");
        try {
            for (Path f : files) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
            damage(dir.resolve(victim), data);
            Segment s;
            try {
                s = Segment.open(dir, SPECS, SCHEMA);
            } catch (ServiceException documented) {
                return;
            }
            try {
                serveEverything(s);
            } finally {
                s.close();
            }
        } finally {
            FuzzScratch.delete(dir);
        }
    }

    private static void damage(Path f, FuzzedDataProvider data) throws IOException {
        long size = Files.size(f);
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                    for (int i = data.consumeInt(1, 4); i > 0; i--) {
                        raf.seek(data.consumeLong(0, Math.max(0, size - 1)));
                        raf.write(data.consumeInt(0, 255));
                    }
                }
            }
            case 1 -> {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                    raf.setLength(data.consumeLong(0, size));
                }
            }
            default -> Files.write(f, data.consumeRemainingAsBytes());
        }
    }

    private static void serveEverything(Segment s) {
        float[] query = {0.2f, 0.1f, 0.9f, 0.7f};
        for (int o = 0; o < s.offsetLimit(); o++) {
            if (!s.isLive(o)) {
                continue;
            }
            assertThat(s.offsetOf(s.idAt(o))).isEqualTo(o);
            s.payloadAt(o);
            for (String name : SPECS.keySet()) {
                if (s.hasVector(o, name)) {
                    assertThat(s.vector(o, name)).hasSize(SPECS.get(name).size());
                    s.score(name, name.isEmpty() ? query : new float[] {1, 2}, o);
                }
            }
        }
        SegmentGraph g = s.graph("");
        if (g != null) {
            var hits = new HnswSearcher(g.graph()).search(ord -> -ord, 3, 8, null);
            for (int ord : hits.ordinals()) {
                assertThat(ord).isBetween(0, s.offsetLimit() - 1);
            }
        }
        QuantizedVectors q = s.quantized("");
        if (q != null) {
            var scorer = q.scorer(query);
            for (int o = 0; o < q.count(); o++) {
                scorer.score(o);
            }
        }
    }

    /** The appendable segment and the immutable one made from it (graph and codes built). */
    private static List<Path> templates() {
        try {
            Path root = Files.createTempDirectory(FuzzScratch.ROOT, "sextant-segment-templates");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FuzzScratch.delete(root)));
            Path appendable = root.resolve("appendable");
            Segment a = Segment.createAppendable(appendable, SPECS);
            String[] cities = {"Berlin", "London", "Moscow"};
            for (int i = 0; i < 6; i++) {
                ObjectNode payload =
                        (ObjectNode) JSON.readTree("{\"city\":\"" + cities[i % 3] + "\",\"price\":" + i + "}");
                a.append(
                        PointId.of(i + 1),
                        i + 1,
                        i % 2 == 0
                                ? Map.of("", new float[] {i, 1, 0.5f, -i})
                                : Map.of("", new float[] {1, i, 2, 0}, "image", new float[] {i, i}),
                        payload);
            }
            a.delete(2);
            a.flush(6);
            List<SegmentWriter.PointRef> refs = new ArrayList<>();
            for (int o = 0; o < a.offsetLimit(); o++) {
                if (a.isLive(o)) {
                    refs.add(new SegmentWriter.PointRef(a, o));
                }
            }
            Path immutable = root.resolve("immutable");
            SegmentWriter.write(immutable, SPECS, refs, 6);
            a.close();
            Segment im = Segment.open(immutable, SPECS, SCHEMA);
            im.attachGraph("", SegmentIndexBuilder.buildGraph(im, "", SCHEMA));
            im.attachQuantized("", SegmentIndexBuilder.buildCodes(im, ""));
            im.close();
            return List.of(appendable, immutable);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the template segments", e);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
