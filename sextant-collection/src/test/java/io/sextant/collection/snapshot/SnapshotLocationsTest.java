package io.sextant.collection.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URL recovery follows redirects itself and checks every hop against the host policy: with the
 * default (loopback only) policy, a loopback URL that redirects to another address is refused
 * before that address is contacted. Two local HTTP servers play the allowed origin and the
 * target; the target is reached as {@code 0.0.0.0}, which Linux connects to this machine but the
 * policy does not count as loopback.
 */
class SnapshotLocationsTest {
    @TempDir
    Path tmp;

    HttpServer origin;
    HttpServer target;
    final List<String> targetHits = new CopyOnWriteArrayList<>();
    final List<String> apiKeysSeen = new CopyOnWriteArrayList<>();
    static final byte[] BODY = "snapshot bytes".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", ex -> {
            targetHits.add(ex.getRequestURI().toString());
            apiKeysSeen.add("target:" + ex.getRequestHeaders().getFirst("api-key"));
            reply(ex, 200, BODY);
        });
        target.start();
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int tp = target.getAddress().getPort();
        origin.createContext("/to-other-host", ex -> redirect(ex, "http://0.0.0.0:" + tp + "/secret"));
        origin.createContext("/to-other-port", ex -> redirect(ex, "http://127.0.0.1:" + tp + "/file"));
        origin.createContext("/relative", ex -> redirect(ex, "/file"));
        origin.createContext("/loop", ex -> redirect(ex, "/loop"));
        origin.createContext("/to-ftp", ex -> redirect(ex, "ftp://127.0.0.1/x"));
        origin.createContext("/file", ex -> {
            apiKeysSeen.add("origin:" + ex.getRequestHeaders().getFirst("api-key"));
            reply(ex, 200, BODY);
        });
        origin.start();
    }

    @AfterEach
    void stop() {
        origin.stop(0);
        target.stop(0);
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        reply(ex, 302, new byte[0]);
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
    }

    private SnapshotLocations loopbackOnly() {
        return new SnapshotLocations(tmp.resolve("snapshots"), null);
    }

    @Test
    void aRedirectToAHostThePolicyForbidsIsRefusedBeforeItIsContacted() {
        Path scratch = tmp.resolve("staging/download");
        assertThatThrownBy(() -> loopbackOnly().resolve(url("/to-other-host"), null, scratch))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.FORBIDDEN))
                .hasMessageContaining("redirected to http://0.0.0.0:")
                .hasMessageContaining("enable_snapshot_url_recovery");
        assertThat(targetHits).as("the forbidden host was never asked").isEmpty();
        assertThat(scratch).doesNotExist();
    }

    @Test
    void allowedRedirectsAreFollowedAndTheApiKeyStaysWithItsOrigin() throws IOException {
        SnapshotLocations.Source relative = loopbackOnly().resolve(url("/relative"), "k1", tmp.resolve("d1"));
        assertThat(relative.downloaded()).isTrue();
        assertThat(Files.readAllBytes(relative.file())).isEqualTo(BODY);

        SnapshotLocations.Source other = loopbackOnly().resolve(url("/to-other-port"), "k2", tmp.resolve("d2"));
        assertThat(Files.readAllBytes(other.file())).isEqualTo(BODY);
        assertThat(apiKeysSeen).containsExactly("origin:k1", "target:null");
    }

    @Test
    void redirectLoopsAndNonHttpTargetsAreBadRequests() {
        assertThatThrownBy(() -> loopbackOnly().resolve(url("/loop"), null, tmp.resolve("d3")))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessageContaining("more than " + SnapshotLocations.MAX_REDIRECTS + " redirects");
        assertThatThrownBy(() -> loopbackOnly().resolve(url("/to-ftp"), null, tmp.resolve("d4")))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessageContaining("only http(s) redirects");
    }
}
