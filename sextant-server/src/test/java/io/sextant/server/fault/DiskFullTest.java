package io.sextant.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.SextantServer;
import io.sextant.server.auth.HttpProbe;
import io.sextant.server.auth.HttpProbe.Reply;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data disk fills up during ingestion: the storage directory is a real 12 MiB tmpfs (mounted by
 * the test; skipped where {@code mount} is not permitted, i.e. not root on Linux). Writes must then
 * fail with 507 Insufficient Storage and a clear error (never a silent loss), reads keep working,
 * and once the file system is grown again ingestion resumes in place, without a restart (the WAL
 * cuts off the failed record and the next write retries), with every acknowledged point present.
 */
class DiskFullTest {

    @TempDir
    Path tmp;

    static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static SextantServer start(Path storage) {
        return SextantServer.start(
                ConfigLoader.load(null, Map.of(), new ConfigLoader.CliOverrides("127.0.0.1", 0, 0, storage)),
                LocalShard::open);
    }

    @Test
    void writesFailClearlyReadsWorkAndIngestionResumesWithNothingAcknowledgedLost() throws Exception {
        Path mnt = tmp.resolve("disk");
        Files.createDirectories(mnt);
        boolean mounted = System.getProperty("os.name").startsWith("Linux")
                && run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt.toString());
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root on Linux)");
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Long> acked = new ArrayList<>();
        SextantServer server = start(mnt.resolve("storage"));
        try {
            HttpProbe http = new HttpProbe("http://127.0.0.1:" + server.httpPort());
            assertThat(http.send(
                                    "PUT",
                                    "/collections/full",
                                    "{\"vectors\":{\"size\":64,\"distance\":\"Dot\"},\"wal_config\":{\"wal_capacity_mb\":1}}")
                            .status())
                    .isEqualTo(200);
            long nextId = 0;
            Reply failure = null;
            for (int batch = 0; batch < 2000 && failure == null; batch++) {
                List<Long> ids = new ArrayList<>();
                Reply r = http.send("PUT", "/collections/full/points?wait=true", body(nextId, 200, rnd, ids));
                nextId += 200;
                if (r.status() == 200) {
                    acked.addAll(ids);
                } else {
                    failure = r;
                }
            }
            assertThat(failure)
                    .as("the 12 MiB disk never filled (seed %d)", seed)
                    .isNotNull();
            assertThat(failure.status())
                    .as("seed %d: 507 Insufficient Storage: %s", seed, failure.text())
                    .isEqualTo(507);
            assertThat(failure.json().at("/status/error").asText())
                    .as("the error says what happened")
                    .containsIgnoringCase("No space left on device");
            // reads keep working on a full disk
            assertThat(count(http)).isEqualTo(acked.size());
            assertThat(http.send("POST", "/collections/full/points/query", "{\"query\":" + vec(rnd) + ",\"limit\":3}")
                            .status())
                    .isEqualTo(200);
            assertThat(http.send("GET", "/collections/full", null).status()).isEqualTo(200);
            // space returns: ingestion resumes in place, without a restart
            assertThat(run("mount", "-o", "remount,size=256m", mnt.toString())).isTrue();
            List<Long> ids = new ArrayList<>();
            Reply again = http.send("PUT", "/collections/full/points?wait=true", body(nextId, 50, rnd, ids));
            nextId += 50;
            assertThat(again.status()).as("seed %d: %s", seed, again.text()).isEqualTo(200);
            acked.addAll(ids);
            for (int batch = 0; batch < 5; batch++) {
                ids.clear();
                Reply more = http.send("PUT", "/collections/full/points?wait=true", body(nextId, 200, rnd, ids));
                nextId += 200;
                assertThat(more.status()).as("seed %d: %s", seed, more.text()).isEqualTo(200);
                acked.addAll(ids);
            }
            // nothing acknowledged is lost, and nothing unacknowledged half-appears beyond the failed batch
            long n = count(http);
            assertThat(n).as("seed %d", seed).isBetween((long) acked.size(), (long) acked.size() + 200);
            for (int i = 0; i < acked.size(); i += 1000) {
                List<Long> part = acked.subList(i, Math.min(acked.size(), i + 1000));
                Reply got = http.send("POST", "/collections/full/points", "{\"ids\":" + part + "}");
                assertThat(got.json().get("result").size()).as("seed %d", seed).isEqualTo(part.size());
            }
        } finally {
            try {
                server.close();
            } finally {
                unmount(mnt);
            }
        }
    }

    /** Lazy unmount (detaches even while a file is still open), retried; never fails the test. */
    private static void unmount(Path mnt) throws InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                if (run("umount", "-l", mnt.toString()) || !isMounted(mnt)) {
                    return;
                }
            } catch (IOException e) {
                // umount missing or not runnable: retry, then give up
            }
            Thread.sleep(200L << attempt);
        }
        System.err.println("DiskFullTest: could not unmount " + mnt + "; run umount -l " + mnt);
    }

    private static boolean isMounted(Path mnt) {
        try {
            String target = mnt.toRealPath().toString();
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(l -> l.split(" ").length > 1 && l.split(" ")[1].equals(target));
        } catch (IOException e) {
            return false;
        }
    }

    private static long count(HttpProbe http) {
        return http.send("POST", "/collections/full/points/count", "{\"exact\":true}")
                .json()
                .at("/result/count")
                .asLong();
    }

    private static String body(long first, int n, SplittableRandom rnd, List<Long> ids) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = 0; i < n; i++) {
            long id = first + i;
            ids.add(id);
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(id)
                    .append(",\"vector\":")
                    .append(vec(rnd))
                    .append(",\"payload\":{\"text\":\"")
                    .append("x".repeat(200))
                    .append("\"}}");
        }
        return b.append("]}").toString();
    }

    private static String vec(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 64; i++) {
            b.append(i == 0 ? "" : ",").append(rnd.nextInt(1000) / 1000.0);
        }
        return b.append(']').toString();
    }
}
