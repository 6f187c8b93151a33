package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Imports into a real in-process server: a whole file, a failure mid-import and its resume. */
class ImportRunnerTest {
    @TempDir
    static Path storage;

    @TempDir
    Path dir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(storage);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.server().httpPort();
    }

    private Path jsonl(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"id\":")
                    .append(i * 3 + 1)
                    .append(",\"vector\":[")
                    .append(i % 7 + 1)
                    .append(",1,")
                    .append(i)
                    .append("],\"k\":")
                    .append(i)
                    .append("}\n");
        }
        return Files.writeString(dir.resolve("pts.jsonl"), sb.toString());
    }

    private long count(String c) {
        return server.post("/collections/" + c + "/points/count", "{\"exact\":true}")
                .json()
                .path("result")
                .path("count")
                .asLong();
    }

    private void createCollection(String c) {
        assertThat(server.put("/collections/" + c, "{\"vectors\":{\"size\":3,\"distance\":\"Cosine\"}}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void failureMidImportThenResumeContinuesFromCheckpointWithoutDuplicates() throws Exception {
        String c = "resume";
        createCollection(c);
        Path file = jsonl(1000);
        Path cp = dir.resolve("cp");
        RestBatchSink real = new RestBatchSink(new RestClient(url(), null, 0), c);
        AtomicInteger calls = new AtomicInteger();
        BatchSink failing = (no, pts) -> {
            if (calls.incrementAndGet() > 4) {
                throw new IOException("simulated server failure at batch " + no);
            }
            real.upsert(no, pts);
        };
        var identity = new ImportCheckpoint(file.toString(), c, 100, 0);
        try (PointSource s = PointSources.open(new PointSources.Spec(file, null, 0, null, ColumnMapping.defaults()))) {
            var runner = new ImportRunner(s, failing, identity, cp, 1, (t, d) -> quietProgress(t, d));
            assertThatThrownBy(runner::run).hasMessageContaining("simulated server failure at batch 4");
        }
        assertThat(ImportCheckpoint.read(cp).doneBatches()).isEqualTo(4);
        assertThat(count(c)).isEqualTo(400);

        AtomicLong resent = new AtomicLong();
        Set<Long> batchNos = java.util.Collections.synchronizedSet(new HashSet<>());
        BatchSink counting = (no, pts) -> {
            resent.addAndGet(pts.size());
            batchNos.add(no);
            real.upsert(no, pts);
        };
        try (PointSource s = PointSources.open(new PointSources.Spec(file, null, 0, null, ColumnMapping.defaults()))) {
            var r = new ImportRunner(s, counting, identity, cp, 3, (t, d) -> quietProgress(t, d)).run();
            assertThat(r.skipped()).isEqualTo(400);
            assertThat(r.imported()).isEqualTo(600);
        }
        assertThat(resent.get()).as("only the rest is sent").isEqualTo(600);
        assertThat(batchNos).containsExactlyInAnyOrder(4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(count(c)).isEqualTo(1000);
        var scroll = server.post("/collections/" + c + "/points/scroll", "{\"limit\":2000,\"with_payload\":true}")
                .json();
        Set<Long> ids = new HashSet<>();
        scroll.path("result").path("points").forEach(p -> ids.add(p.path("id").asLong()));
        assertThat(ids).hasSize(1000).contains(1L, 2998L);
    }

    @Test
    void parallelUploadsKeepTheCheckpointAtTheContiguousPrefix() throws Exception {
        String c = "gap";
        createCollection(c);
        Path file = jsonl(500);
        Path cp = dir.resolve("cp2");
        RestBatchSink real = new RestBatchSink(new RestClient(url(), null, 0), c);
        BatchSink failsBatch2 = (no, pts) -> {
            if (no == 2) {
                throw new IOException("batch 2 lost");
            }
            real.upsert(no, pts);
        };
        try (PointSource s = PointSources.open(new PointSources.Spec(file, null, 0, null, ColumnMapping.defaults()))) {
            var runner = new ImportRunner(
                    s,
                    failsBatch2,
                    new ImportCheckpoint(file.toString(), c, 50, 0),
                    cp,
                    4,
                    (t, d) -> quietProgress(t, d));
            assertThatThrownBy(runner::run).hasMessageContaining("batch 2 lost");
        }
        assertThat(ImportCheckpoint.read(cp).doneBatches()).isEqualTo(2);
    }

    @Test
    void commandCreatesCollectionImportsAndDeletesCheckpoint() throws IOException {
        Path file = jsonl(300);
        Path cp = dir.resolve("cmd-cp");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(
                out,
                err,
                file.toString(),
                "-c",
                "cmd",
                "--url",
                url(),
                "--create",
                "--distance",
                "Dot",
                "--batch",
                "64",
                "--parallel",
                "2",
                "--checkpoint",
                cp.toString());
        assertThat(code).as(err.toString()).isEqualTo(0);
        // the command's own output is one summary line; the in-process server's log lines (a
        // slow-request warning when the machine is loaded) may share the stream
        assertThat(out.toString().lines().filter(l -> !l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ +[A-Z]+ .*")))
                .singleElement()
                .asString()
                .matches("imported 300 points in \\d+\\.\\d s \\([\\d,]+ points/s\\)");
        assertThat(err.toString())
                .contains("created collection 'cmd' (size 3, Dot)")
                .contains("import: 300/300 points (100.0%)");
        assertThat(count("cmd")).isEqualTo(300);
        assertThat(server.get("/collections/cmd/points/4")
                        .json()
                        .path("result")
                        .path("payload")
                        .path("k")
                        .asInt())
                .isEqualTo(1);
        assertThat(cp).doesNotExist();

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), err2, file.toString(), "-c", "nope", "--url", url()))
                .isEqualTo(2);
        assertThat(err2.toString()).contains("collection 'nope' does not exist").contains("--create");

        Path bad = Files.writeString(
                dir.resolve("bad.jsonl"), "{\"id\":1,\"vector\":[1,2,3]}\n{\"id\":2,\"vector\":[1,2]}\n");
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        assertThat(run(
                        new ByteArrayOutputStream(),
                        err3,
                        bad.toString(),
                        "-c",
                        "cmd",
                        "--url",
                        url(),
                        "--checkpoint",
                        dir.resolve("bad-cp").toString()))
                .isEqualTo(2);
        assertThat(err3.toString()).contains("line 2: vector has dimension 2, expected 3");
    }

    @Test
    void dimensionMismatchAndServerRejectionAreReportedClearly() throws IOException {
        createCollection("dim3");
        Path file = Files.writeString(dir.resolve("d4.jsonl"), "{\"id\":1,\"vector\":[1,2,3,4]}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(
                new ByteArrayOutputStream(),
                err,
                file.toString(),
                "-c",
                "dim3",
                "--url",
                url(),
                "--checkpoint",
                dir.resolve("d4-cp").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("collection 'dim3' has vectors of size 3, the data has dimension 4");

        Path badId = Files.writeString(dir.resolve("id.jsonl"), "{\"id\":\"not-a-uuid\",\"vector\":[1,2,3]}\n");
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        code = run(
                new ByteArrayOutputStream(),
                err2,
                badId.toString(),
                "-c",
                "dim3",
                "--url",
                url(),
                "--checkpoint",
                dir.resolve("id-cp").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err2.toString()).contains("the server rejected a batch").contains("HTTP 400");
    }

    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new io.sextant.server.Main())
                    .execute(List.of(List.of("import"), List.of(args)).stream()
                            .flatMap(List::stream)
                            .toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static ImportProgress quietProgress(long total, long done) {
        return new ImportProgress(
                new PrintStream(new ByteArrayOutputStream()), false, total, done, System::nanoTime, Long.MAX_VALUE);
    }
}
