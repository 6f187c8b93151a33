package io.sextant.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Minimal JSON-over-HTTP helper for tests against a running server. Thread-safe. */
final class RestCalls {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    RestCalls(String base) {
        this(base, null);
    }

    /** Calls that send {@code apiKey} in the {@code api-key} header (none when null). */
    RestCalls(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** A response: status code and parsed body. */
    record Reply(int status, JsonNode body) {}

    Reply call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(
                        body instanceof String s ? s.getBytes() : JSON.writeValueAsBytes(body));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, publisher);
        if (apiKey != null) {
            request.header("api-key", apiKey);
        }
        HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode node = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), node);
    }
}
