package io.sextant.shard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sextant.segment.error.UserException;
import io.sextant.shard.FuzzScratch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link SnapshotTarReader}: the input is an uploaded snapshot archive,
 * extracted into a fresh directory. A bad archive is the client's mistake, so the only acceptable
 * failure is a {@link UserException} (400); anything else (including a {@code ServiceException},
 * which the API answers with 500) is a finding. An archive that extracts must have left only
 * regular files and directories inside the target, and its manifest is read the same way by
 * {@link SnapshotTarReader#readManifest}.
 *
 * <p>Seeds are archives written by {@link SnapshotTarWriter} (manifest, segment-like files, a
 * nested directory), with the tar's zero padding trimmed so that inputs stay small. Files live
 * in {@link FuzzScratch} directories. {@code bin/test} replays the seeds and {@code
 * SnapshotTarReaderFuzzTestInputs/extract}; {@code bin/bench fuzz} fuzzes.
 */
class SnapshotTarReaderFuzzTest {
    @MethodSource("seeds")
    @FuzzTest
    void extract(byte[] archive) throws IOException {
        Path dir = FuzzScratch.dir("sextant-tar-fuzz");
        try {
            Path file = dir.resolve("upload.snapshot");
            Files.write(file, archive);
            Path target = dir.resolve("extracted");
            SnapshotManifest manifest;
            try {
                manifest = SnapshotTarReader.extract(file, target, null);
            } catch (UserException badArchive) {
                assertThat(badArchive.kind()).isEqualTo(UserException.Kind.BAD_REQUEST);
                return;
            }
            assertThat(SnapshotTarReader.readManifest(file, null).kind()).isEqualTo(manifest.kind());
            try (Stream<Path> s = Files.walk(target)) {
                for (Path p : s.toList()) {
                    assertThat(p.normalize()).startsWith(target);
                    assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                    || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                            .as("%s is a regular file or directory", p)
                            .isTrue();
                }
            }
        } finally {
            FuzzScratch.delete(dir);
        }
    }

    /** Snapshot archives as the server writes them: a shard and a collection snapshot. */
    static Stream<byte[]> seeds() throws IOException {
        Path dir = FuzzScratch.dir("sextant-tar-fuzz");
        try {
            Stream.Builder<byte[]> seeds = Stream.builder();
            int i = 0;
            for (String kind : List.of(SnapshotManifest.KIND_SHARD, SnapshotManifest.KIND_COLLECTION)) {
                Path file = dir.resolve("seed-" + i++ + ".snapshot");
                try (SnapshotTarWriter w = SnapshotTarWriter.create(file)) {
                    w.addBytes(SnapshotManifest.ENTRY_NAME, new SnapshotManifest(kind, null).toBytes());
                    w.addBytes("shard.json", "{\"checkpoint\":42}".getBytes(StandardCharsets.UTF_8));
                    w.addBytes("segments/s1/points.bin", new byte[] {'S', 'X', 'P', 'T', 0, 0, 0, 1});
                    w.addBytes("wal/00000000000000000043.wal", "SXWL".getBytes(StandardCharsets.US_ASCII));
                    w.finish();
                }
                seeds.add(trimPadding(Files.readAllBytes(file)));
            }
            return seeds.build();
        } finally {
            FuzzScratch.delete(dir);
        }
    }

    /** Drops trailing all-zero 512-byte blocks (the end-of-archive marker and record padding). */
    private static byte[] trimPadding(byte[] tar) {
        int end = tar.length - tar.length % 512;
        while (end >= 512 && isZero(tar, end - 512, end)) {
            end -= 512;
        }
        return Arrays.copyOf(tar, end);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
