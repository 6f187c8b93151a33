package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.Main;
import io.sextant.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sextant snapshot ...} and {@code --version} against an in-process server. */
class SnapshotCommandTest {
    @TempDir
    static Path storage;

    @TempDir
    Path dir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(
                storage.resolve("data"),
                io.sextant.shard.LocalShard::open,
                java.util.Map.of(
                        "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                        storage.resolve("snapshots").toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void createListDownloadRestore() throws Exception {
        String url = "http://127.0.0.1:" + server.server().httpPort();
        assertThat(server.put("/collections/snap", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}")
                        .status())
                .isEqualTo(200);
        assertThat(server.put(
                                "/collections/snap/points?wait=true",
                                "{\"points\":[{\"id\":1,\"vector\":[1,2]},{\"id\":2,\"vector\":[3,4]}]}")
                        .status())
                .isEqualTo(200);

        Run created = run("snapshot", "create", "-c", "snap", "--url", url);
        assertThat(created.code()).as(created.err()).isEqualTo(0);
        // the last line: the server's log lines share stdout in this in-process test
        String name = created.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(name).startsWith("snap-").endsWith(".snapshot");

        Run listed = run("snapshot", "list", "-c", "snap", "--url", url);
        assertThat(listed.code()).isEqualTo(0);
        assertThat(listed.out()).contains(name + "\t");

        Path file = dir.resolve("copy.snapshot");
        Run dl = run("snapshot", "download", "-c", "snap", name, "-o", file.toString(), "--url", url);
        assertThat(dl.code()).as(dl.err()).isEqualTo(0);
        long size = Files.size(file);
        assertThat(size).isGreaterThan(0);
        assertThat(listed.out()).contains("\t" + size + "\t");

        assertThat(server.put("/collections/snap/points?wait=true", "{\"points\":[{\"id\":3,\"vector\":[5,6]}]}")
                        .status())
                .isEqualTo(200);
        Run restored = run("snapshot", "restore", "-c", "snap", "--file", file.toString(), "--url", url);
        assertThat(restored.code()).as(restored.err()).isEqualTo(0);
        long count = server.post("/collections/snap/points/count", "{\"exact\":true}")
                .json()
                .path("result")
                .path("count")
                .asLong();
        assertThat(count).as("the restored snapshot has the 2 points of before").isEqualTo(2);

        Run missing = run(
                "snapshot",
                "download",
                "-c",
                "snap",
                "nope.snapshot",
                "-o",
                dir.resolve("x").toString(),
                "--url",
                url);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("HTTP 404");
        Run both = run("snapshot", "restore", "-c", "snap", "--url", url);
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("exactly one of --file or --location");
    }

    @Test
    void versionPrintsTheBuildVersionAndJava() {
        Run v = run("--version");
        assertThat(v.code()).isEqualTo(0);
        assertThat(v.out()).startsWith("sextant ").contains("Java " + Runtime.version());
        assertThat(v.out().lines().findFirst().orElseThrow()).matches("sextant \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(run("import", "--version").out()).isEqualTo(v.out());
    }
}
