package io.sextant.shard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedFile;
import io.sextant.shard.snapshot.ShardFileCapture.CapturedShard;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture does not checkpoint under the pause: it carries the WAL after the last checkpoint, and
 * the captured prefix of every file recovers to exactly the state at the capture, whatever the
 * shard does afterwards (more writes, deletes, a checkpoint that deletes WAL files and rewrites
 * segment files).
 */
class ShardFileCaptureTest {
    static final int DIM = 3;

    @TempDir
    Path tmp;

    private static ShardConfig config() {
        return new ShardConfig(
                Map.of("", new VectorSpec(DIM, Distance.EUCLID, false)),
                new ShardConfig.OptimizerSettings(0.9, 1_000_000, 0, null, 0, 3600), // no optimizer checkpoints
                new ShardConfig.WalSettings(1, 0));
    }

    private static PointOperation upsert(long from, long to, long version) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (long i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, version, 1}),
                    JsonNodeFactory.instance.objectNode().put("v", version)));
        }
        return new PointOperation.Upsert(pts);
    }

    @Test
    void captureCarriesTheWalTailAndRecoversToThePausedState() throws IOException {
        Path shardDir = tmp.resolve("s");
        CapturedShard captured;
        try (LocalShard shard = LocalShard.open(shardDir, config())) {
            shard.update(upsert(0, 100, 1), true);
            shard.flush(); // checkpoint at seq 1
            for (int b = 0; b < 20; b++) {
                shard.update(upsert(100 + b * 10L, 110 + b * 10L, 2), b % 2 == 0);
            }
            shard.update(upsert(0, 50, 3), true); // rewrites points of the checkpointed segment state
            byte[] manifestBefore = Files.readAllBytes(shardDir.resolve("manifest.bin"));

            captured = ShardFileCapture.capture(shard, tmp.resolve("staging"));

            assertThat(Files.readAllBytes(shardDir.resolve("manifest.bin")))
                    .as("no checkpoint under the pause")
                    .isEqualTo(manifestBefore);
            assertThat(captured.checkpoint()).isEqualTo(22);
            assertThat(captured.pointCount()).isEqualTo(300);
            assertThat(captured.files()).anyMatch(f -> f.relativePath().startsWith("wal/"));

            // after the capture: more writes, deletes, and a checkpoint that truncates the WAL
            shard.update(upsert(0, 300, 4), true);
            shard.update(upsert(1000, 1100, 4), true);
            shard.update(
                    new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(7), PointId.of(150)))), true);
            shard.flush();
        }

        Path restored = materialize(captured, tmp.resolve("restored"));
        try (LocalShard shard = LocalShard.open(restored, config())) {
            assertThat(shard.count(Filter.ALL, true)).isEqualTo(300);
            List<PointRecord> all = shard.retrieve(
                    LongStream.range(0, 300).mapToObj(PointId::of).toList(), PayloadSelector.ALL, VectorSelector.ALL);
            assertThat(all).hasSize(300);
            for (PointRecord p : all) {
                long id = Long.parseLong(p.id().toString());
                long expected = id < 50 ? 3 : id < 100 ? 1 : 2;
                assertThat(p.payload().get("v").asLong()).as("point %s", id).isEqualTo(expected);
                assertThat(p.vectors().get("")[1]).as("point %s", id).isEqualTo((float) expected);
            }
        }
    }

    /** Copies the captured prefix of every staged file, as the tar writer reads it. */
    private static Path materialize(CapturedShard captured, Path to) throws IOException {
        for (CapturedFile f : captured.files()) {
            Path dst = to.resolve(f.relativePath());
            Files.createDirectories(dst.getParent());
            try (InputStream in = Files.newInputStream(f.staged())) {
                Files.write(dst, in.readNBytes((int) f.length()));
            }
        }
        return to;
    }
}
