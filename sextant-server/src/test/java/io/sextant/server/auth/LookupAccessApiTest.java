package io.sextant.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lookup_from} and {@code with_lookup} read a second collection, so a token scoped to
 * {@code alpha} must not reach {@code beta} through them (directly, by alias, inside a prefetch,
 * in a batch, or in the legacy recommend endpoint), while a token with read on both may.
 */
class LookupAccessApiTest {

    static final String KEY = "lookup-test-key-0123456789abcdefghijkl";

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
            assertThat(admin("PUT", "/collections/" + c, "{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(admin(
                                    "PUT",
                                    "/collections/" + c + "/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[1,0,0],\"payload\":{\"g\":1}},"
                                            + "{\"id\":2,\"vector\":[0,1,0],\"payload\":{\"g\":2}}]}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(admin(
                                "POST",
                                "/collections/aliases",
                                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"beta\",\"alias_name\":\"b_alias\"}}]}")
                        .status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply admin(String method, String path, String body) {
        return http.send(method, path, body, "api-key", KEY);
    }

    static Reply as(String token, String path, String body) {
        return http.send("POST", path, body, "Authorization", "Bearer " + token);
    }

    static String token(List<Map<String, Object>> access) {
        return TestTokens.hs256(KEY, Map.of("sub", "tenant", "access", access));
    }

    static final String QUERY = "{\"query\":{\"nearest\":1},\"lookup_from\":{\"collection\":\"%s\"},\"limit\":1}";
    static final String PREFETCH =
            "{\"prefetch\":[{\"query\":{\"nearest\":1},\"lookup_from\":{\"collection\":\"%s\"}}],"
                    + "\"query\":{\"fusion\":\"rrf\"},\"limit\":1}";
    static final String GROUPS =
            "{\"query\":[1,0,0],\"group_by\":\"g\",\"limit\":2," + "\"with_lookup\":{\"collection\":\"%s\"}}";
    static final String BATCH = "{\"searches\":[{\"query\":[1,0,0]},%s]}";
    static final String RECOMMEND = "{\"positive\":[1],\"lookup_from\":{\"collection\":\"%s\"},\"limit\":1}";

    @Test
    void scopedTokenCannotReadAnotherCollectionThroughALookup() {
        String onlyAlpha = token(List.of(Map.of("collection", "alpha", "access", "r")));
        for (String target : List.of("beta", "b_alias", "missing")) {
            assertForbidden(as(onlyAlpha, "/collections/alpha/points/query", QUERY.formatted(target)));
            assertForbidden(as(onlyAlpha, "/collections/alpha/points/query", PREFETCH.formatted(target)));
            assertForbidden(as(onlyAlpha, "/collections/alpha/points/query/groups", GROUPS.formatted(target)));
            assertForbidden(
                    as(onlyAlpha, "/collections/alpha/points/query/batch", BATCH.formatted(QUERY.formatted(target))));
            assertForbidden(as(onlyAlpha, "/collections/alpha/points/recommend", RECOMMEND.formatted(target)));
        }
        // its own collection through a lookup is fine
        assertThat(as(onlyAlpha, "/collections/alpha/points/query", QUERY.formatted("alpha"))
                        .status())
                .isEqualTo(200);
        assertThat(as(onlyAlpha, "/collections/alpha/points/query/groups", GROUPS.formatted("alpha"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void tokenReadingBothCollectionsMayLookUp() {
        String both = token(
                List.of(Map.of("collection", "alpha", "access", "r"), Map.of("collection", "beta", "access", "r")));
        for (String target : List.of("beta", "b_alias")) {
            assertThat(as(both, "/collections/alpha/points/query", QUERY.formatted(target))
                            .status())
                    .as(target)
                    .isEqualTo(200);
            assertThat(as(both, "/collections/alpha/points/query", PREFETCH.formatted(target))
                            .status())
                    .isEqualTo(200);
            Reply g = as(both, "/collections/alpha/points/query/groups", GROUPS.formatted(target));
            assertThat(g.status()).as(g.text()).isEqualTo(200);
            assertThat(g.json().at("/result/groups/0/lookup/id").isMissingNode())
                    .isFalse();
            assertThat(as(both, "/collections/alpha/points/recommend", RECOMMEND.formatted(target))
                            .status())
                    .isEqualTo(200);
        }
        String global = TestTokens.hs256(KEY, Map.of("access", "r"));
        assertThat(as(global, "/collections/alpha/points/query", QUERY.formatted("beta"))
                        .status())
                .isEqualTo(200);
    }

    private static void assertForbidden(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.json().at("/status/error").asText()).contains("Forbidden");
    }
}
