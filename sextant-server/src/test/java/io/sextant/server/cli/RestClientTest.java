package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries on 5xx, none on 4xx, and the api-key header, against a scripted HTTP server. */
class RestClientTest {
    private HttpServer http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
    }

    private String serve(int failuresBefore200, int failStatus, List<String> keys, AtomicInteger calls)
            throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            keys.add(String.valueOf(ex.getRequestHeaders().getFirst("api-key")));
            int n = calls.incrementAndGet();
            boolean fail = n <= failuresBefore200;
            byte[] body = (fail
                            ? "{\"status\":{\"error\":\"scripted failure " + n + "\"},\"time\":0}"
                            : "{\"result\":{\"count\":5},\"status\":\"ok\",\"time\":0}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(fail ? failStatus : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Test
    void retriesServerErrorsThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> keys = new CopyOnWriteArrayList<>();
        String url = serve(2, 503, keys, calls);
        var client = new RestClient(url, "secret", 3);
        assertThat(client.json("POST", "/collections/c/points/count", java.util.Map.of())
                        .path("count")
                        .asInt())
                .isEqualTo(5);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(keys).containsOnly("secret");
    }

    @Test
    void givesUpAfterTheRetriesWithTheServersMessage() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(10, 500, new CopyOnWriteArrayList<>(), calls);
        assertThatThrownBy(() -> new RestClient(url, null, 2).json("GET", "/x", null))
                .isInstanceOf(RestClient.RestException.class)
                .hasMessageContaining("HTTP 500: scripted failure 3");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(10, 400, new CopyOnWriteArrayList<>(), calls);
        assertThatThrownBy(() -> new RestClient(url, null, 5).json("GET", "/x", null))
                .hasMessageContaining("HTTP 400: scripted failure 1");
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String url = serve(0, 200, new CopyOnWriteArrayList<>(), calls);
        http.stop(0);
        http = null;
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new RestClient(url, null, 2).json("GET", "/x", null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("GET " + url + "/x");
        assertThat((System.nanoTime() - t0) / 1_000_000)
                .as("backoff 200 + 400 ms")
                .isGreaterThanOrEqualTo(600);
    }
}
