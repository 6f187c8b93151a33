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

/**
 * Runs {@code Main serve} as a child process: JSON log lines with {@code logger.format: json},
 * text lines by default, startup line, SIGTERM exits 0, a bad config exits 2 naming the key.
 */
class MainProcessTest {

    @TempDir
    Path dir;

    @Test
    void servesThenExitsZeroOnSigterm() throws Exception {
        ProcessBuilder pb = serve(
                "--host",
                "127.0.0.1",
                "--http-port",
                "0",
                "--storage-path",
                dir.resolve("storage").toString());
        pb.environment().put("SEXTANT__SERVICE__GRPC_PORT", "7777");
        pb.environment().put("QDRANT__LOGGER__FORMAT", "json");
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

            // a second server on the same storage is refused with a clear message, no stack trace
            Process second = serve(
                            "--host",
                            "127.0.0.1",
                            "--http-port",
                            "0",
                            "--grpc-port",
                            "0",
                            "--storage-path",
                            dir.resolve("storage").toString())
                    .redirectErrorStream(true)
                    .start();
            String secondOut = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(secondOut).isEqualTo(1);
            assertThat(secondOut)
                    .contains("sextant: cannot start: Storage directory")
                    .contains("is in use by another Sextant process")
                    .doesNotContain("\tat ");

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

    @Test
    void logsTextLinesByDefaultAndRefusesUnknownKeys() throws Exception {
        Path config = dir.resolve("config.yaml");
        java.nio.file.Files.writeString(
                config, "service:\n  grpc_port: null\nlog_level: INFO,io.sextant.collection=WARN\n");
        Process p = serve(
                        "--config-path",
                        config.toString(),
                        "--host",
                        "127.0.0.1",
                        "--http-port",
                        "0",
                        "--storage-path",
                        dir.resolve("storage").toString())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.contains("Sextant started")) {
                    break;
                }
            }
            assertThat(line).as("startup line in %s", lines).isNotNull();
            assertThat(line)
                    .matches(
                            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  INFO io\\.sextant\\.server\\.SextantServer: "
                                    + "Sextant started: REST on 127\\.0\\.0\\.1:\\d+, gRPC off .*");
            p.toHandle().destroy();
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("exit code, output %s", lines).isZero();
        assertThat(lines.getLast()).contains(" INFO io.sextant.server.SextantServer: Shutdown complete");

        java.nio.file.Files.writeString(config, "service:\n  http_prot: 7000\n");
        Process bad =
                serve("--config", config.toString()).redirectErrorStream(true).start();
        String output = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("invalid configuration").contains("unknown config key service.http_prot");
    }

    private static ProcessBuilder serve(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                // gRPC's protobuf reads arrays through sun.misc.Unsafe and its Netty loads a native
                // transport: allow both without the JDK's stderr warnings, which are not log lines
                // (bin/sextant and the jar manifest do the same)
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.sextant.server.Main",
                "serve"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
