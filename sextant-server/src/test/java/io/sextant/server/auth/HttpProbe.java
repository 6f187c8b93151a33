package io.sextant.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * A small HTTP(S) client for the security tests: any method, optional headers, optional TLS
 * context. Thread-safe (the JDK client is).
 */
public final class HttpProbe {

    private static final ObjectMapper M = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    /** A response: status, body text and the body as JSON (null when not JSON). */
    public record Reply(int status, String text, JsonNode json) {}

    public HttpProbe(String base) {
        this(base, null);
    }

    public HttpProbe(String base, SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.base = base;
    }

    /**
     * Sends one request.
     *
     * @param headers name, value, name, value, ...
     */
    public Reply send(String method, String path, String body, String... headers) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            rb.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = M.readTree(r.body());
            } catch (IOException e) {
                // not JSON
            }
            return new Reply(r.statusCode(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
