package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client for a Qdrant-compatible REST API: JSON requests with the {@code api-key} header,
 * retried with exponential backoff (200 ms doubling, up to {@code retries} times) on 5xx answers
 * and connection errors; 4xx answers fail at once with the server's error message. Thread-safe.
 */
final class RestClient {
    static final ObjectMapper M = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String apiKey;
    private final int retries;

    /** Thrown when the server answers with an error after the retries. */
    static final class RestException extends IOException {
        final int status;

        RestException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    RestClient(String url, String apiKey, int retries) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.apiKey = apiKey;
        this.retries = retries;
    }

    String base() {
        return base;
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
        if (apiKey != null && !apiKey.isEmpty()) {
            b.header("api-key", apiKey);
        }
        return b;
    }

    /** Sends a JSON request and returns the parsed {@code result} envelope field. */
    JsonNode json(String method, String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = body == null ? null : M.writeValueAsBytes(body);
        HttpRequest req = request(path)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        bytes == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        HttpResponse<String> resp = send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode root = M.readTree(resp.body());
        return root == null ? null : root.get("result");
    }

    /** Sends with retries; returns only 2xx responses. */
    <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        long backoff = 200;
        for (int attempt = 0; ; attempt++) {
            try {
                HttpResponse<T> resp = http.send(req, handler);
                int s = resp.statusCode();
                if (s / 100 == 2) {
                    return resp;
                }
                RestException e = new RestException(
                        s, req.method() + " " + req.uri().getPath() + ": HTTP " + s + ": " + errorText(resp.body()));
                if (s < 500 || attempt >= retries) {
                    throw e;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException e) {
                if (attempt >= retries) {
                    throw new IOException(req.method() + " " + req.uri() + ": " + e, e);
                }
            } catch (RestException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= retries) {
                    throw new IOException(req.method() + " " + req.uri() + ": " + e, e);
                }
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    private static String errorText(Object body) {
        if (body instanceof String s) {
            try {
                JsonNode n = M.readTree(s);
                JsonNode err = n == null ? null : n.path("status").path("error");
                if (err != null && err.isTextual()) {
                    return err.asText();
                }
            } catch (IOException e) {
                // not JSON: show the text
            }
            return s.length() > 300 ? s.substring(0, 300) : s;
        }
        return "(binary body)";
    }
}
