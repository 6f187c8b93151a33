package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code Main serve} as a child process: JSON log lines, startup line, SIGTERM exits 0. */
class MainProcessTest {

    @TempDir
    Path dir;

    @Test
    void servesThenExitsZeroOnSigterm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                // gRPC's protobuf reads arrays through sun.misc.Unsafe and its Netty loads a native
                // transport: allow both without the JDK's stderr warnings, which are not JSON log
                // lines (bin/sextant and the jar manifest do the same)
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.sextant.server.Main",
                "serve",
                "--host",
                "127.0.0.1",
                "--http-port",
                "0",
                "--storage-path",
                dir.resolve("storage").toString());
        pb.environment().put("SEXTANT__SERVICE__GRPC_PORT", "7777");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            String line;
            while (port < 0 && (line = out.readLine()) != null) {
                lines.add(line);
                JsonNode json = m.readTree(line);
                if (json.path("formattedMessage").asText().startsWith("Sextant started")) {
                    for (JsonNode kv : json.path("kvpList")) {
                        if (kv.has("http_port")) {
                            port = kv.get("http_port").asInt();
                        }
                        if (kv.has("grpc_port")) {
                            assertThat(kv.get("grpc_port").asInt()).isEqualTo(7777);
                        }
                    }
                }
            }
            assertThat(port).as("startup line in %s", lines).isPositive();
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
            while ((line = out.readLine()) != null) { // until the child closes stdout by exiting
                lines.add(line);
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("exit code, output %s", lines).isZero();
        for (String l : lines) {
            assertThat(m.readTree(l).isObject()).as("JSON log line: %s", l).isTrue();
        }
        assertThat(String.join("\n", lines)).contains("Shutdown complete");
    }
}
