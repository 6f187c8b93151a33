package io.sextant.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.collection.ShardFactory;
import io.sextant.server.SextantServer;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real server on a random port over a temp storage directory, with a small JSON-over-HTTP
 * client. Not thread-safe (one per test class).
 */
public final class TestServer implements AutoCloseable {

    private static final ObjectMapper M = new ObjectMapper();

    private final SextantServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    /** A response: status and parsed body (null when the body is not JSON). */
    public record Response(int status, JsonNode json, String text) {}

    public TestServer(Path storage, ShardFactory shards, Map<String, String> env) {
        ServerConfig config = ConfigLoader.load(null, env, new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage));
        server = SextantServer.start(config, shards);
        base = "http://127.0.0.1:" + server.httpPort();
    }

    /** A server over the real storage engine ({@link LocalShard}) in {@code storage}. */
    public static TestServer start(Path storage) {
        return new TestServer(storage, LocalShard::open, Map.of());
    }

    public SextantServer server() {
        return server;
    }

    public Response call(String method, String path, String body) {
        HttpRequest.BodyPublisher pub =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, pub)
                .header("Content-Type", "application/json")
                // Large bodies ask before sending, so a 413 arrives before the upload instead of
                // racing a connection the server closes mid-upload.
                .expectContinue(body != null && body.length() > (1 << 20))
                .build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = M.readTree(resp.body());
            } catch (IOException e) {
                // not JSON
            }
            return new Response(resp.statusCode(), json, resp.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Response get(String path) {
        return call("GET", path, null);
    }

    public Response put(String path, String body) {
        return call("PUT", path, body);
    }

    public Response post(String path, String body) {
        return call("POST", path, body);
    }

    public Response patch(String path, String body) {
        return call("PATCH", path, body);
    }

    public Response delete(String path) {
        return call("DELETE", path, null);
    }

    /**
     * Polls collection info until it is green with {@code indexed} indexed vectors (60 s at most);
     * returns the info.
     */
    public JsonNode awaitIndexed(String collection, long indexed) {
        return awaitGreen(collection, indexed, indexed);
    }

    /** Polls collection info until it is green with no optimization pending (60 s at most). */
    public JsonNode awaitGreen(String collection) {
        return awaitGreen(collection, 0, Long.MAX_VALUE);
    }

    /**
     * Polls collection info until it is green with between {@code min} and {@code max} indexed
     * vectors (60 s at most); returns the info.
     */
    public JsonNode awaitGreen(String collection, long min, long max) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode info = null;
        while (System.nanoTime() < deadline) {
            info = get("/collections/" + collection).json().get("result");
            long indexed = info.get("indexed_vectors_count").asLong();
            if (info.get("status").asText().equals("green") && indexed >= min && indexed <= max) {
                return info;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(
                "collection " + collection + " not green with " + min + ".." + max + " indexed: " + info);
    }

    @Override
    public void close() {
        server.close();
    }
}
