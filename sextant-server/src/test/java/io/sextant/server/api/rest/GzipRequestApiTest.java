package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compressed request bodies ({@code Content-Encoding: gzip} or {@code deflate}) on a server whose
 * request limit is 1 MiB: they are decoded before parsing, a corrupt one is a 400 that changes
 * nothing, and one that inflates past the limit (a zip bomb) is a 413 however small it is on the
 * wire.
 */
class GzipRequestApiTest {

    static final ObjectMapper M = new ObjectMapper();

    @TempDir
    static Path storage;

    static TestServer s;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        s = new TestServer(storage, LocalShard::open, Map.of("SEXTANT__SERVICE__MAX_REQUEST_SIZE_MB", "1"));
        assertThat(s.put("/collections/z", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    record Reply(int status, JsonNode json) {}

    static Reply send(String method, String path, String encoding, byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.server().httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", encoding)
                .build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), M.readTree(r.body()));
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(buf)) {
            out.write(raw);
        }
        return buf.toByteArray();
    }

    static byte[] deflate(byte[] raw) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(buf)) {
            out.write(raw);
        }
        return buf.toByteArray();
    }

    static long count() {
        return s.post("/collections/z/points/count", "{\"exact\": true}")
                .json()
                .at("/result/count")
                .asLong();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void gzipUpsertAndSearchWork() throws Exception {
        Reply up = send(
                "PUT",
                "/collections/z/points?wait=true",
                "gzip",
                gzip(utf8("{\"points\": [{\"id\": 1, \"vector\": [1, 2], \"payload\": {\"k\": \"gz\"}}]}")));
        assertThat(up.status()).as(up.json().toString()).isEqualTo(200);
        JsonNode p = s.get("/collections/z/points/1").json().get("result");
        assertThat(p.at("/payload/k").asText()).isEqualTo("gz");
        assertThat(p.at("/vector/1").asDouble()).isEqualTo(2.0);

        Reply search = send(
                "POST",
                "/collections/z/points/query",
                "gzip",
                gzip(utf8("{\"query\": [1, 0], \"limit\": 5, \"with_payload\": true}")));
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.json().at("/result/points/0/id").asLong()).isEqualTo(1);
    }

    @Test
    void deflateBodyWorks() throws Exception {
        Reply up = send(
                "PUT",
                "/collections/z/points?wait=true",
                "deflate",
                deflate(utf8("{\"points\": [{\"id\": 2, \"vector\": [3, 4]}]}")));
        assertThat(up.status()).as(up.json().toString()).isEqualTo(200);
        assertThat(s.get("/collections/z/points/2")
                        .json()
                        .at("/result/vector/0")
                        .asDouble())
                .isEqualTo(3.0);
    }

    @Test
    void corruptGzipIsABadRequestAndChangesNothing() throws Exception {
        long before = count();
        byte[] good = gzip(utf8("{\"points\": [{\"id\": 77, \"vector\": [1, 1]}]}"));
        byte[] corrupt = Arrays.copyOf(good, good.length);
        for (int i = 10; i < corrupt.length - 8; i++) {
            corrupt[i] ^= (byte) 0x5a;
        }
        Reply r = send("PUT", "/collections/z/points?wait=true", "gzip", corrupt);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/status/error").asText()).startsWith("Cannot decode gzip request body");

        Reply plain = send("PUT", "/collections/z/points?wait=true", "gzip", utf8("{\"points\": []}"));
        assertThat(plain.status()).isEqualTo(400);
        assertThat(count()).isEqualTo(before);
        assertThat(s.get("/collections/z/points/77").status()).isEqualTo(404);
    }

    @Test
    void zipBombIsRefusedByTheDecompressedSize() throws Exception {
        // 64 MiB of spaces around a valid upsert: about 64 KiB on the wire, far over the 1 MiB limit
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(buf)) {
            out.write(utf8("{\"points\": [{\"id\": 99, \"vector\": [1, 1]}]"));
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                out.write(spaces);
            }
            out.write(utf8("}"));
        }
        byte[] bomb = buf.toByteArray();
        assertThat(bomb.length).isLessThan(1 << 20);
        Reply r = send("PUT", "/collections/z/points?wait=true", "gzip", bomb);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().at("/status/error").asText()).contains("decompressed request body exceeds");
        assertThat(s.get("/collections/z/points/99").status()).isEqualTo(404);
    }

    @Test
    void brotliIsUnsupportedAndUnknownCodingsReadAsIdentity() throws Exception {
        Reply br = send("PUT", "/collections/z/points?wait=true", "br", utf8("{\"points\": []}"));
        assertThat(br.status()).isEqualTo(400);
        assertThat(br.json().at("/status/error").asText()).contains("Unsupported Content-Encoding `br`");

        Reply identity = send(
                "PUT",
                "/collections/z/points?wait=true",
                "identity",
                utf8("{\"points\": [{\"id\": 5, \"vector\": [5, 5]}]}"));
        assertThat(identity.status()).isEqualTo(200);
        Reply unknown = send(
                "PUT",
                "/collections/z/points?wait=true",
                "foo",
                utf8("{\"points\": [{\"id\": 6, \"vector\": [6, 6]}]}"));
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(s.get("/collections/z/points/6").status()).isEqualTo(200);
    }
}
