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

/** Every authentication and authorization rule over real HTTP: keys, header forms, read-only, JWT RBAC. */
class AuthApiTest {

    static final String KEY = "full-access-key-0123456789abcdefghijkl";
    static final String RO_KEY = "read-only-key-0123456789";

    @TempDir
    static Path storage;

    static SextantServer server;
    static HttpProbe http;

    /** method, path, body of every write endpoint, on collection "alpha". */
    static final List<String[]> WRITES = List.of(
            new String[] {"PUT", "/collections/alpha/points?wait=true", "{\"points\":[{\"id\":9,\"vector\":[1,0,0]}]}"},
            new String[] {
                "POST", "/collections/alpha/points/payload?wait=true", "{\"payload\":{\"a\":1},\"points\":[9]}"
            },
            new String[] {"PUT", "/collections/alpha/points/payload?wait=true", "{\"payload\":{\"a\":1},\"points\":[9]}"
            },
            new String[] {
                "POST", "/collections/alpha/points/payload/delete?wait=true", "{\"keys\":[\"a\"],\"points\":[9]}"
            },
            new String[] {"POST", "/collections/alpha/points/payload/clear?wait=true", "{\"points\":[9]}"},
            new String[] {
                "PUT", "/collections/alpha/points/vectors?wait=true", "{\"points\":[{\"id\":9,\"vector\":[0,1,0]}]}"
            },
            new String[] {
                "POST", "/collections/alpha/points/vectors/delete?wait=true", "{\"points\":[9],\"vector\":[\"\"]}"
            },
            new String[] {"POST", "/collections/alpha/points/batch?wait=true", "{\"operations\":[]}"},
            new String[] {
                "PUT", "/collections/alpha/index?wait=true", "{\"field_name\":\"k\",\"field_schema\":\"keyword\"}"
            },
            new String[] {"DELETE", "/collections/alpha/index/k?wait=true", null},
            new String[] {"PUT", "/collections/alpha/vectors/extra?wait=true", "{\"sparse\":{}}"},
            new String[] {"DELETE", "/collections/alpha/vectors/extra?wait=true", null},
            new String[] {"POST", "/collections/alpha/points/delete?wait=true", "{\"points\":[9]}"});

    /** Management endpoints (need manage access). */
    static final List<String[]> MANAGE = List.of(
            new String[] {"PUT", "/collections/gamma", "{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}"},
            new String[] {"PATCH", "/collections/alpha", "{}"},
            new String[] {"DELETE", "/collections/alpha", null},
            new String[] {"POST", "/collections/aliases", "{\"actions\":[]}"},
            new String[] {"POST", "/collections/alpha/snapshots", null},
            new String[] {"POST", "/collections/alpha/cluster", "{\"drop_replica\":{\"shard_id\":0,\"peer_id\":1}}"},
            new String[] {"POST", "/snapshots", null});

    /** Read endpoints on collection "alpha". */
    static final List<String[]> READS = List.of(
            new String[] {"GET", "/collections/alpha", null},
            new String[] {"GET", "/collections/alpha/exists", null},
            new String[] {"GET", "/collections/alpha/points/1", null},
            new String[] {"POST", "/collections/alpha/points", "{\"ids\":[1]}"},
            new String[] {"POST", "/collections/alpha/points/scroll", "{}"},
            new String[] {"POST", "/collections/alpha/points/count", "{}"},
            new String[] {"POST", "/collections/alpha/points/query", "{\"query\":[1,0,0]}"},
            new String[] {"POST", "/collections/alpha/points/search", "{\"vector\":[1,0,0],\"limit\":3}"},
            new String[] {"POST", "/collections/alias_a/points/count", "{}"});

