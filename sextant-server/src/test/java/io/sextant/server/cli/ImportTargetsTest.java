package io.sextant.server.cli;

import static io.sextant.server.cli.ImportRunnerTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant import} over gRPC and straight into a stopped server's storage directory. */
class ImportTargetsTest {
    @TempDir
    Path dir;

    private Path jsonl(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String id =
                    i % 5 == 0 ? "\"00000000-0000-0000-0000-" + String.format("%012d", i) + "\"" : String.valueOf(i);
            sb.append("{\"id\":")
                    .append(id)
                    .append(",\"vector\":[")
                    .append(i % 7 + 1)
                    .append(",1,")
                    .append(i)
                    .append("],\"k\":")
                    .append(i)
                    .append(",\"tag\":{\"name\":\"t")
                    .append(i % 3)
                    .append("\"}}\n");
        }
        return Files.writeString(dir.resolve("pts-" + n + ".jsonl"), sb.toString());
    }

    private static long count(TestServer server, String c) {
        return server.post("/collections/" + c + "/points/count", "{\"exact\":true}")
                .json()
                .path("result")
                .path("count")
                .asLong();
    }

    private static void assertPoint7(TestServer server, String c) {
        var p = server.get("/collections/" + c + "/points/7").json().path("result");
        assertThat(p.path("payload").path("k").asInt()).isEqualTo(7);
        assertThat(p.path("payload").path("tag").path("name").asText()).isEqualTo("t1");
        var uuid = server.get("/collections/" + c + "/points/00000000-0000-0000-0000-000000000010")
                .json()
                .path("result");
        assertThat(uuid.path("payload").path("k").asInt()).isEqualTo(10);
    }

    /** Runs {@code sextant import FILE -c C --url U --transport grpc --grpc-port P ARGS...}. */
    private int grpcImport(TestServer server, ByteArrayOutputStream err, Path file, String c, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                file.toString(),
                "-c",
                c,
                "--url",
                "http://127.0.0.1:" + server.server().httpPort(),
                "--transport",
                "grpc",
                "--grpc-port",
                String.valueOf(server.server().grpcPort()),
                "--checkpoint",
                dir.resolve(file.getFileName() + ".cp").toString()));
        args.addAll(java.util.List.of(more));
        return run(new ByteArrayOutputStream(), err, args.toArray(String[]::new));
    }

    @Test
    void grpcTransportCreatesImportsAndReportsRejections() throws IOException {
        try (TestServer server = TestServer.start(dir.resolve("grpc-storage"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code =
                    grpcImport(server, err, jsonl(250), "viagrpc", "--create", "--distance", "Euclid", "--batch", "40");
            assertThat(code).as(err.toString()).isEqualTo(0);
            assertThat(count(server, "viagrpc")).isEqualTo(250);
            assertPoint7(server, "viagrpc");
            assertThat(server.get("/collections/viagrpc")
                            .json()
                            .path("result")
                            .path("config")
                            .path("params")
                            .path("vectors")
                            .path("distance")
                            .asText())
                    .isEqualTo("Euclid");

            // the dimension check happens before any batch is sent
            ByteArrayOutputStream err2 = new ByteArrayOutputStream();
            Path wrongDim = Files.writeString(dir.resolve("w.jsonl"), "{\"id\":1,\"vector\":[1,2]}\n");
            assertThat(grpcImport(server, err2, wrongDim, "viagrpc")).isEqualTo(2);
            assertThat(err2.toString()).contains("has vectors of size 3, the data has dimension 2");

            // a bad id is refused without retries: exit 2, nothing written
            ByteArrayOutputStream err3 = new ByteArrayOutputStream();
            Path badId = Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":\"nope\",\"vector\":[1,2,3]}\n");
            assertThat(grpcImport(server, err3, badId, "viagrpc")).isEqualTo(2);
            assertThat(err3.toString()).contains("rejected a batch").contains("neither an unsigned integer nor a UUID");
            assertThat(count(server, "viagrpc")).isEqualTo(250);
        }
    }

    @Test
    void storagePathImportIsServedByTheNextServerAndRefusedWhileOneRuns() throws IOException {
        Path storage = dir.resolve("offline-storage");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(
                new ByteArrayOutputStream(),
                err,
                jsonl(300).toString(),
                "-c",
                "offline",
                "--storage-path",
                storage.toString(),
                "--create",
                "--batch",
                "64",
                "--checkpoint",
                dir.resolve("o-cp").toString());
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(err.toString()).contains("created collection 'offline' (size 3, Cosine)");
        assertThat(dir.resolve("o-cp")).doesNotExist();

        try (TestServer server = TestServer.start(storage)) {
            assertThat(count(server, "offline")).isEqualTo(300);
            assertPoint7(server, "offline");
            var hits = server.post(
                            "/collections/offline/points/query",
                            "{\"query\":[2,1,1],\"limit\":3,\"filter\":{\"must\":[{\"key\":\"tag.name\",\"match\":{\"value\":\"t1\"}}]}}")
                    .json()
                    .path("result")
                    .path("points");
            assertThat(hits).hasSize(3);

            // the running server holds the directory: a second writer is refused and changes nothing
            ByteArrayOutputStream err2 = new ByteArrayOutputStream();
            code = run(
                    new ByteArrayOutputStream(),
                    err2,
                    jsonl(20).toString(),
                    "-c",
                    "offline",
                    "--storage-path",
                    storage.toString(),
                    "--checkpoint",
                    dir.resolve("o2-cp").toString());
            assertThat(code).isEqualTo(1);
            assertThat(err2.toString()).contains("is in use by another Sextant process");
            assertThat(count(server, "offline")).isEqualTo(300);
        }

        // bad data in an offline import is a rejection (exit 2), as over REST
        Path badId = Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":\"nope\",\"vector\":[1,2,3]}\n");
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        code = run(
                new ByteArrayOutputStream(),
                err3,
                badId.toString(),
                "-c",
                "offline",
                "--storage-path",
                storage.toString(),
                "--checkpoint",
                dir.resolve("bad-cp").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err3.toString()).contains("the collection rejected a batch");
    }

    @Test
    void storagePathRefusesClusterStorageAndUrlTogether() throws IOException {
        Path storage = Files.createDirectories(dir.resolve("peer/cluster")).getParent();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(
                new ByteArrayOutputStream(),
                err,
                jsonl(3).toString(),
                "-c",
                "x",
                "--storage-path",
                storage.toString(),
                "--create");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("belongs to a cluster peer");
        assertThat(storage.resolve("collections")).doesNotExist();

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        code = run(
                new ByteArrayOutputStream(),
                err2,
                jsonl(3).toString(),
                "-c",
                "x",
                "--storage-path",
                dir.resolve("s2").toString(),
                "--url",
                "http://localhost:1");
        assertThat(code).isEqualTo(2);
        assertThat(err2.toString()).contains("takes no --url or --transport");
    }
}
