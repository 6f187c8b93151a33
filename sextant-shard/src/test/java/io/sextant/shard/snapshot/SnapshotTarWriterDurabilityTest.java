package io.sextant.shard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.testing.PowerCutFileSystem;
import io.sextant.segment.testing.ScratchDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished archive is durable as a whole: a power cut right after {@link SnapshotTarWriter#finish}
 * leaves a file whose SHA-256 is the one finish returned (found by the collection power-cut test:
 * the tar stream wrote its last padding block on close, after the fsync, so every acknowledged
 * snapshot failed its checksum after a power cut).
 */
class SnapshotTarWriterDurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void finishedArchiveSurvivesAPowerCutWhole() throws IOException {
        Path base = ScratchDirectories.create(tmp, "sextant-tar-powercut-");
        try (PowerCutFileSystem fs = PowerCutFileSystem.create(
                Files.createDirectories(base.resolve("live")), PowerCutFileSystem.CrashMode.DROP_UNSYNCED, 1)) {
            Path archive = fs.root().resolve("a.snapshot");
            String sha;
            try (SnapshotTarWriter w = SnapshotTarWriter.create(archive)) {
                w.addBytes("manifest.json", "{\"kind\":\"shard\"}".getBytes());
                w.addBytes("data.bin", new byte[3000]); // ends mid-block: the tar pads the rest
                sha = w.finish();
            }
            io.sextant.segment.storage.AtomicFiles.fsyncDir(fs.root()); // the store's part: a durable entry
            long size = Files.size(archive);
            fs.cutNow();
            Path after = base.resolve("after");
            fs.materialize(after);
            Path survived = after.resolve("a.snapshot");
            assertThat(Files.size(survived)).as("size after the cut").isEqualTo(size);
            assertThat(SnapshotTarReader.sha256(survived)).isEqualTo(sha);
        } finally {
            ScratchDirectories.deleteTree(base);
        }
    }
}
