package io.sextant.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.backup.BackupStatus;
import io.sextant.collection.snapshot.S3SnapshotStore;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import io.sextant.shard.LocalShard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot drill from Qdrant's snapshot guide, over HTTP against the real server: 1,000 points
 * with payload, snapshot, recover in place (priority snapshot), into a new name, from an HTTP URL
 * and by upload; then, on a server whose snapshots live in S3 (S3Mock in its own JVM), delete the
 * collection, pull the snapshot from S3 and recover it; counts and sampled payloads must match.
 */
class SnapshotApiTest {
    static final int N = 1000;

    @TempDir
    Path tmp;

    final long seed = System.nanoTime();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void qdrantSnapshotDrillOverHttp() throws Exception {
        Path snapshots = tmp.resolve("snapshots");
        try (TestServer s = new TestServer(
                tmp.resolve("storage"),
                LocalShard::open,
                Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", snapshots.toString()))) {
            fill(s, "drill");
            Response created = s.post("/collections/drill/snapshots", null);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            JsonNode d = created.json().get("result");
            String name = d.get("name").asText();
            assertThat(name).matches("drill-\\d+-\\d{4}(-\\d{2}){5}\\.snapshot");
            assertThat(d.get("creation_time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
            assertThat(s.get("/collections/drill/snapshots")
                            .json()
                            .get("result")
                            .get(0))
                    .isEqualTo(d);

            String url = base(s) + "/collections/drill/snapshots/" + name;
            HttpResponse<byte[]> download =
                    http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).hasSize(d.get("size").asInt());
            assertThat(sha256(download.body())).isEqualTo(d.get("checksum").asText());
            // clients that accept gzip (Python requests, browsers) get the same bytes, uncompressed
            HttpResponse<byte[]> gzipOk = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Accept-Encoding", "gzip, deflate")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzipOk.statusCode()).isEqualTo(200);
            assertThat(gzipOk.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(sha256(gzipOk.body())).isEqualTo(d.get("checksum").asText());

            String file = snapshots.resolve("drill").resolve(name).toUri().toString();
            assertOk(s.put(
                    "/collections/drill/snapshots/recover",
                    "{\"location\":\"" + file + "\",\"priority\":\"snapshot\",\"checksum\":\""
                            + d.get("checksum").asText() + "\"}"));
            check(s, "drill");
            assertOk(s.put("/collections/drill_copy/snapshots/recover", "{\"location\":\"" + file + "\"}"));
            check(s, "drill_copy");
            assertOk(s.put(
                    "/collections/drill_url/snapshots/recover",
                    "{\"location\":\"" + url + "\",\"priority\":\"no_sync\"}"));
            check(s, "drill_url");
            HttpResponse<String> up =
                    upload(base(s) + "/collections/drill_up/snapshots/upload?priority=replica", download.body());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            check(s, "drill_up");

            // bad input: clear 4xx, nothing changes
            assertError(
                    s.put(
                            "/collections/drill/snapshots/recover",
                            "{\"location\":\"" + file + "\",\"priority\":\"maybe\"}"),
                    400,
                    "priority");
            assertError(
                    s.put(
                            "/collections/drill/snapshots/recover",
                            "{\"location\":\"" + file + "\",\"checksum\":\"" + "ab".repeat(32) + "\"}"),
                    400,
                    "checksum mismatch");
            assertError(s.put("/collections/drill/snapshots/recover", "{\"priority\":\"snapshot\"}"), 400, "location");
            assertError(
                    s.put("/collections/drill/snapshots/recover", "{\"location\":\"http://example.com/x.snapshot\"}"),
                    403,
                    "enable_snapshot_url_recovery");
            assertError(s.get("/collections/drill/snapshots/nope-1-2024-01-01-00-00-00.snapshot"), 404, "not found");
            assertError(s.get("/collections/drill/shards/x/snapshots"), 400, "shard_id");
            assertError(s.post("/collections/drill/shards/9/snapshots", null), 404, "Shard 9");
            // Qdrant's answers: names that are paths are not found, file URIs must be absolute or
            // on localhost and exist (400), and inside the snapshots directory (403)
            assertError(s.get("/collections/drill/snapshots/..%2F..%2Fetc%2Fpasswd"), 404, "not found");
            assertError(s.get("/snapshots/%2Fetc%2Fpasswd"), 404, "not found");
            assertError(s.get("/collections/drill/shards/0/snapshots/..%2Fx.snapshot"), 404, "not found");
            assertError(
                    s.put("/collections/drill/snapshots/recover", "{\"location\":\"file://whatever.snapshot\"}"),
                    400,
                    "Bad request: Invalid snapshot URI, file path must be absolute or on localhost");
            assertError(
                    s.put("/collections/drill/snapshots/recover", "{\"location\":\"file://localhost/no.snapshot\"}"),
                    400,
                    "Bad request: Snapshot file \"/no.snapshot\" does not exist");
            assertError(
                    s.put("/collections/drill/snapshots/recover", "{\"location\":\"file:///etc/passwd\"}"),
                    403,
                    "Forbidden: Snapshot file path must be inside the snapshots directory");
            // a malformed checksum is refused before the upload is read
            for (String path : List.of(
                    "/collections/drill/snapshots/upload",
                    "/collections/drill/shards/0/snapshots/upload",
                    "/collections/drill/shards/0/snapshot/partial/recover")) {
                HttpResponse<String> bad = upload(base(s) + path + "?checksum=abc", new byte[10]);
                assertThat(bad.statusCode()).as(bad.body()).isEqualTo(422);
                assertThat(bad.body()).contains("invalid_sha256_hash");
                HttpResponse<String> nonHex = upload(base(s) + path + "?checksum=" + "zz".repeat(32), new byte[10]);
                assertThat(nonHex.statusCode()).as(nonHex.body()).isEqualTo(422);
            }
            HttpResponse<String> junk = upload(base(s) + "/collections/drill/snapshots/upload", new byte[1000]);
            assertThat(junk.statusCode()).as(junk.body()).isEqualTo(400);
            check(s, "drill");

            // full and shard snapshots
            Response full = s.post("/snapshots", null);
            assertThat(full.status()).as(full.text()).isEqualTo(200);
            String fullName = full.json().at("/result/name").asText();
            assertThat(s.get("/snapshots").json().get("result")).hasSize(1);
            assertThat(s.get("/collections/drill/snapshots").json().get("result"))
                    .hasSize(1);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base(s) + "/snapshots/" + fullName))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
            Response shard = s.post("/collections/drill/shards/0/snapshots", null);
            assertThat(shard.status()).as(shard.text()).isEqualTo(200);
            assertThat(s.get("/collections/drill/shards/0/snapshots").json().get("result"))
                    .hasSize(1);
            assertOk(s.delete("/snapshots/" + fullName));
            assertOk(s.delete("/collections/drill/snapshots/" + name));
            assertThat(s.get("/collections/drill/snapshots").json().get("result"))
                    .isEmpty();
            assertThat(Files.list(snapshots.resolve("tmp")).toList()).isEmpty();
        }
    }

    @Test
    void snapshotInS3SurvivesTheCollectionAndRecovers() throws Exception {
        S3MockServer mock = S3MockServer.get();
        String prefix = "api-" + seed;
        Map<String, String> env = Map.of(
                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                tmp.resolve("snapshots").toString(),
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__SNAPSHOTS_STORAGE",
                "s3",
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__BUCKET",
                S3MockServer.BUCKET,
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__ENDPOINT_URL",
                mock.endpoint(),
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__ACCESS_KEY",
                "k",
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__SECRET_KEY",
                "s",
                "SEXTANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__PREFIX",
                prefix);
        try (TestServer s = new TestServer(tmp.resolve("storage"), LocalShard::open, env)) {
            fill(s, "cloud");
            Response created = s.post("/collections/cloud/snapshots", null);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            String name = created.json().at("/result/name").asText();
            try (S3SnapshotStore direct = new S3SnapshotStore(mock.config(prefix))) {
                assertThat(direct.list("cloud")).extracting(x -> x.name()).containsExactly(name);
            }
            assertThat(Files.exists(tmp.resolve("snapshots/cloud"))).isFalse();
            assertOk(s.delete("/collections/cloud"));
            assertThat(s.get("/collections/cloud").status()).isEqualTo(404);
            // the snapshot is listed and streamed from S3 although the collection is gone
            assertThat(s.get("/collections/cloud/snapshots").json().get("result"))
                    .hasSize(1);
            String url = base(s) + "/collections/cloud/snapshots/" + name;
            assertOk(s.put("/collections/cloud/snapshots/recover", "{\"location\":\"" + url + "\"}"));
            check(s, "cloud");
        }
    }

    @Test
    void createWithWaitFalseAnswers202AndTheSnapshotAppearsLater() throws Exception {
        Path snapshots = tmp.resolve("snapshots");
        try (TestServer s = new TestServer(
                tmp.resolve("storage"),
                LocalShard::open,
                Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", snapshots.toString()))) {
            fill(s, "later");
            Response accepted = s.post("/collections/later/snapshots?wait=false", null);
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            assertThat(accepted.json().get("status").asText()).isEqualTo("accepted");
            assertThat(accepted.json().get("result").isNull()).isTrue();
            JsonNode listed = awaitList(s, "/collections/later/snapshots", 1);
            String name = listed.get(0).get("name").asText();
            assertThat(name).startsWith("later-");
            assertThat(listed.get(0).get("checksum").asText()).hasSize(64);
            assertThat(Files.size(snapshots.resolve("later").resolve(name)))
                    .isEqualTo(listed.get(0).get("size").asLong());
            // the background snapshot is complete: it recovers to the same data
            assertOk(s.put(
                    "/collections/later_copy/snapshots/recover",
                    "{\"location\":\""
                            + snapshots.resolve("later").resolve(name).toUri() + "\"}"));
            check(s, "later_copy");
            // wait=false on a missing collection is still accepted (Qdrant too) and creates nothing
            assertThat(s.post("/collections/nope/snapshots?wait=false", null).status())
                    .isEqualTo(202);
            assertThat(s.get("/snapshots").json().get("result")).isEmpty();
        }
    }

    @Test
    void scheduledBackupsLandInS3RotateAndPassTheirDrill() throws Exception {
        scheduledBackupsInS3("snapshot");
    }

    @Test
    void scheduledIncrementalBackupsLandInS3RotateAndPassTheirDrill() throws Exception {
        scheduledBackupsInS3("incremental");
    }

    private void scheduledBackupsInS3(String format) throws Exception {
        S3MockServer mock = S3MockServer.get(); // shared with the other S3 test of this JVM
        String prefix = "backup-" + format + "-" + seed;
        Map<String, String> env = Map.of(
                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                tmp.resolve("snapshots").toString(),
                "SEXTANT__BACKUP__INTERVAL",
                "1s",
                "SEXTANT__BACKUP__RETENTION__KEEP_LAST",
                "2",
                "SEXTANT__BACKUP__TARGET__S3__BUCKET",
                S3MockServer.BUCKET,
                "SEXTANT__BACKUP__TARGET__S3__ENDPOINT_URL",
                mock.endpoint(),
                "SEXTANT__BACKUP__TARGET__S3__ACCESS_KEY",
                "k",
                "SEXTANT__BACKUP__TARGET__S3__SECRET_KEY",
                "s",
                "SEXTANT__BACKUP__TARGET__S3__PREFIX",
                prefix,
                "SEXTANT__BACKUP__FORMAT",
                format);
        try (TestServer s = new TestServer(tmp.resolve("storage"), LocalShard::open, env)) {
            fill(s, "nightly");
            BackupStatus status = s.server().snapshots().backupStatus();
            // two whole runs after the collection is complete (one may have overlapped the fill)
            long wanted = successes(status, "nightly") + 2;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (successes(status, "nightly") < wanted && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(successes(status, "nightly"))
                    .as("backups by the scheduler: %s", status.backups())
                    .isGreaterThanOrEqualTo(wanted);
            BackupStatus.Drill drill = status.drills().get("nightly");
            assertThat(drill.ok()).as(String.valueOf(drill)).isTrue();
            assertThat(drill.restoredPoints()).isEqualTo(N);
            try (S3SnapshotStore direct = new S3SnapshotStore(mock.config(prefix));
                    var incremental = new io.sextant.collection.backup.IncrementalBackups(
                            new io.sextant.collection.backup.S3BlobStore(mock.config(prefix)),
                            java.time.Clock.systemUTC())) {
                var archives = direct.list(io.sextant.collection.snapshot.SnapshotNames.collectionScope("nightly"));
                var manifests = incremental.list("nightly");
                var inS3 = format.equals("snapshot") ? archives : manifests;
                assertThat(format.equals("snapshot") ? manifests : archives).isEmpty();
                assertThat(inS3).as("keep_last 2 in %s", prefix).hasSizeBetween(1, 2);
                assertThat(inS3).extracting(x -> x.name()).allMatch(n -> n.startsWith("nightly-"));
                if (format.equals("snapshot")) {
                    assertThat(inS3.getLast().checksum()).hasSize(64);
                } else {
                    assertThat(incremental.sweep().deletedBlobs())
                            .as("rotation already swept")
                            .isZero();
                }
            }
            // the local snapshots directory holds no backup: they went to the target only
            assertThat(s.get("/collections/nightly/snapshots").json().get("result"))
                    .isEmpty();
        }
    }

    private static long successes(BackupStatus status, String unit) {
        BackupStatus.Backup b = status.backups().get(unit);
        return b == null ? 0 : b.successes();
    }

    private static JsonNode awaitList(TestServer s, String path, int size) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode list = s.get(path).json().get("result");
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(50);
            list = s.get(path).json().get("result");
        }
        assertThat(list).as("%s after wait=false", path).hasSize(size);
        return list;
    }

    private void fill(TestServer s, String c) {
        assertOk(s.put("/collections/" + c, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":2}"));
        Random rnd = new Random(seed);
        for (int b = 0; b < N; b += 250) {
            StringBuilder sb = new StringBuilder("{\"points\":[");
            for (int i = b; i < b + 250; i++) {
                sb.append(i > b ? "," : "")
                        .append("{\"id\":")
                        .append(i)
                        .append(",\"vector\":[")
                        .append(rnd.nextFloat() + 0.01f)
                        .append(",")
                        .append(rnd.nextFloat())
                        .append(",")
                        .append(rnd.nextFloat())
                        .append(",")
                        .append(i % 3)
                        .append("]")
                        .append(",\"payload\":{\"i\":")
                        .append(i)
                        .append(",\"city\":\"c")
                        .append(i % 17)
                        .append("\"}}");
            }
            assertOk(s.put(
                    "/collections/" + c + "/points?wait=true", sb.append("]}").toString()));
        }
    }

    private void check(TestServer s, String c) {
        Response count = s.post("/collections/" + c + "/points/count", "{\"exact\":true}");
        assertThat(count.json().at("/result/count").asInt())
                .as("%s seed %d", c, seed)
                .isEqualTo(N);
        Random rnd = new Random(seed ^ c.hashCode());
        for (int k = 0; k < 10; k++) {
            int id = rnd.nextInt(N);
            Response p = s.get("/collections/" + c + "/points/" + id);
            assertThat(p.status()).as(p.text()).isEqualTo(200);
            assertThat(p.json().at("/result/payload/i").asInt()).isEqualTo(id);
            assertThat(p.json().at("/result/payload/city").asText()).isEqualTo("c" + (id % 17));
        }
    }

    private static void assertOk(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    private static void assertError(Response r, int status, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().at("/status/error").asText()).containsIgnoringCase(message);
    }

    private HttpResponse<String> upload(String url, byte[] content) throws Exception {
        String boundary = "sextant" + seed;
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(RestoreSafetyApiTest.multipart(boundary, content)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String base(TestServer s) {
        return "http://127.0.0.1:" + s.server().httpPort();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
