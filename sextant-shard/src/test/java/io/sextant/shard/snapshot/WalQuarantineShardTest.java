package io.sextant.shard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard whose WAL had corruption before its end (recovery sets the damaged files aside in
 * {@code wal/quarantine/}) opens, but reports itself red with the reason, counts in the red-shard
 * metric, and never copies the quarantined files into a snapshot.
 */
class WalQuarantineShardTest {
    @TempDir
    Path tmp;

    private static ShardConfig config() {
        return new ShardConfig(
                Map.of("", new VectorSpec(64, Distance.EUCLID, false)),
                new ShardConfig.OptimizerSettings(0.9, 1_000_000, 0, null, 0, 3600),
                new ShardConfig.WalSettings(1, 0)); // 1 MB WAL files: a few big upserts span several
    }

    private static PointOperation upsert(long from, long to) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (long i = from; i < to; i++) {
            float[] v = new float[64];
            v[(int) (i % 64)] = i;
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", v),
                    JsonNodeFactory.instance.objectNode().put("i", i)));
        }
        return new PointOperation.Upsert(pts);
    }

    private static List<Path> walFiles(Path shardDir) throws IOException {
        try (Stream<Path> s = Files.list(shardDir.resolve("wal"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".wal"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }

    @Test
    void quarantinedWalMakesTheShardRedAndStaysOutOfSnapshots() throws IOException {
        Path live = tmp.resolve("live");
        Path crashed = tmp.resolve("crashed");
        LocalShard shard = LocalShard.open(live, config());
        try {
            for (int b = 0; b < 10; b++) {
                shard.update(upsert(b * 1000L, b * 1000L + 1000), true); // ~300 KB per record
            }
            copy(live, crashed); // the files as a kill would leave them: WAL after checkpoint 0
        } finally {
            shard.close();
        }
        List<Path> wal = walFiles(crashed);
        assertThat(wal).as("records span several WAL files").hasSizeGreaterThanOrEqualTo(3);
        byte[] first = Files.readAllBytes(wal.getFirst());
        first[first.length / 2] ^= 0x5A; // a flipped byte in the middle of the log, not a torn tail
        Files.write(wal.getFirst(), first);

        try (LocalShard reopened = LocalShard.open(crashed, config())) {
            ShardInfo info = reopened.info();
            assertThat(info.status()).isEqualTo("red");
            assertThat(info.optimizerError()).contains("WAL corruption").contains("quarantine");
            assertThat(reopened.stats().red()).isTrue();
            assertThat(reopened.count(io.sextant.segment.filter.Filter.ALL, true))
                    .as("records before the corruption replayed")
                    .isLessThan(10_000);

            CapturedShard captured = ShardFileCapture.capture(reopened, tmp.resolve("staging"));
            assertThat(captured.files()).as("captured files").noneMatch(f -> f.relativePath()
                    .startsWith("wal/quarantine/"));
        }
        try (Stream<Path> q = Files.list(crashed.resolve("wal").resolve("quarantine"))) {
            assertThat(q.toList())
                    .as("the damaged data is kept for the operator")
                    .isNotEmpty();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
