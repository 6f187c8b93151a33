package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path jsDir = Path.of(System.getProperty("sextant.js.dir", "src/test/js"));
        npmInstall(jsDir);
        try (ServerProcess server = new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log")).start()) {
            Path out = tmp.resolve("node.log");
            Process node = new ProcessBuilder(List.of("node", "e2e.mjs", server.baseUrl()))
                    .directory(jsDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean done = node.waitFor(180, TimeUnit.SECONDS);
            String output = Files.readString(out);
            if (!done) {
                node.destroyForcibly();
            }
            assertThat(done).as("node finished in time; output:\n%s", output).isTrue();
            assertThat(node.exitValue())
                    .as("node exit code; output:\n%s\nserver log:\n%s", output, tail(tmp.resolve("server.log")))
                    .isZero();
            assertThat(output).contains("JS client end-to-end: OK");
        }
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
