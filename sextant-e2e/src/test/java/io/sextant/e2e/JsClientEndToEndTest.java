package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the packaged server through the official {@code @qdrant/js-client-rest} (installed from
 * npm by this test on first run) with the workflow in {@code src/test/js/e2e.mjs}.
 */
class JsClientEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void officialJsClientWorkflowPasses() throws Exception {
        try (ServerProcess server = new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log")).start()) {
            String output =
                    runNode(tmp.resolve("node.log"), tmp.resolve("server.log"), Map.of(), "e2e.mjs", server.baseUrl());
            assertThat(output).contains("JS client end-to-end: OK");
        }
    }

    /**
     * Runs {@code script} of {@code src/test/js} with node (installing the client from npm first
     * when missing), with {@code env} added and {@code args}, and asserts it ended with 0 within
     * 180 s; returns its output (also kept in {@code out}).
     *
     * @param serverLog shown when the script fails
     */
    static String runNode(Path out, Path serverLog, Map<String, String> env, String script, String... args)
            throws IOException, InterruptedException {
        Path jsDir = Path.of(System.getProperty("sextant.js.dir", "src/test/js"));
        npmInstall(jsDir);
        List<String> command = new java.util.ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command)
                .directory(jsDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        b.environment().putAll(env);
        Process node = b.start();
        boolean done = node.waitFor(180, TimeUnit.SECONDS);
        String output = Files.readString(out);
        if (!done) {
            node.destroyForcibly();
        }
        assertThat(done).as("node finished in time; output:\n%s", output).isTrue();
        assertThat(node.exitValue())
                .as("node exit code; output:\n%s\nserver log:\n%s", output, tail(serverLog))
                .isZero();
        return output;
    }

    private static void npmInstall(Path jsDir) throws IOException, InterruptedException {
        if (Files.isDirectory(jsDir.resolve("node_modules/@qdrant/js-client-rest"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(jsDir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor()).as("npm install output:\n%s", output).isZero();
    }

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
