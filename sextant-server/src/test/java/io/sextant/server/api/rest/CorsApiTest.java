package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.ServerConfig;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS as Qdrant does it ({@code service.enable_cors}, default on): preflights answered without a
 * key, the origin allowed on answers (errors included), requests still authenticated; nothing
 * when off. Also {@code service.grpc_port: null}: the server runs without gRPC.
 */
class CorsApiTest {

    private static final String ORIGIN = "http://dashboard.example:3000";
    private static final String KEY = "cors-test-key";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void preflightIsAnsweredWithoutKeyAndRequestsStillNeedIt() throws Exception {
        try (TestServer s = new TestServer(dir, LocalShard::open, Map.of("SEXTANT__SERVICE__API_KEY", KEY))) {
            String base = "http://127.0.0.1:" + s.server().httpPort();
            HttpResponse<String> pre = send(HttpRequest.newBuilder(URI.create(base + "/collections/demo/points/query"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", ORIGIN)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "api-key, content-type"));
            assertThat(pre.statusCode()).isEqualTo(200);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Headers")).hasValue("api-key, content-type");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Credentials"))
                    .isEmpty();
            assertThat(pre.headers().allValues("Vary").toString()).contains("Origin");

            // the actual request without the key: 401, readable by the page
            HttpResponse<String> denied = send(
                    HttpRequest.newBuilder(URI.create(base + "/collections")).header("Origin", ORIGIN));
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(ORIGIN);
            assertThat(denied.body()).contains("\"status\"");

            // with the key: 200 and the header
            HttpResponse<String> ok = send(HttpRequest.newBuilder(URI.create(base + "/collections"))
                    .header("Origin", ORIGIN)
                    .header("api-key", KEY));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
            assertThat(ok.body()).contains("\"collections\"");

            // no Origin: no CORS headers; a plain OPTIONS is not a preflight and needs the key
            HttpResponse<String> plain = send(
                    HttpRequest.newBuilder(URI.create(base + "/collections")).header("api-key", KEY));
            assertThat(plain.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
            HttpResponse<String> options = send(HttpRequest.newBuilder(URI.create(base + "/collections"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(options.statusCode()).isNotEqualTo(200);
            assertThat(options.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    @Test
    void disabledCorsSendsNoHeadersAndAnswersNoPreflight() throws Exception {
        try (TestServer s = new TestServer(dir, LocalShard::open, Map.of("QDRANT__SERVICE__ENABLE_CORS", "false"))) {
            String base = "http://127.0.0.1:" + s.server().httpPort();
            HttpResponse<String> pre = send(HttpRequest.newBuilder(URI.create(base + "/collections"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", ORIGIN)
                    .header("Access-Control-Request-Method", "GET"));
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
            HttpResponse<String> get = send(
                    HttpRequest.newBuilder(URI.create(base + "/collections")).header("Origin", ORIGIN));
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(s.server().grpcPort()).isPositive();
        }
    }

    @Test
    void grpcPortNullServesRestWithoutGrpc() throws Exception {
        ServerConfig config = ConfigLoader.load(
                null,
                Map.of("QDRANT__SERVICE__GRPC_PORT", "null"),
                new ConfigLoader.CliOverrides("127.0.0.1", 0, null, dir.resolve("storage")));
        try (SextantServer server = SextantServer.start(config, LocalShard::open)) {
            assertThat(server.grpcPort()).isEqualTo(ServerConfig.Service.GRPC_DISABLED);
            HttpResponse<String> ok =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/collections")));
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
