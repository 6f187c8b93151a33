package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code points/query} reply on the wire, now written by the handler itself ({@link
 * ApiExchange#okStreamed}): a JSON body with its Content-Length, gzip-encoded when the client asks
 * for it (as every other reply), and nothing written after it when the request is refused.
 */
class QueryReplyWireTest {

    @TempDir
    static Path storage;

    static TestServer s;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper M = new ObjectMapper();

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        assertThat(s.put("/collections/w", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
        StringBuilder points = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 60; i++) {
            points.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": [")
                    .append(i)
                    .append(", 1, 0.5, -1], \"payload\": {\"text\": \"")
                    .append("x".repeat(40))
                    .append("\"}}");
        }
        assertThat(s.put("/collections/w/points?wait=true", points.append("]}").toString())
                        .status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static HttpResponse<byte[]> query(String body, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.server().httpPort() + "/collections/w/points/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void plainReplyHasItsLengthAndQdrantsEnvelope() throws Exception {
        HttpResponse<byte[]> r = query("{\"query\": [1, 0, 0, 0], \"limit\": 3}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(r.body().length);
        JsonNode json = M.readTree(r.body());
        assertThat(json.get("status").asText()).isEqualTo("ok");
        assertThat(json.get("time").isDouble()).isTrue();
        assertThat(json.at("/result/points")).hasSize(3);
        assertThat(json.at("/result/points/0/id").asInt()).isEqualTo(59);
        assertThat(json.at("/result/points/0/payload").isNull()).isTrue();
    }

    @Test
    void largeReplyIsGzippedWhenAskedAndDecodesToTheSameResult() throws Exception {
        String body = "{\"query\": [1, 0, 0, 0], \"limit\": 50, \"with_payload\": true}";
        HttpResponse<byte[]> plain = query(body, null);
        HttpResponse<byte[]> gz = query(body, "gzip");
        assertThat(gz.statusCode()).isEqualTo(200);
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
        JsonNode a = M.readTree(plain.body());
        JsonNode b = M.readTree(decoded);
        assertThat(b.get("result")).isEqualTo(a.get("result"));
        assertThat(a.at("/result/points")).hasSize(50);
    }

    @Test
    void refusedQueryIsOnlyTheError() throws Exception {
        HttpResponse<byte[]> r = query("{\"query\": [1, 0, 0], \"limit\": 3}", null);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode json = M.readTree(r.body());
        assertThat(json.at("/status/error").asText()).isNotEmpty();
        assertThat(json.has("result")).isFalse();
    }
}
