package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.auth.RestAccessRules;
import io.sextant.server.config.ConfigLoader;
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
 * {@link DashboardRoutes} over HTTP with a fixture build ({@code src/test/resources/dashboard-fixture}):
 * content types, cache headers, the page for client-side routes, 404 for missing assets and unsafe
 * names, 503 without a build; and with authentication on, the page open while the data is not.
 */
class DashboardRoutesTest {

    private static final String KEY = "dashboard-routes-key-0123456789";

    @TempDir
    Path storage;

    private static Javalin serve(DashboardRoutes routes) {
        return Javalin.create(c -> {
                    c.startup.showJavalinBanner = false;
                    routes.register(c.routes);
                })
                .start("127.0.0.1", 0);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void servesFilesWithTheirTypesAndCacheRules() throws Exception {
        Javalin app = serve(new DashboardRoutes(getClass().getClassLoader(), "dashboard-fixture"));
        try {
            int port = app.port();
            HttpResponse<String> page = get(port, "/dashboard");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(header(page, "Content-Type")).startsWith("text/html");
            assertThat(header(page, "Cache-Control")).isEqualTo("no-cache");
            assertThat(page.body()).contains("<title>fixture</title>");
            assertThat(header(page, "Content-Security-Policy"))
                    .contains("default-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(header(page, "X-Content-Type-Options")).isEqualTo("nosniff");

            HttpResponse<String> js = get(port, "/dashboard/assets/index-Ab12Cd34.js");
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(header(js, "Content-Type")).startsWith("text/javascript");
            assertThat(header(js, "Cache-Control")).contains("immutable").contains("max-age=31536000");
            assertThat(js.body()).contains("fixture bundle");

            assertThat(header(get(port, "/dashboard/assets/index-Ef56.css"), "Content-Type"))
                    .startsWith("text/css");
            HttpResponse<String> icon = get(port, "/dashboard/favicon.svg");
            assertThat(header(icon, "Content-Type")).isEqualTo("image/svg+xml");
            assertThat(header(icon, "Cache-Control")).isEqualTo("no-cache");
        } finally {
            app.stop();
        }
    }

    @Test
    void clientRoutesGetThePageButMissingAssetsAndUnsafeNamesDoNot() throws Exception {
        Javalin app = serve(new DashboardRoutes(getClass().getClassLoader(), "dashboard-fixture"));
        try {
            int port = app.port();
            for (String route :
                    new String[] {"/dashboard/", "/dashboard/collections/books/points", "/dashboard/metrics"}) {
                HttpResponse<String> r = get(port, route);
                assertThat(r.statusCode()).as(route).isEqualTo(200);
                assertThat(r.body()).as(route).contains("<title>fixture</title>");
            }
            HttpResponse<String> stale = get(port, "/dashboard/assets/index-OLD.js");
            assertThat(stale.statusCode()).isEqualTo(404);
            assertThat(stale.body()).doesNotContain("<title>");
            // the class itself, one folder up from the fixture, must not be reachable
            HttpResponse<String> escape =
                    get(port, "/dashboard/%2E%2E/io/sextant/server/api/rest/DashboardRoutes.class");
            assertThat(escape.statusCode()).isIn(400, 404);
            assertThat(escape.body()).doesNotContain("DashboardRoutes");
        } finally {
            app.stop();
        }
    }

    @Test
    void withoutABuildEveryDashboardPathExplainsHowToBuildIt() throws Exception {
        DashboardRoutes missing = new DashboardRoutes(getClass().getClassLoader(), "no-such-dashboard");
        assertThat(missing.built()).isFalse();
        Javalin app = serve(missing);
        try {
            for (String path : new String[] {"/dashboard", "/dashboard/assets/index-Ab12Cd34.js", "/dashboard/x"}) {
                HttpResponse<String> r = get(app.port(), path);
                assertThat(r.statusCode()).as(path).isEqualTo(503);
                assertThat(header(r, "Content-Type")).startsWith("text/html");
                assertThat(r.body()).contains("dashboard/build.sh").contains("sextant.dashboard.skip");
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void withAuthOnThePageIsOpenButTheDataIsNot() {
        SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__SERVICE__API_KEY", KEY),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage)),
                LocalShard::open);
        try {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            // 200 with the built page, 503 when this build skipped it: either way not refused
            for (String path : new String[] {"/dashboard", "/dashboard/collections/c", "/dashboard/favicon.svg"}) {
                Reply page = http.send("GET", path, null);
                assertThat(page.status()).as(path).isIn(200, 503);
            }
            assertThat(http.send("GET", "/collections", null).status()).isEqualTo(401);
            assertThat(http.send("GET", "/collections", null, "api-key", KEY).status())
                    .isEqualTo(200);
            assertThat(http.send("GET", "/metrics", null).status()).isEqualTo(401);
            // a dot segment must not turn a data path into an open one
            assertThat(http.send("GET", "/dashboard/%2E%2E/collections", null).status())
                    .isNotEqualTo(200);
            assertThat(http.send("POST", "/dashboard", "{}").status()).isEqualTo(401);
        } finally {
            server.close();
        }
    }

    @Test
    void accessRulesOpenOnlyDashboardReads() {
        assertThat(RestAccessRules.classify("GET", "/dashboard").level()).isEqualTo(RestAccessRules.Level.OPEN);
        assertThat(RestAccessRules.classify("GET", "/dashboard/assets/index-1.js")
                        .level())
                .isEqualTo(RestAccessRules.Level.OPEN);
        assertThat(RestAccessRules.classify("GET", "/dashboard/../collections").level())
                .isNotEqualTo(RestAccessRules.Level.OPEN);
        assertThat(RestAccessRules.classify("GET", "/dashboard/%2e%2e/snapshots")
                        .level())
                .isNotEqualTo(RestAccessRules.Level.OPEN);
        assertThat(RestAccessRules.classify("DELETE", "/dashboard").level()).isEqualTo(RestAccessRules.Level.MANAGE);
        assertThat(RestAccessRules.classify("GET", "/dashboards").level()).isEqualTo(RestAccessRules.Level.GLOBAL_READ);
    }
}
