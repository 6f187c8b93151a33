package io.sextant.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log over real HTTP: writes, admin actions and auth failures as JSON lines, no secrets, rotation. */
class AuditLogApiTest {

    static final String KEY = "audit-secret-key-123";

    @TempDir
    Path tmp;

    @Test
    void recordsWritesAdminAndAuthFailuresWithoutSecretsAndRotates() throws Exception {
        Path dir = tmp.resolve("audit");
        try (SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__SERVICE__API_KEY", KEY,
                                "SEXTANT__SERVICE__READ_ONLY_API_KEY", "ro-secret",
                                "SEXTANT__AUDIT__ENABLED", "true",
                                "SEXTANT__AUDIT__DIR", dir.toString(),
                                "SEXTANT__AUDIT__MAX_FILE_BYTES", "4096",
                                "SEXTANT__AUDIT__MAX_FILES", "3"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, tmp.resolve("data"))),
                LocalShard::open)) {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            assertThat(http.send(
                                    "PUT",
                                    "/collections/a",
                                    "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}",
                                    "api-key",
                                    KEY)
                            .status())
                    .isEqualTo(200);
            assertThat(http.send(
                                    "PUT",
                                    "/collections/a/points?wait=true",
                                    "{\"points\":[{\"id\":1,\"vector\":[0.5,0.25]}]}",
                                    "api-key",
                                    KEY)
                            .status())
                    .isEqualTo(200);
            assertThat(http.send("GET", "/collections", null, "api-key", "wrong-guess")
                            .status())
                    .isEqualTo(401);
            assertThat(http.send("DELETE", "/collections/a", null, "api-key", "ro-secret")
                            .status())
                    .isEqualTo(403);
            assertThat(http.send("POST", "/collections/a/points/count", "{}", "api-key", KEY)
                            .status())
                    .isEqualTo(200);

            List<JsonNode> lines = read(dir.resolve(AuditLog.FILE));
            assertThat(lines).hasSize(4); // the read is not audited
            assertThat(lines.get(0).get("principal").asText()).isEqualTo("api_key");
            assertThat(lines.get(0).get("action").asText()).isEqualTo("PUT /collections/{collection_name}");
            assertThat(lines.get(0).get("collection").asText()).isEqualTo("a");
            assertThat(lines.get(0).get("outcome").asText()).isEqualTo("ok");
            assertThat(lines.get(1).get("action").asText()).isEqualTo("PUT /collections/{collection_name}/points");
            assertThat(lines.get(2).get("principal").asText()).isEqualTo("unauthenticated");
            assertThat(lines.get(2).get("outcome").asText()).isEqualTo("denied");
            assertThat(lines.get(2).get("status").asInt()).isEqualTo(401);
            assertThat(lines.get(3).get("principal").asText()).isEqualTo("read_only_api_key");
            assertThat(lines.get(3).get("status").asInt()).isEqualTo(403);
            String all = Files.readString(dir.resolve(AuditLog.FILE));
            assertThat(all)
                    .doesNotContain(KEY)
                    .doesNotContain("ro-secret")
                    .doesNotContain("wrong-guess")
                    .doesNotContain("0.25");

            for (int i = 0; i < 200; i++) {
                http.send(
                        "PUT",
                        "/collections/a/points?wait=true",
                        "{\"points\":[{\"id\":" + i + ",\"vector\":[1,1]}]}",
                        "api-key",
                        KEY);
            }
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names =
                        files.map(p -> p.getFileName().toString()).sorted().toList();
                assertThat(names).containsExactly("audit.log", "audit.log.1", "audit.log.2", "audit.log.3");
            }
            for (String f : List.of("audit.log", "audit.log.1", "audit.log.2", "audit.log.3")) {
                assertThat(Files.size(dir.resolve(f))).isLessThanOrEqualTo(4096);
                read(dir.resolve(f)); // every line is whole JSON
            }
        }
    }

    private static List<JsonNode> read(Path file) throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(m.readTree(line));
        }
        return out;
    }
}
