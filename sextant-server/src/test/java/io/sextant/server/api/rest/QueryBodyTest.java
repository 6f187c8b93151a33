package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.server.api.convert.QueryBody;
import io.sextant.server.api.convert.QueryJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streamed {@code points/query} body ({@link ApiExchange#queryBody(byte[])}, {@link QueryBody})
 * against the tree path it replaced ({@link ApiExchange#parse} then {@link QueryJson#query(
 * com.fasterxml.jackson.databind.JsonNode, String)}): for valid bodies the same request (same
 * floats bit for bit), for invalid ones the same exception with the same message.
 */
class QueryBodyTest {

    /** What a body turns into on one path: a comparable description of the request, or of the error. */
    private static String outcome(byte[] body, boolean streamed) {
        try {
            QueryRequest q = streamed
                    ? QueryJson.query(ApiExchange.queryBody(body))
                    : QueryJson.query(ApiExchange.parse(body), "");
            return describe(q);
        } catch (RuntimeException e) {
            return "error " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String describe(QueryRequest q) {
        String query;
        if (q.query() instanceof Query.Nearest(VectorInput.Dense(float[] v), Query.Mmr mmr)) {
            int[] bits = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                bits[i] = Float.floatToRawIntBits(v[i]);
            }
            query = "nearest dense " + Arrays.toString(bits) + " mmr " + mmr;
        } else {
            query = q.query() == null ? "none" : q.query().getClass().getName();
        }
        QueryRequest rest = new QueryRequest(
                q.prefetch().isEmpty() ? null : List.of(),
                null,
                q.using(),
                q.filter(),
                q.params(),
                q.scoreThreshold(),
                q.limit(),
                q.offset(),
                q.withPayload(),
                q.withVector(),
                q.lookupFrom());
        return query + " | " + rest + " | prefetches " + q.prefetch().size();
    }

    private static void assertSame(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(bytes, true)).as(body).isEqualTo(outcome(bytes, false));
    }

    /** A random JSON array of {@code dim} numbers in every form Jackson types differently. */
    static String vector(Random rnd, int dim) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < dim; d++) {
            if (d > 0) {
                sb.append(',');
            }
            sb.append(
                    switch (rnd.nextInt(5)) {
                        case 0 -> Integer.toString(rnd.nextInt(3) - 1);
                        case 1 -> Double.toString(rnd.nextGaussian());
                        case 2 -> String.format(Locale.ROOT, "%.3e", rnd.nextGaussian() * 1e-30);
                        case 3 -> Long.toString(rnd.nextLong());
                        default -> Float.toString((float) rnd.nextGaussian());
                    });
        }
        return sb.append(']').toString();
    }

    @Test
    void validBodiesGiveTheSameRequests() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<String> others = List.of(
                "\"limit\":7",
                "\"params\":{\"hnsw_ef\":32,\"exact\":false}",
                "\"with_payload\":true",
                "\"with_vector\":[\"a\"]",
                "\"filter\":{\"must\":[{\"key\":\"pos\",\"match\":{\"value\":\"noun\"}}]}",
                "\"score_threshold\":0.25",
                "\"offset\":3",
                "\"using\":\"image\"",
                "\"prefetch\":{\"query\":[1,2,3],\"limit\":20}",
                "\"lookup_from\":{\"collection\":\"other\"}");
        for (int round = 0; round < 500; round++) {
            List<String> fields = new ArrayList<>();
            fields.add("\"query\":" + vector(rnd, 1 + rnd.nextInt(40)));
            for (String o : others) {
                if (rnd.nextInt(3) == 0) {
                    fields.add(o);
                }
            }
            if (rnd.nextInt(5) == 0) { // a repeated key: the last one counts
                fields.add("\"query\":" + vector(rnd, 1 + rnd.nextInt(5)));
            }
            java.util.Collections.shuffle(fields, rnd);
            String body = "{" + String.join(",", fields) + "}";
            assertThat(outcome(body.getBytes(StandardCharsets.UTF_8), true))
                    .as("seed %d: %s", seed, body)
                    .isEqualTo(outcome(body.getBytes(StandardCharsets.UTF_8), false))
                    .startsWith("nearest dense");
        }
    }

    /**
     * Bodies with {@code query} first, as most clients send them, which {@code QueryBody} reads from
     * the bytes: JSON whitespace anywhere between tokens and numbers in every form, strict and not.
     */
    @Test
    void queryFirstBodiesInEveryWhitespaceAndNumberFormGiveTheSameRequests() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        String[] numbers = {
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "-1",
            "7.25",
            "-3.5e-7",
            "1E5",
            "1e+5",
            "2.5E-3",
            "123456789",
            "-9223372036854775807",
            "123456789012345678",
            "1234567890123456789",
            "0.1234567890123456789",
            "3.4028235e38",
            "3.5e38",
            "1e-46",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "-",
            "0x10",
            "1.5.2",
            "NaN",
            "true",
            "\"1\"",
            "[1]"
        };
        String[] spaces = {"", " ", "  ", "\n", "\t", "\r\n "};
        for (int round = 0; round < 400; round++) {
            StringBuilder body = new StringBuilder();
            body.append(ws(rnd, spaces)).append('{').append(ws(rnd, spaces)).append("\"query\"");
            body.append(ws(rnd, spaces)).append(':').append(ws(rnd, spaces)).append('[');
            int dim = rnd.nextInt(6); // 0: an empty array
            for (int d = 0; d < dim; d++) {
                body.append(ws(rnd, spaces)).append(d == 0 ? "" : ",").append(ws(rnd, spaces));
                // mostly valid numbers, now and then one of the odd ones
                body.append(rnd.nextInt(4) == 0 ? numbers[rnd.nextInt(numbers.length)] : numbers[rnd.nextInt(12)]);
            }
            body.append(ws(rnd, spaces)).append(']').append(ws(rnd, spaces));
            switch (rnd.nextInt(6)) {
                case 0 -> body.append('}');
                case 1 ->
                    body.append(',')
                            .append(ws(rnd, spaces))
                            .append("\"limit\"")
                            .append(ws(rnd, spaces))
                            .append(':')
                            .append(ws(rnd, spaces))
                            .append("4}");
                case 2 -> body.append(",\"params\":{\"hnsw_ef\":16},\"query\":[9]}");
                case 3 -> body.append(",}");
                case 4 -> body.append("} x");
                default ->
                    body.append(",\"limit\":2,\"with_payload\":true")
                            .append(ws(rnd, spaces))
                            .append('}');
            }
            body.append(ws(rnd, spaces));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(outcome(bytes, true)).as("seed %d: %s", seed, body).isEqualTo(outcome(bytes, false));
        }
    }

    private static String ws(Random rnd, String[] spaces) {
        return spaces[rnd.nextInt(spaces.length)];
    }

    @Test
    void theStreamedPathTakesPlainVectorsOutOfTheTree() {
        QueryBody b = ApiExchange.queryBody("{\"limit\":3,\"query\":[0.5,-1,2e-3]}".getBytes(StandardCharsets.UTF_8));
        assertThat(b.vector()).containsExactly(0.5f, -1f, 2e-3f);
        assertThat(b.tree().has("query")).isFalse();
        assertThat(b.tree().get("limit").intValue()).isEqualTo(3);
    }

    @Test
    void oddAndInvalidBodiesGiveTheSameAnswers() {
        List<String> bodies = List.of(
                "",
                "{}",
                "[]",
                "[1,2]",
                "null",
                "5",
                "{\"query\":[]}",
                "{\"query\":[[]]}",
                "{\"query\":[[1,2],[3,4]]}",
                "{\"query\":[1,\"a\"]}",
                "{\"query\":[1,null]}",
                "{\"query\":[1,true]}",
                "{\"query\":[1e400]}",
                "{\"query\":[-1e39,1]}",
                "{\"query\":[3.5e38]}",
                "{\"query\":[123456789012345678901234567890]}",
                "{\"query\":[9223372036854775807,-9223372036854775808]}",
                "{\"query\":null}",
                "{\"query\":42}",
                "{\"query\":\"5c56c793-69f3-4fbf-87e6-c4bf54c28c26\"}",
                "{\"query\":{\"nearest\":[1,2,3]}}",
                "{\"query\":{\"indices\":[1],\"values\":[0.5]}}",
                "{\"query\":[1,2],\"query\":null}",
                "{\"query\":null,\"query\":[1,2]}",
                "{\"query\":[1,2],\"limit\":0}",
                "{\"query\":[1,2],\"limit\":-1}",
                "{\"query\":[1,2],\"limit\":\"x\"}",
                "{\"query\":[1,2],\"bogus\":1}",
                "{\"query\":[1,2],\"params\":{\"hnsw_ef\":0}}",
                "{\"query\":[1,2],\"filter\":{\"must\":5}}",
                "{\"query\":[1,2]} trailing",
                "{\"query\":[1,2]}{\"query\":[3]}",
                "{\"query\":[1,2],}",
                "{\"query\":[1,2,]}",
                "{\"query\":[01]}",
                "{\"query\":[1.]}",
                "{\"query\":[NaN]}",
                "{\"query\":[1,2]",
                "{\"query\":[1,2",
                "{\"query\":",
                "{\"query\"",
                "{'query':[1]}",
                "{\"prefetch\":[{\"query\":[1,2]}],\"query\":{\"fusion\":\"rrf\"}}");
        for (String body : bodies) {
            assertSame(body);
        }
    }

    @Test
    void truncatedBodiesFailAlike() {
        String body = "{\"query\":[0.125,-2,3.5e-7,12],\"limit\":5,\"params\":{\"hnsw_ef\":16},"
                + "\"filter\":{\"must\":[{\"key\":\"pos\",\"match\":{\"value\":\"verb\"}}]}}";
        for (int cut = 0; cut <= body.length(); cut++) {
            assertSame(body.substring(0, cut));
        }
    }
}
