package io.sextant.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import io.sextant.shard.LocalShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshots disk fills up while a snapshot is being created: {@code storage.snapshots_path} is
 * a real 4 MiB tmpfs (mounted by the test; skipped where {@code mount} is not permitted) while the
 * storage lives on the ordinary disk, and the collection is larger than the tmpfs. Because the two
 * are on different file systems the capture copies the shard files into {@code tmp/}, so the disk
 * fills during the capture or the archive. The create must fail with a clear 5xx naming the cause,
 * leave no file behind (staging included), list no snapshot, and leave the live collection
 * answering reads and writes; once the file system is grown, a snapshot succeeds.
 */
class SnapshotDiskFullTest {
    static final int DIM = 256;
    static final int POINTS = 6000; // ~6 MiB of float32 vectors, more than the 4 MiB tmpfs

    @TempDir
    Path tmp;

    @Test
    void fullSnapshotDiskFailsCleanlyAndLeavesTheCollectionUntouched() throws Exception {
        Path mnt = tmp.resolve("snapdisk");
        Files.createDirectories(mnt);
        boolean mounted = System.getProperty("os.name").startsWith("Linux")
                && DiskFullTest.run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString());
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root on Linux)");
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        try {
            try (TestServer s = new TestServer(
                    tmp.resolve("storage"),
                    LocalShard::open,
                    Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", mnt.toString()))) {
                Response created =
                        s.put("/collections/big", "{\"vectors\":{\"size\":" + DIM + ",\"distance\":\"Dot\"}}");
                assertThat(created.status()).as(created.text()).isEqualTo(200);
                for (int b = 0; b < POINTS; b += 1000) {
                    Response r = s.put("/collections/big/points?wait=true", points(b, 1000, rnd));
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                }

                Response failed = s.post("/collections/big/snapshots", null);
                assertThat(failed.status())
                        .as("seed %d: %s", seed, failed.text())
                        .isBetween(500, 599);
                assertThat(failed.json().at("/status/error").asText())
                        .as("the error names the cause")
                        .containsIgnoringCase("space");
                assertThat(regularFiles(mnt)).as("no partial files left").isEmpty();
                assertThat(s.get("/collections/big/snapshots").json().get("result"))
                        .isEmpty();

                // the live collection is untouched: reads and writes work
                assertThat(count(s)).as("seed %d", seed).isEqualTo(POINTS);
                Response query = s.post("/collections/big/points/query", "{\"query\":" + vec(rnd) + ",\"limit\":3}");
                assertThat(query.status()).as(query.text()).isEqualTo(200);
                assertThat(query.json().at("/result/points")).hasSize(3);
                Response write = s.put("/collections/big/points?wait=true", points(POINTS, 100, rnd));
                assertThat(write.status()).as(write.text()).isEqualTo(200);
                assertThat(count(s)).isEqualTo(POINTS + 100);

                // space returns: the next snapshot succeeds and is the only file besides its checksum
                assertThat(DiskFullTest.run("mount", "-o", "remount,size=64m", mnt.toString()))
                        .isTrue();
                Response ok = s.post("/collections/big/snapshots", null);
                assertThat(ok.status()).as(ok.text()).isEqualTo(200);
                String name = ok.json().at("/result/name").asText();
                assertThat(s.get("/collections/big/snapshots").json().get("result"))
                        .hasSize(1);
                assertThat(regularFiles(mnt))
                        .extracting(p -> p.getFileName().toString())
                        .containsExactlyInAnyOrder(name, name + ".checksum");
            }
        } finally {
            unmount(mnt);
        }
    }

    /** Unmounts, retrying while something still holds the mount, then lazily as a last resort. */
    static void unmount(Path mnt) throws Exception {
        for (int i = 0; i < 10; i++) {
            if (DiskFullTest.run("umount", mnt.toString())) {
                return;
            }
            Thread.sleep(200);
        }
        DiskFullTest.run("umount", "-l", mnt.toString());
    }

    private static List<Path> regularFiles(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static long count(TestServer s) {
        return s.post("/collections/big/points/count", "{\"exact\":true}")
                .json()
                .at("/result/count")
                .asLong();
    }

    private static String points(long first, int n, SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(first + i)
                    .append(",\"vector\":")
                    .append(vec(rnd))
                    .append(",\"payload\":{\"n\":")
                    .append(first + i)
                    .append("}}");
        }
        return b.append("]}").toString();
    }

    private static String vec(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < DIM; i++) {
            b.append(i == 0 ? "" : ",").append(rnd.nextInt(1000) / 1000.0);
        }
        return b.append(']').toString();
    }
}