    @BeforeAll
    static void start() {
        server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__SERVICE__API_KEY", KEY,
                                "SEXTANT__SERVICE__READ_ONLY_API_KEY", RO_KEY,
                                "SEXTANT__SERVICE__JWT_RBAC", "true"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage)),
                LocalShard::open);
        http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
        for (String c : List.of("alpha", "beta")) {
            assertThat(admin("PUT", "/collections/" + c, "{\"vectors\":{\"size\":3,\"distance\":\"Dot\"}}")
                            .status())
                    .isEqualTo(200);
            assertThat(admin(
                                    "PUT",
                                    "/collections/" + c + "/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[1,0,0],\"payload\":{\"user\":\"u1\"}}]}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(admin(
                                "POST",
                                "/collections/aliases",
                                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"alpha\",\"alias_name\":\"alias_a\"}},"
                                        + "{\"create_alias\":{\"collection_name\":\"beta\",\"alias_name\":\"alias_b\"}}]}")
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

    static Reply as(String token, String[] req) {
        return http.send(req[0], req[1], req[2], "Authorization", "Bearer " + token);
    }

    @Test
    void probesAndRootAreOpen() {
        for (String p : List.of("/", "/healthz", "/livez", "/readyz")) {
            assertThat(http.send("GET", p, null).status()).as(p).isEqualTo(200);
        }
    }

    @Test
    void everythingElseNeedsAKey() {
        List<String[]> all = new ArrayList<>(READS);
        all.addAll(WRITES);
        all.addAll(MANAGE);
        all.add(new String[] {"GET", "/collections", null});
        all.add(new String[] {"GET", "/metrics", null});
        all.add(new String[] {"GET", "/no/such/route", null});
        for (String[] r : all) {
            Reply none = http.send(r[0], r[1], r[2]);
            assertThat(none.status()).as("%s %s without key", r[0], r[1]).isEqualTo(401);
            assertThat(none.json().at("/status/error").asText()).contains("API key");
            Reply wrong = http.send(r[0], r[1], r[2], "api-key", KEY + "x");
            assertThat(wrong.status()).as("%s %s wrong key", r[0], r[1]).isEqualTo(401);
            assertThat(wrong.text()).doesNotContain(KEY);
            assertThat(http.send(r[0], r[1], r[2], "Authorization", "Basic " + KEY)
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void fullKeyWorksAsHeaderAndAsBearer() {
        assertThat(http.send("GET", "/collections", null, "api-key", KEY).status())
                .isEqualTo(200);
        assertThat(http.send("GET", "/collections", null, "Authorization", "Bearer " + KEY)
                        .status())
                .isEqualTo(200);
        assertThat(http.send("GET", "/collections", null, "authorization", "bearer " + KEY)
                        .status())
                .isEqualTo(200);
        // a prefix of the key, or the key with a different length, is not the key
        assertThat(http.send("GET", "/collections", null, "api-key", KEY.substring(0, 10))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void readOnlyKeyReadsEverythingAndWritesNothing() {
        for (String[] r : READS) {
            assertThat(http.send(r[0], r[1], r[2], "api-key", RO_KEY).status())
                    .as("%s %s", r[0], r[1])
                    .isEqualTo(200);
            assertThat(http.send(r[0], r[1], r[2], "Authorization", "Bearer " + RO_KEY)
                            .status())
                    .isEqualTo(200);
        }
        List<String[]> changes = new ArrayList<>(WRITES);
        changes.addAll(MANAGE);
        for (String[] r : changes) {
            Reply reply = http.send(r[0], r[1], r[2], "api-key", RO_KEY);
            assertThat(reply.status())
                    .as("%s %s with the read-only key", r[0], r[1])
                    .isEqualTo(403);
            assertThat(reply.json().at("/status/error").asText()).contains("read_only_api_key");
        }
        assertThat(admin("POST", "/collections/alpha/points/count", "{\"exact\":true}")
                        .json()
                        .at("/result/count")
                        .asLong())
                .isEqualTo(1);
        assertThat(http.send("GET", "/collections", null, "api-key", RO_KEY)
                        .json()
                        .at("/result/collections")
                        .size())
                .isEqualTo(2);
    }

    @Test
    void globalJwtClaims() {
        String reader = TestTokens.hs256(KEY, Map.of("access", "r", "exp", TestTokens.nowPlus(600)));
        String manager = TestTokens.hs256(KEY, Map.of("access", "m", "sub", "ops"));
        String implicitManager = TestTokens.hs256(KEY, Map.of("sub", "ops"));
        for (String[] r : READS) {
            assertThat(as(reader, r).status()).as("%s %s", r[0], r[1]).isEqualTo(200);
        }
        for (String[] r : WRITES) {
            assertThat(as(reader, r).status()).as("%s %s", r[0], r[1]).isEqualTo(403);
        }
        assertThat(as(manager, MANAGE.getFirst()).status()).isEqualTo(200);
        assertThat(as(implicitManager, new String[] {"DELETE", "/collections/gamma", null})
                        .status())
                .isEqualTo(200);
    }

    @Test
    void collectionScopedTokenCannotReadOrListOthers() {
        String ro = TestTokens.hs256(
                KEY, Map.of("sub", "tenant-a", "access", List.of(Map.of("collection", "alpha", "access", "r"))));
        for (String[] r : READS) {
            assertThat(as(ro, r).status()).as("%s %s", r[0], r[1]).isEqualTo(200);
            String[] other = {r[0], r[1].replace("alpha", "beta").replace("alias_a", "alias_b"), r[2]};
            Reply denied = as(ro, other);
            assertThat(denied.status()).as("%s %s", other[0], other[1]).isEqualTo(403);
            assertThat(denied.text()).doesNotContain("u1");
        }
        for (String[] r : WRITES) {
            assertThat(as(ro, r).status()).as("%s %s", r[0], r[1]).isEqualTo(403);
        }
        Reply list = as(ro, new String[] {"GET", "/collections", null});
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().at("/result/collections").toString())
                .contains("alpha")
                .doesNotContain("beta");
        Reply aliases = as(ro, new String[] {"GET", "/aliases", null});
        assertThat(aliases.json().at("/result/aliases").toString())
                .contains("alias_a")
                .doesNotContain("alias_b");
        assertThat(as(ro, new String[] {"GET", "/metrics", null}).status()).isEqualTo(403);
        assertThat(as(ro, new String[] {"GET", "/collections/unknown", null}).status())
                .isEqualTo(403);

        String rw = TestTokens.hs256(KEY, Map.of("access", List.of(Map.of("collection", "alpha", "access", "rw"))));
        for (String[] r : WRITES) {
            assertThat(as(rw, r).status()).as("%s %s", r[0], r[1]).isEqualTo(200);
            String[] other = {r[0], r[1].replace("alpha", "beta"), r[2]};
            assertThat(as(rw, other).status()).as("%s %s", other[0], other[1]).isEqualTo(403);
        }
        for (String[] r : MANAGE) {
            assertThat(as(rw, r).status()).as("%s %s", r[0], r[1]).isEqualTo(403);
        }
    }

    @Test
    void expiredTamperedAndForeignTokensAreRefused() {
        Map<String, Object> claims = Map.of("access", "r", "exp", TestTokens.nowPlus(-3600));
        String expired = TestTokens.hs256(KEY, claims);
        String[] list = {"GET", "/collections", null};
        Reply r = as(expired, list);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/status/error").asText()).contains("expired");
        // within the leeway
        assertThat(as(TestTokens.hs256(KEY, Map.of("access", "r", "exp", TestTokens.nowPlus(-5))), list)
                        .status())
                .isEqualTo(200);

        String reader = TestTokens.hs256(KEY, Map.of("access", "r"));
        String tampered = TestTokens.tamper(reader, Map.of("access", "m"));
        assertThat(as(tampered, MANAGE.getFirst()).status()).isEqualTo(401);
        assertThat(as(TestTokens.hs256("another-secret", Map.of("access", "m")), list)
                        .status())
                .isEqualTo(401);
        assertThat(as(TestTokens.sign(KEY, Map.of("alg", "none"), Map.of("access", "m")), list)
                        .status())
                .isEqualTo(401);
        assertThat(as(TestTokens.sign(KEY, Map.of("alg", "HS512"), Map.of("access", "m")), list)
                        .status())
                .isEqualTo(401);
        assertThat(as("a.b.c", list).status()).isEqualTo(401);
        assertThat(as(TestTokens.hs256(KEY, Map.of("access", "x")), list).status())
                .isEqualTo(401);
        assertThat(as(
                                TestTokens.hs256(
                                        KEY,
                                        Map.of(
                                                "access",
                                                List.of(Map.of(
                                                        "collection", "alpha", "access", "r", "payload", Map.of())))),
                                list)
                        .status())
                .isEqualTo(401);
        // the read-only key cannot sign tokens
        assertThat(as(TestTokens.hs256(RO_KEY, Map.of("access", "m")), list).status())
                .isEqualTo(401);
    }

    @Test
    void valueExistsClaimRevokesWhenThePointGoes() {
        assertThat(admin(
                                "PUT",
                                "/collections/beta/points?wait=true",
                                "{\"points\":[{\"id\":77,\"vector\":[0,0,1],\"payload\":{\"user\":\"carol\",\"role\":\"reader\"}}]}")
                        .status())
                .isEqualTo(200);
        String token = TestTokens.hs256(
                KEY,
                Map.of(
                        "access",
                        "r",
                        "value_exists",
                        Map.of(
                                "collection",
                                "beta",
                                "matches",
                                List.of(
                                        Map.of("key", "user", "value", "carol"),
                                        Map.of("key", "role", "value", "reader")))));
        String[] req = {"GET", "/collections", null};
        assertThat(as(token, req).status()).isEqualTo(200);
        assertThat(admin("POST", "/collections/beta/points/delete?wait=true", "{\"points\":[77]}")
                        .status())
                .isEqualTo(200);
        assertThat(as(token, req).status()).isEqualTo(401);
    }
}
