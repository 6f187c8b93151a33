package io.sextant.shard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malicious and damaged archives built with commons-compress: every one is refused with a 4xx
 * {@link UserException} and leaves nothing at the target; a good archive is extracted with every
 * file and directory forced, checked on a {@link SyncTrackingFileSystem}.
 */
class SnapshotTarReaderTest {

    @TempDir
    Path tmp;

    /** One archive entry to write: name, type flag, content (null: none), link name (or null). */
    record Entry(String name, byte flag, byte[] content, String link) {
        static Entry file(String name, int size) {
            return new Entry(name, TarConstants.LF_NORMAL, new byte[size], null);
        }
    }

    private Path archive(Entry... entries) throws IOException {
        Path f = tmp.resolve("a-" + System.nanoTime() + ".snapshot");
        byte[] manifest = new SnapshotManifest(
                        SnapshotManifest.KIND_COLLECTION,
                        JsonNodeFactory.instance.objectNode().put("entries", entries.length))
                .toBytes();
        try (OutputStream out = Files.newOutputStream(f);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry m = new TarArchiveEntry(SnapshotManifest.ENTRY_NAME);
            m.setSize(manifest.length);
            tar.putArchiveEntry(m);
            tar.write(manifest);
            tar.closeArchiveEntry();
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name(), e.flag(), true);
                if (e.link() != null) {
                    t.setLinkName(e.link());
                }
                if (e.content() != null) {
                    t.setSize(e.content().length);
                }
                tar.putArchiveEntry(t);
                if (e.content() != null) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return f;
    }

    private void assertRefused(Path archive, SnapshotTarReader.Limits limits, UserException.Kind kind, String words) {
        Path target = tmp.resolve("target");
        List<Path> before = listTmp();
        assertThatThrownBy(() -> SnapshotTarReader.extract(archive, target, SnapshotManifest.KIND_COLLECTION, limits))
                .isInstanceOfSatisfying(
                        UserException.class, u -> assertThat(u.kind()).isEqualTo(kind))
                .hasMessageContaining(words);
        assertThat(target).doesNotExist();
        assertThat(listTmp()).as("nothing new next to the target").isEqualTo(before);
    }

    private List<Path> listTmp() {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(
            bytes = {
                TarConstants.LF_SYMLINK,
                TarConstants.LF_LINK,
                TarConstants.LF_CHR,
                TarConstants.LF_BLK,
                TarConstants.LF_FIFO,
                TarConstants.LF_CONTIG,
                TarConstants.LF_GNUTYPE_SPARSE
            })
    void linkDeviceFifoAndSparseEntriesAreRefusedBeforeAnythingIsWritten(byte flag) throws IOException {
        // a valid file first: the old reader wrote it before it met the bad entry
        String link = flag == TarConstants.LF_SYMLINK || flag == TarConstants.LF_LINK ? "/etc/passwd" : null;
        byte[] content = flag == TarConstants.LF_GNUTYPE_SPARSE ? new byte[0] : null;
        assertBad(
                "unsupported entry",
                Entry.file("config.json", 10),
                new Entry("shards/0/segments/x.bin", flag, content, link),
                Entry.file("shards/0/manifest.bin", 10));
    }

    /** A bad request naming {@code words}, with default limits. */
    private void assertBad(String words, Entry... entries) throws IOException {
        assertRefused(archive(entries), SnapshotTarReader.Limits.DEFAULTS, UserException.Kind.BAD_REQUEST, words);
    }

    @Test
    void absoluteAndParentPathsAreRefused() throws IOException {
        assertBad("unsafe path", Entry.file("config.json", 1), Entry.file("/tmp/evil", 1));
        assertBad("unsafe path", Entry.file("config.json", 1), Entry.file("shards/../../evil", 1));
    }

    @Test
    void expansionOverTheLimitIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path a = archive(Entry.file("config.json", 600), Entry.file("shards/0/big.bin", 600));
        assertRefused(a, SnapshotTarReader.Limits.ofBytes(1000), UserException.Kind.TOO_LARGE, "1000 bytes");
        // at the limit it is fine
        Path target = tmp.resolve("ok");
        SnapshotTarReader.extract(a, target, SnapshotManifest.KIND_COLLECTION, SnapshotTarReader.Limits.ofBytes(1200));
        assertThat(target.resolve("shards/0/big.bin")).hasSize(600);
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Path a = archive(Entry.file("a", 1), Entry.file("b", 1), Entry.file("c", 1));
        assertRefused(a, new SnapshotTarReader.Limits(1 << 20, 2), UserException.Kind.BAD_REQUEST, "more than 2");
    }

    @Test
    void duplicateAndConflictingEntriesAreBadRequestsNotServerErrors() throws IOException {
        assertBad("twice", Entry.file("config.json", 1), Entry.file("config.json", 1));
        assertBad("twice", Entry.file("shards", 1), Entry.file("shards/0/manifest.bin", 1));
    }

    @Test
    void truncatedArchiveIsRefusedAndLeavesNothing() throws IOException {
        Path a = archive(Entry.file("config.json", 10), Entry.file("shards/0/big.bin", 100_000));
        Path cut = tmp.resolve("cut.snapshot");
        byte[] bytes = Files.readAllBytes(a);
        Files.write(cut, java.util.Arrays.copyOf(bytes, 512 * 6));
        Files.delete(a);
        assertRefused(cut, SnapshotTarReader.Limits.DEFAULTS, UserException.Kind.BAD_REQUEST, "truncated");
    }

    @Test
    void everyExtractedFileAndDirectoryIsForced() throws IOException {
        byte[] config = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        Path a = archive(
                new Entry("config.json", TarConstants.LF_NORMAL, config, null),
                Entry.file("shards/0/manifest.bin", 100),
                Entry.file("shards/0/segments/seg-1/vectors.bin", 4096),
                Entry.file("shards/1/wal/00000001.log", 10));
        SyncTrackingFileSystem fs = new SyncTrackingFileSystem();
        Path target = fs.wrap(tmp.resolve("restore"));
        SnapshotTarReader.extract(a, target, SnapshotManifest.KIND_COLLECTION);

        Path real = tmp.resolve("restore");
        assertThat(real.resolve("config.json")).hasBinaryContent(config);
        assertThat(real.resolve("shards/0/segments/seg-1/vectors.bin")).hasSize(4096);
        assertThat(fs.unsyncedFiles()).as("files a power cut would empty").isEmpty();
        assertThat(fs.unsyncedDirectories())
                .as("directories whose entries a power cut would lose")
                .isEmpty();
    }
}
