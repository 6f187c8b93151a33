package io.sextant.collection.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.shard.LocalShard;
import io.sextant.shard.snapshot.SnapshotManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery through the service refuses malicious and oversized snapshots with a 4xx and leaves no
 * collection, no extracted file and no staging file behind.
 */
class SnapshotRestoreLimitsTest {
    @TempDir
    Path tmp;

    TableOfContents toc;

    SnapshotService service(SnapshotLimits limits) {
        toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open);
        Path snapshots = tmp.resolve("snapshots");
        return new SnapshotService(toc, new LocalSnapshotStore(snapshots), snapshots, null, Clock.systemUTC(), limits);
    }

    @AfterEach
    void close() {
        if (toc != null) {
            toc.close();
        }
    }

    /** A collection archive whose second entry is a symbolic link to /etc/passwd. */
    Path symlinkArchive() throws IOException {
        Path f = tmp.resolve("snapshots/evil.snapshot");
        Files.createDirectories(f.getParent());
        byte[] manifest = new SnapshotManifest(
                        SnapshotManifest.KIND_COLLECTION,
                        JsonNodeFactory.instance.objectNode().put("entries", 2))
                .toBytes();
        try (OutputStream out = Files.newOutputStream(f);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry m = new TarArchiveEntry(SnapshotManifest.ENTRY_NAME);
            m.setSize(manifest.length);
            tar.putArchiveEntry(m);
            tar.write(manifest);
            tar.closeArchiveEntry();
            TarArchiveEntry config = new TarArchiveEntry("config.json");
            config.setSize(2);
            tar.putArchiveEntry(config);
            tar.write("{}".getBytes());
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("shards/0/manifest.bin", TarConstants.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return f;
    }

    private void assertNothingLeft() throws IOException {
        assertThat(toc.list()).isEmpty();
        assertThat(toc.failedCollections()).isEmpty();
        assertThat(files(tmp.resolve("storage")))
                .as("files under the storage (the storage lock aside)")
                .allMatch(f -> f.getFileName().toString().equals(io.sextant.collection.StorageLock.FILE_NAME));
        assertThat(files(tmp.resolve("snapshots/tmp"))).as("staging").isEmpty();
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aSymlinkEntryIsRefusedAndNothingIsWritten() throws IOException {
        SnapshotService service = service(SnapshotLimits.DEFAULTS);
        Path evil = symlinkArchive();
        assertThatThrownBy(() -> service.recoverCollection(
                        "evil", new RecoverRequest(evil.toUri().toString(), null, null, null)))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessageContaining("symbolic link");
        assertNothingLeft();
    }

    @Test
    void anUploadOverTheLimitIsRefusedWithoutBeingKept() throws IOException {
        SnapshotService service = service(new SnapshotLimits(4096, 1 << 20));
        byte[] big = Files.readAllBytes(symlinkArchive());
        byte[] upload = java.util.Arrays.copyOf(big, 10_000);
        assertThatThrownBy(() -> service.recoverCollectionUpload(
                        "up", new ByteArrayInputStream(upload), SnapshotPriority.SNAPSHOT, null))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.TOO_LARGE))
                .hasMessageContaining("4096 bytes")
                .hasMessageContaining("max_upload_bytes");
        assertNothingLeft();
    }

    @Test
    void aSnapshotExpandingPastTheRestoreLimitIsRefused() throws IOException {
        SnapshotService service = service(new SnapshotLimits(1 << 20, 1000));
        var c = toc.create("src", SnapshotServiceTest.config(1));
        c.update(
                new io.sextant.segment.ops.PointOperation.Upsert(
                        List.of(new io.sextant.segment.ops.PointOperation.PointStruct(
                                io.sextant.segment.PointId.of(1),
                                java.util.Map.of("", new float[] {1, 2, 3, 4}),
                                null))),
                true);
        SnapshotDescription d = service.createCollection("src");
        Path file = tmp.resolve("snapshots/src").resolve(d.name());
        assertThatThrownBy(() -> service.recoverCollection(
                        "copy", new RecoverRequest(file.toUri().toString(), null, null, null)))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.TOO_LARGE))
                .hasMessageContaining("max_restore_bytes");
        assertThat(toc.list()).containsExactly("src");
        try (Stream<Path> s = Files.list(tmp.resolve("storage/collections"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("src");
        }
    }
}
