package io.sextant.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /issues} under JWT RBAC, as Qdrant: a global reader sees every issue, a token scoped
 * to {@code alpha} only alpha's; clearing them needs manage.
 */
class IssuesAccessApiTest {

    static final String KEY = "issues-test-key-0123456789abcdefghijkl";

    @TempDir
    static Path storage;

    static SextantServer server;
    static HttpProbe http;

    @BeforeAll
    static void start() {
        server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__SERVICE__API_KEY", KEY, "SEXTANT__SERVICE__JWT_RBAC", "true"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, null, storage)),
                LocalShard::open);
        http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
        for (String c : List.of("alpha", "beta")) {
            assertThat(admin("PUT", "/collections/" + c, "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(admin(
                                    "PUT",
                                    "/collections/" + c + "/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[1,0],\"payload\":{\"g\":1}}]}")
                            .status())
                    .isEqualTo(200);
            assertThat(admin(
                                    "POST",
                                    "/collections/" + c + "/points/count",
                                    "{\"filter\":{\"must\":[{\"key\":\"g\",\"match\":{\"value\":1}}]}}")
                            .status())
                    .isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply admin(String method, String path, String body) {
        return http.send(method, path, body, "api-key", KEY);
    }

    static Reply as(String token, String method) {
        return http.send(method, "/issues", null, "Authorization", "Bearer " + token);
    }

    static List<String> ids(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().at("/result/issues").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    @Test
    void callersSeeTheIssuesOfTheCollectionsTheyCanRead() {
        assertThat(ids(admin("GET", "/issues", null)))
                .containsExactlyInAnyOrder("UNINDEXED_FIELD/alpha/g", "UNINDEXED_FIELD/beta/g");
        String onlyAlpha =
                TestTokens.hs256(KEY, Map.of("access", List.of(Map.of("collection", "alpha", "access", "r"))));
        assertThat(ids(as(onlyAlpha, "GET"))).containsExactly("UNINDEXED_FIELD/alpha/g");
        assertThat(as(onlyAlpha, "DELETE").status()).isEqualTo(403);
        String reader = TestTokens.hs256(KEY, Map.of("access", "r"));
        assertThat(ids(as(reader, "GET"))).hasSize(2);
        assertThat(as(reader, "DELETE").status()).isEqualTo(403);
        assertThat(ids(admin("GET", "/issues", null))).hasSize(2);
    }
}
