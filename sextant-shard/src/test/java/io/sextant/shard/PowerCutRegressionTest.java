package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Power cuts placed at the exact mutation where {@link PowerCutTest} found a shard losing data. */
class PowerCutRegressionTest {
    @TempDir
    Path tmp;

    /** Tiny indexing threshold (1 KB: 64 points of 4 dims) so that conversions happen on demand. */
    private static final ShardConfig CFG = new ShardConfig(
            Map.of("", new VectorSpec(4, Distance.EUCLID, false)),
            new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
            new ShardConfig.WalSettings(1, 0));

    /** A simulated file system holding a durable, empty {@code shard} directory (the collection's job). */
    private PowerCutFileSystem freshFileSystem(String name) throws IOException {
        PowerCutFileSystem fs = PowerCutFileSystem.create(
                Files.createDirectories(tmp.resolve(name)), PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1);
        Files.createDirectory(fs.root().resolve("shard"));
        AtomicFiles.fsyncDir(fs.root());
        return fs;
    }

    /** Cuts (if not yet), materializes what survived and reopens the shard from it. */
    private LocalShard crashAndReopen(PowerCutFileSystem fs, String name) throws IOException {
        Path after = tmp.resolve(name + "-after");
        fs.materialize(after);
        fs.close();
        PowerCutFileSystem again = PowerCutFileSystem.create(after, PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 2);
        return LocalShard.open(again.root().resolve("shard"), CFG, false);
    }

    /**
     * The first update of a new shard, acknowledged, then a cut before any checkpoint: the WAL
     * directory's entry in the shard directory must be durable, or the WAL with the record goes.
     */
    @Test
    void updateAcknowledgedBeforeTheFirstCheckpointSurvivesACut() throws IOException {
        PowerCutFileSystem fs = freshFileSystem("first");
        LocalShard shard = LocalShard.open(fs.root().resolve("shard"), CFG, false);
        shard.update(ShardFixtures.upsert(new Random(1), 4, 0, 3), true);
        fs.cutNow();
        try (LocalShard reopened = crashAndReopen(fs, "first")) {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(3);
        }
    }

    /**
     * A new shard, cut at the directory fsync that would make its first manifest durable, with a
     * random subset of the unsynced directory changes reaching the disk (POSIX orders none of
     * them): the manifest's rename may be there while the {@code segments} directory it refers to
     * is not, unless that directory was made durable when it was created. The shard must open.
     */
    @Test
    void newShardOpensWhateverSubsetOfItsFirstDirectoryChangesSurvived() throws IOException {
        for (long seed = 0; seed < 24; seed++) {
            PowerCutFileSystem fs = PowerCutFileSystem.create(
                    Files.createDirectories(tmp.resolve("new" + seed)), PowerCutFileSystem.CrashMode.TORN, seed);
            Path shardDir = Files.createDirectory(fs.root().resolve("shard"));
            AtomicFiles.fsyncDir(fs.root());
            boolean[] renamed = {false}; // cut at the fsync of the shard directory after the manifest's rename
            fs.cutWhen(m -> {
                renamed[0] |= m.kind().equals("rename") && m.path().endsWith(ShardManifest.NAME + ".tmp");
                return renamed[0] && m.kind().equals("fsync-dir") && m.path().endsWith("shard");
            });
            assertThatThrownBy(() -> LocalShard.open(shardDir, CFG, false)).isInstanceOf(RuntimeException.class);
            assertThat(fs.isCut()).isTrue();
            Path after = tmp.resolve("new" + seed + "-after");
            fs.materialize(after);
            fs.close();
            PowerCutFileSystem again = PowerCutFileSystem.create(after, PowerCutFileSystem.CrashMode.TORN, seed);
            try (LocalShard reopened = LocalShard.open(again.root().resolve("shard"), CFG, false)) {
                assertThat(reopened.count(Filter.ALL, true)).as("seed %d", seed).isZero();
            }
            again.close();
        }
    }

    /**
     * A conversion's checkpoint, cut between the flush of an immutable segment that lost a point to
     * the former write target (set_payload moved it) and the flush of that former target: the
     * point must survive. The current target is flushed first, but the former target, which holds
     * the moved copy, must also be flushed before the segments that lost copies to it.
     */
    @Test
    void formerWriteTargetIsDurableBeforeTheSegmentsThatLostPointsToIt() throws IOException {
        PowerCutFileSystem fs = freshFileSystem("convert");
        Random r = new Random(7);
        LocalShard shard = LocalShard.open(fs.root().resolve("shard"), CFG, false);
        shard.update(ShardFixtures.upsert(r, 4, 0, 100), true);
        shard.optimizeNow(); // the 100 points go to an immutable segment; a fresh target receives updates
        String formerTarget = shard.segments().target().name();
        assertThat(shard.segments().all()).hasSize(2);
        PointId moved = PointId.of(5);
        shard.update(
                new PointOperation.SetPayload(
                        JsonNodeFactory.instance.objectNode().put("moved", true),
                        new PointsSelector.Ids(List.of(moved)),
                        null),
                true);
        shard.update(ShardFixtures.upsert(r, 4, 100, 170), true); // past the threshold: converted next
        fs.cutWhen(m -> m.kind().equals("create") && m.path().endsWith(Path.of(formerTarget, "points.bin.tmp")));
        assertThatThrownBy(shard::optimizeNow).isInstanceOf(RuntimeException.class);
        assertThat(fs.isCut()).as("the conversion flushed the former target").isTrue();
        try (LocalShard reopened = crashAndReopen(fs, "convert")) {
            List<PointRecord> got = reopened.retrieve(List.of(moved), PayloadSelector.ALL, VectorSelector.ALL);
            assertThat(got)
                    .as("point moved to the former target by set_payload")
                    .hasSize(1);
            assertThat(got.getFirst().payload().path("moved").asBoolean()).isTrue();
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(170);
        }
    }
}
