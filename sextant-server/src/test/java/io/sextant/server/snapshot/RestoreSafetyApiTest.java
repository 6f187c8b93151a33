package io.sextant.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import io.sextant.shard.LocalShard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP against the real server: a collection whose files were emptied (as by a power cut
 * after an unsynced restore) does not stop the node from starting and serving the others, and is
 * reported red in the API and the metrics until it is deleted; snapshot uploads over {@code
 * storage.snapshots_config.max_upload_bytes} get 413 in Qdrant's error shape, whether their size is
 * declared or streamed.
 */
public class RestoreSafetyApiTest {
    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();

    private static void create(TestServer s, String name, int points) {
        Response r =
                s.put("/collections/" + name, "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"shard_number\":2}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> pts = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            pts.add("{\"id\":" + i + ",\"vector\":[" + i + ",1],\"payload\":{\"i\":" + i + "}}");
        }
        Response up =
                s.put("/collections/" + name + "/points?wait=true", "{\"points\":[" + String.join(",", pts) + "]}");
        assertThat(up.status()).as(up.text()).isEqualTo(200);
    }

    private static List<String> names(TestServer s) {
        List<String> out = new ArrayList<>();
        s.get("/collections")
                .json()
                .at("/result/collections")
                .forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    @Test
    void aCollectionWithEmptiedFilesIsReportedRedAndTheOthersServe() {
        Path storage = tmp.resolve("storage");
        Map<String, String> env =
                Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", tmp.resolve("snaps").toString());
        try (TestServer s = new TestServer(storage, LocalShard::open, env)) {
            create(s, "good", 20);
            create(s, "bad", 10);
        }
        try {
            Files.write(storage.resolve("collections/bad/shards/1/manifest.bin"), new byte[0]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        try (TestServer s = new TestServer(storage, LocalShard::open, env)) {
            assertThat(names(s)).containsExactly("bad", "good");

            Response bad = s.get("/collections/bad");
            assertThat(bad.status()).as(bad.text()).isEqualTo(200);
            JsonNode info = bad.json().get("result");
            assertThat(info.get("status").asText()).isEqualTo("red");
            assertThat(info.at("/optimizer_status/error").asText())
                    .contains("failed to load")
                    .contains("manifest.bin");
            assertThat(info.at("/config/params/shard_number").asInt()).isEqualTo(2);
            assertThat(s.get("/collections/bad/exists")
                            .json()
                            .at("/result/exists")
                            .asBoolean())
                    .isTrue();

            Response good = s.get("/collections/good");
            assertThat(good.json().at("/result/status").asText()).isEqualTo("green");
            assertThat(good.json().at("/result/points_count").asLong()).isEqualTo(20);
            Response search = s.post("/collections/good/points/search", "{\"vector\":[1,0],\"limit\":3}");
            assertThat(search.status()).as(search.text()).isEqualTo(200);
            assertThat(search.json().get("result")).hasSize(3);

            Response write = s.put("/collections/bad/points?wait=true", "{\"points\":[{\"id\":1,\"vector\":[1,1]}]}");
            assertThat(write.status()).isEqualTo(500);
            assertThat(write.json().at("/status/error").asText())
                    .contains("failed to load")
                    .contains("DELETE /collections/bad");
            assertThat(write.json().has("time")).isTrue();
            Response create = s.put("/collections/bad", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}");
            assertThat(create.status()).as(create.text()).isEqualTo(409);

            String metrics = s.get("/metrics").text();
            assertThat(metrics).containsPattern("(?m)^sextant_collections_failed 1(\\.0)?$");
            assertThat(metrics).contains("sextant_collection_load_failed{collection=\"bad\"} 1");

            Response deleted = s.delete("/collections/bad");
            assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
            assertThat(deleted.json().get("result").asBoolean()).isTrue();
            assertThat(names(s)).containsExactly("good");
            assertThat(s.get("/collections/bad").status()).isEqualTo(404);
            assertThat(s.get("/metrics").text()).containsPattern("(?m)^sextant_collections_failed 0(\\.0)?$");
            assertThat(storage.resolve("collections/bad")).doesNotExist();
        }
    }

    /** A multipart/form-data body with {@code content} as the {@code snapshot} file field. */
    public static byte[] multipart(String boundary, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\"s.snapshot\"\r\n"
                                + "Content-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    @Test
    void uploadsOverTheConfiguredLimitGet413() throws Exception {
        Path snaps = tmp.resolve("snaps");
        Map<String, String> env = Map.of(
                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                snaps.toString(),
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__MAX_UPLOAD_BYTES",
                "200000");
        try (TestServer s = new TestServer(tmp.resolve("storage"), LocalShard::open, env)) {
            String url = "http://127.0.0.1:" + s.server().httpPort() + "/collections/up/snapshots/upload";
            byte[] body = multipart("b0und", new byte[1_000_000]);

            // declared size: refused before the body is read
            HttpResponse<String> declared = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "multipart/form-data; boundary=b0und")
                            .expectContinue(true)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(413);
            assertThat(declared.body()).contains("\"status\":{\"error\":").contains("max_upload_bytes");

            // streamed (chunked, no Content-Length): cut off while parsing
            HttpResponse<String> streamed = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "multipart/form-data; boundary=b0und")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
            assertThat(streamed.body()).contains("max_upload_bytes");

            assertThat(s.get("/collections/up").status()).isEqualTo(404);
        }
        try (Stream<Path> left = Files.walk(snaps)) {
            assertThat(left.filter(Files::isRegularFile).toList())
                    .as("nothing kept")
                    .isEmpty();
        }
    }
}
