package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.ScoredPointsWriter;
import io.sextant.server.api.convert.VectorShapes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The streamed {@code points/query} reply ({@link ApiExchange#envelope(ApiExchange.ResultWriter,
 * double)} with {@link ScoredPointsWriter}) against the tree reply it replaced ({@link
 * PointJson#writeScoredList} in {@link ApiExchange#envelope(com.fasterxml.jackson.databind.JsonNode,
 * double)}): byte for byte the same JSON for random hits (ids up to u64::MAX and UUIDs, odd scores,
 * payloads, dense and multivectors, no hits at all).
 */
class StreamedScoredPointsTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void streamedRepliesAreByteForByteTheTreeReplies() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        float[] odd = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 1e-30f, 0.1f, -3.4e38f};
        for (int round = 0; round < 300; round++) {
            List<ScoredPoint> hits = new ArrayList<>();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) {
                PointId id = rnd.nextBoolean()
                        ? PointId.of(rnd.nextLong())
                        : PointId.of(new UUID(rnd.nextLong(), rnd.nextLong()));
                float score = rnd.nextInt(4) == 0 ? odd[rnd.nextInt(odd.length)] : (float) rnd.nextGaussian();
                ObjectNode payload = null;
                if (rnd.nextBoolean()) {
                    payload = F.objectNode();
                    payload.put("pos", "noun");
                    payload.put("n", rnd.nextInt());
                    payload.putArray("tags").add("a").add(rnd.nextDouble());
                    payload.putObject("nested").putNull("x");
                }
                Map<String, float[]> vectors = null;
                if (rnd.nextInt(3) == 0) {
                    vectors = new LinkedHashMap<>();
                    vectors.put(
                            rnd.nextBoolean() ? "" : "image", new float[] {(float) rnd.nextGaussian(), 1.5f, -0f, 7f});
                    if (rnd.nextBoolean()) {
                        vectors.put("multi", new float[] {1, 2, 3, 4});
                    }
                }
                hits.add(new ScoredPoint(id, rnd.nextLong() & Long.MAX_VALUE, score, payload, vectors, null));
            }
            VectorShapes shapes = rnd.nextBoolean() ? VectorShapes.NONE : new VectorShapes(Map.of("multi", 2), true);
            double time = rnd.nextDouble() / 1000;
            ObjectNode tree = F.objectNode();
            tree.set("points", PointJson.writeScoredList(hits, shapes));
            String expected = new String(ApiExchange.envelope(tree, time), StandardCharsets.UTF_8);
            String actual = new String(
                    ApiExchange.envelope(
                            g -> {
                                g.writeStartObject();
                                g.writeFieldName("points");
                                ScoredPointsWriter.write(g, hits, shapes);
                                g.writeEndObject();
                            },
                            time),
                    StandardCharsets.UTF_8);
            assertThat(actual).as("seed %d", seed).isEqualTo(expected);
        }
    }
}
