package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.ops.PointOperation;
import io.sextant.server.api.convert.PackedVector;
import io.sextant.server.api.convert.PointJson;
import io.sextant.server.api.convert.UpsertBody;
import io.sextant.server.api.convert.VectorShapes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streamed {@code PUT /points} body ({@link ApiExchange#upsertBody(byte[])}, {@link UpsertBody})
 * against the tree path it replaced ({@link ApiExchange#parse}), both then parsed by {@link
 * PointJson#parseUpsertOperation}: for valid bodies the same operation (same floats bit for bit),
 * for invalid ones the same exception with the same message.
 */
class UpsertBodyTest {

    private static String outcome(byte[] body, boolean streamed) {
        try {
            JsonNode tree = streamed ? ApiExchange.upsertBody(body) : ApiExchange.parse(body);
            return describe(PointJson.parseUpsertOperation(tree, "", VectorShapes.NONE));
        } catch (RuntimeException e) {
            return "error " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String describe(PointOperation.Upsert u) {
        StringBuilder sb = new StringBuilder("upsert " + u.mode() + " filter " + u.updateFilter());
        for (PointOperation.PointStruct p : u.points()) {
            sb.append("\n  ").append(p.id()).append(" payload ").append(p.payload());
            for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
                sb.append(" ").append(v.getKey()).append("=[");
                for (float f : v.getValue()) {
                    sb.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(',');
                }
                sb.append(']');
            }
            sb.append(" sparse ").append(p.sparseVectors());
        }
        return sb.toString();
    }

    private static void assertSame(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(bytes, true)).as(body).isEqualTo(outcome(bytes, false));
    }

    private static String point(Random rnd, int id) {
        List<String> fields = new ArrayList<>();
        fields.add("\"id\":" + id);
        switch (rnd.nextInt(4)) {
            case 0 -> fields.add("\"vector\":" + QueryBodyTest.vector(rnd, 1 + rnd.nextInt(24)));
            case 1 -> fields.add("\"vectors\":" + QueryBodyTest.vector(rnd, 1 + rnd.nextInt(24)));
            case 2 ->
                fields.add("\"vector\":{\"a\":" + QueryBodyTest.vector(rnd, 1 + rnd.nextInt(8)) + ",\"b\":"
                        + QueryBodyTest.vector(rnd, 3) + ",\"s\":{\"indices\":[1,5],\"values\":[0.5,-2]}}");
            default -> {} // no vector
        }
        if (rnd.nextBoolean()) {
            fields.add("\"payload\":{\"pos\":\"noun\",\"n\":" + rnd.nextInt(100) + ",\"v\":[1,2.5]}");
        }
        java.util.Collections.shuffle(fields, rnd);
        return "{" + String.join(",", fields) + "}";
    }

    @Test
    void validBodiesGiveTheSameOperations() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            List<String> points = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
                points.add(point(rnd, i + 1));
            }
            List<String> fields = new ArrayList<>();
            fields.add("\"points\":[" + String.join(",", points) + "]");
            if (rnd.nextInt(4) == 0) {
                fields.add("\"update_mode\":\"insert_only\"");
            }
            if (rnd.nextInt(4) == 0) {
                fields.add("\"update_filter\":{\"must\":[{\"key\":\"n\",\"range\":{\"gt\":3}}]}");
            }
            java.util.Collections.shuffle(fields, rnd);
            String body = "{" + String.join(",", fields) + "}";
            assertThat(outcome(body.getBytes(StandardCharsets.UTF_8), true))
                    .as("seed %d: %s", seed, body)
                    .isEqualTo(outcome(body.getBytes(StandardCharsets.UTF_8), false))
                    .startsWith("upsert");
        }
    }

    @Test
    void theStreamedPathPacksPlainVectors() {
        JsonNode tree = ApiExchange.upsertBody(
                "{\"points\":[{\"id\":1,\"vector\":[0.5,-1,2e-3],\"payload\":{\"a\":[1,2]}},{\"id\":2,\"vector\":{\"x\":[1,2]}}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(tree.at("/points/0/vector")).isInstanceOf(PackedVector.class);
        assertThat(((PackedVector) tree.at("/points/0/vector")).floats()).containsExactly(0.5f, -1f, 2e-3f);
        assertThat(tree.at("/points/1/vector/x")).isInstanceOf(PackedVector.class);
        assertThat(tree.at("/points/0/payload/a").isArray())
                .as("payload arrays stay a tree")
                .isTrue();
    }

    @Test
    void oddAndInvalidBodiesGiveTheSameAnswers() {
        List<String> bodies = List.of(
                "",
                "{}",
                "[]",
                "null",
                "5",
                "{\"points\":[]}",
                "{\"points\":null}",
                "{\"points\":5}",
                "{\"points\":[5]}",
                "{\"points\":[null]}",
                "{\"points\":[{}]}",
                "{\"points\":[{\"id\":1}]}",
                "{\"points\":[{\"id\":1,\"vector\":[]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[[]]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[[1,2],[3,4]]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[[1,2],[3]]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,\"a\"]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,null]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1e400]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[-1e39,1]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[123456789012345678901234567890]}]}",
                "{\"points\":[{\"id\":1,\"vector\":null}]}",
                "{\"points\":[{\"id\":1,\"vector\":42}]}",
                "{\"points\":[{\"id\":1,\"vector\":{}}]}",
                "{\"points\":[{\"id\":1,\"vector\":{\"a\":[]}}]}",
                "{\"points\":[{\"id\":1,\"vector\":{\"a\":[[1],[2]]}}]}",
                "{\"points\":[{\"id\":1,\"vector\":{\"indices\":[1],\"values\":[0.5]}}]}",
                "{\"points\":[{\"id\":1,\"vector\":{\"text\":\"hello\",\"model\":\"qdrant/bm25\"}}]}",
                "{\"points\":[{\"id\":1,\"vector\":{\"d\":{\"text\":\"hello\",\"model\":\"nope\"}}}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2],\"vectors\":[3,4]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2],\"vector\":[3]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2],\"bogus\":1}]}",
                "{\"points\":[{\"id\":-1,\"vector\":[1,2]}]}",
                "{\"points\":[{\"id\":\"not-a-uuid\",\"vector\":[1,2]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2],\"payload\":5}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}],\"batch\":{\"ids\":[1]}}",
                "{\"batch\":{\"ids\":[1,2],\"vectors\":[[1,2],[3,4]]}}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}],\"update_mode\":\"nope\"}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}],\"shard_key\":\"k\"}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}],\"bogus\":true}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}]} trailing",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}]}{\"points\":[]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2],}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2,]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[01]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[NaN]}]}",
                "{\"points\":[{\"id\":1,\"vector\":[1,2]}]",
                "{\"points\":[{\"id\":1,\"vector\":[1,2",
                "{'points':[]}");
        for (String body : bodies) {
            assertSame(body);
        }
    }

    @Test
    void truncatedBodiesFailAlike() {
        String body = "{\"points\":[{\"id\":1,\"vector\":[0.125,-2,3.5e-7,12],\"payload\":{\"pos\":\"verb\"}},"
                + "{\"id\":\"5c56c793-69f3-4fbf-87e6-c4bf54c28c26\",\"vector\":{\"a\":[1,2],\"b\":[3]}}],"
                + "\"update_mode\":\"upsert\"}";
        for (int cut = 0; cut <= body.length(); cut++) {
            assertSame(body.substring(0, cut));
        }
    }
}
