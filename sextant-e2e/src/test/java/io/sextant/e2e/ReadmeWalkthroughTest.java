package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's walkthrough block with bash and curl against the packaged server, verbatim
 * except for the port, and checks that every command answered Qdrant's "ok" envelope and that the
 * filtered query returned only London points.
 */
class ReadmeWalkthroughTest {
    @TempDir
    Path tmp;

    @Test
    void readmeCurlWalkthroughWorks() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("sextant.readme", "../README.md")));
        int start = readme.indexOf("<!-- walkthrough:start -->");
        int end = readme.indexOf("<!-- walkthrough:end -->");
        assertThat(start).as("walkthrough markers in README").isPositive();
        String block = readme.substring(readme.indexOf("```bash", start) + 7, readme.lastIndexOf("```", end));
        List<String> commands = splitCommands(block);
        assertThat(commands).hasSizeGreaterThanOrEqualTo(7);

        try (ServerProcess server = new ServerProcess(tmp.resolve("storage"), tmp.resolve("server.log")).start()) {
            for (String command : commands) {
                String cmd = command.replace("localhost:6333", "127.0.0.1:" + server.httpPort());
                Process p = new ProcessBuilder("bash", "-c", cmd)
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor())
                        .as("exit code of:\n%s\noutput: %s", command, out)
                        .isZero();
                JsonNode reply = RestCalls.JSON.readTree(out);
                assertThat(reply.path("status").asText())
                        .as("status of:\n%s\noutput: %s", command, out)
                        .isEqualTo("ok");
                if (command.contains("points/query")) {
                    JsonNode points = reply.path("result").path("points");
                    assertThat(points.size()).isEqualTo(2);
                    points.forEach(pt ->
                            assertThat(pt.path("payload").path("city").asText()).isEqualTo("London"));
                }
                if (command.contains("points/count")) {
                    assertThat(reply.path("result").path("count").asInt()).isEqualTo(3);
                }
            }
        }
    }

    /** Splits a bash block into commands: comment lines dropped, backslash continuations joined. */
    static List<String> splitCommands(String block) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inQuote = false;
        for (String line : block.split("\n")) {
            if (!inQuote && (line.isBlank() || line.strip().startsWith("#"))) {
                continue;
            }
            current.append(line).append('\n');
            for (char c : line.toCharArray()) {
                if (c == '\'') {
                    inQuote = !inQuote;
                }
            }
            if (!inQuote && !line.endsWith("\\")) {
                commands.add(current.toString());
                current.setLength(0);
            }
        }
        return commands;
    }
}
