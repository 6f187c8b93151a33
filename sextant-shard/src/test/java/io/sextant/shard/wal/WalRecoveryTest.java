package io.sextant.shard.wal;

import static io.sextant.shard.wal.WalTest.expected;
import static io.sextant.shard.wal.WalTest.readAll;
import static io.sextant.shard.wal.WalTest.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What recovery does with what lies after the valid prefix: a torn tail of the last file is cut
 * off; corruption before the end of the log is moved into {@code quarantine/}, never deleted; a
 * log that ends below the checkpoint leaves no gap.
 */
class WalRecoveryTest {
    @TempDir
    Path dir;

    /** Writes records 1..n into files of about {@code capacity} bytes. */
    private void writeLog(int n, long capacity) {
        try (Wal wal = Wal.open(dir, capacity, 1)) {
            for (long i = 1; i <= n; i++) {
                wal.append(rec(i));
            }
            wal.sync(n);
        }
    }

    private List<Path> walFiles() throws IOException {
        return Wal.listFiles(dir);
    }

    /** Contents of the quarantine directory by file name. */
    private Map<String, byte[]> quarantine() throws IOException {
        Path q = dir.resolve("quarantine");
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (Files.isDirectory(q)) {
            try (Stream<Path> s = Files.list(q)) {
                for (Path p : s.sorted().toList()) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    private static long firstSeqOf(Path f) {
        return Long.parseLong(f.getFileName().toString().substring(0, 20));
    }

    /** Offset of the {@code k}-th record (0-based) of a file. */
    private static long recordOffset(Path f, int k) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long p = Wal.FILE_HEADER;
            for (int i = 0; i < k; i++) {
                raf.seek(p);
                p += Wal.RECORD_HEADER + raf.readInt();
            }
            return p;
        }
    }

    private static void flipByte(Path f, long pos) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(pos);
            int b = raf.read();
            raf.seek(pos);
            raf.write(b ^ 0xff);
        }
    }

    private static void assertQuarantinedUnder(Wal wal, Path q, int files) {
        assertThat(wal.quarantinedFilesAtOpen()).hasSize(files).allSatisfy(p -> assertThat(p.getParent())
                .isEqualTo(q));
    }

    /** The quarantined file whose name starts with {@code original}'s name. */
    private static byte[] quarantined(Map<String, byte[]> q, Path original) {
        String prefix = original.getFileName() + ".";
        return q.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(original.getFileName() + " not in quarantine: " + q.keySet()));
    }

    @Test
    void badRecordInAMiddleFileQuarantinesTheRestInsteadOfDeletingIt() throws IOException {
        writeLog(60, 300);
        List<Path> files = walFiles();
        assertThat(files.size()).as("several files").isGreaterThanOrEqualTo(4);
        Path victim = files.get(1);
        flipByte(victim, recordOffset(victim, 1) + Wal.RECORD_HEADER); // payload of its 2nd record
        Map<Path, byte[]> before = new LinkedHashMap<>();
        for (Path f : files) {
            before.put(f, Files.readAllBytes(f));
        }
        long lastGood = firstSeqOf(victim); // its first record is intact
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(lastGood);
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, lastGood));
            assertQuarantinedUnder(wal, dir.resolve("quarantine"), files.size() - 1);
            assertThat(wal.truncatedBytesAtOpen()).isGreaterThan(0);
        }
        Map<String, byte[]> q = quarantine();
        assertThat(q).hasSize(files.size() - 1);
        for (Path f : files.subList(1, files.size())) {
            assertThat(quarantined(q, f))
                    .as("%s kept byte for byte", f.getFileName())
                    .isEqualTo(before.get(f));
        }
        assertThat(walFiles()).containsExactly(files.get(0), victim);
        assertThat(Files.size(victim)).as("cut to its valid prefix").isEqualTo(recordOffset(victim, 1));
        // the log continues, and reopening finds nothing more to quarantine
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(wal.quarantinedFilesAtOpen()).isEmpty();
            assertThat(wal.append(rec(lastGood + 1))).isEqualTo(lastGood + 1);
            wal.sync(lastGood + 1);
        }
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, lastGood + 1));
        }
    }

    @Test
    void badHeaderOfAMiddleFileMovesItAndTheLaterFilesAside() throws IOException {
        writeLog(60, 300);
        List<Path> files = walFiles();
        Path victim = files.get(2);
        flipByte(victim, 1); // magic
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(firstSeqOf(victim) - 1);
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, firstSeqOf(victim) - 1));
            assertQuarantinedUnder(wal, dir.resolve("quarantine"), files.size() - 2);
        }
        assertThat(walFiles()).containsExactlyElementsOf(files.subList(0, 2));
        assertThat(quarantine().keySet())
                .allSatisfy(n -> assertThat(n).matches("\\d{20}\\.wal\\.\\d{8}T\\d{6}\\.\\d{3}Z(-\\d+)?"));
    }

    @Test
    void aMissingMiddleFileQuarantinesTheFilesAfterTheGap() throws IOException {
        writeLog(60, 300);
        List<Path> files = walFiles();
        Files.delete(files.get(1)); // file 2 now starts at an unexpected seq
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(firstSeqOf(files.get(1)) - 1);
            assertThat(wal.quarantinedFilesAtOpen()).hasSize(files.size() - 2);
        }
        assertThat(walFiles()).containsExactly(files.get(0));
    }

    @Test
    void aFileWhoseHeaderDisagreesWithItsNameIsQuarantined() throws IOException {
        writeLog(60, 300);
        List<Path> files = walFiles();
        Path last = files.getLast();
        Files.move(last, Wal.file(dir, firstSeqOf(last) + 1)); // header says one seq, name another
        try (Wal wal = Wal.open(dir, 300, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(firstSeqOf(last) - 1);
            assertThat(wal.quarantinedFilesAtOpen()).hasSize(1);
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, firstSeqOf(last) - 1));
        }
    }

    @Test
    void validLookingRecordAfterABadOneInTheLastFileIsKeptAsACopy() throws IOException {
        writeLog(10, 1 << 20);
        Path only = walFiles().getFirst();
        byte[] before = Files.readAllBytes(only);
        flipByte(only, recordOffset(only, 4) + 4); // CRC of record 5; 6..10 follow intact
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(4);
            assertThat(wal.quarantinedFilesAtOpen()).hasSize(1);
        }
        byte[] copy = quarantine().values().iterator().next();
        assertThat(copy).hasSize(before.length);
        assertThat(Files.size(only)).isEqualTo(recordOffset(only, 4));
    }

    @Test
    void tornTailOfTheLastFileIsTruncatedWithoutQuarantine() throws IOException {
        writeLog(10, 1 << 20);
        Path only = walFiles().getFirst();
        try (RandomAccessFile raf = new RandomAccessFile(only.toFile(), "rw")) {
            raf.setLength(raf.length() - 3); // half-written last record
            raf.seek(raf.length());
            raf.write(new byte[4096]); // and zeros after it, as a power cut may leave
        }
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(9);
            assertThat(wal.quarantinedFilesAtOpen()).isEmpty();
            assertThat(wal.truncatedBytesAtOpen()).isGreaterThan(4096);
        }
        assertThat(quarantine()).isEmpty();
    }

    /** A crash while the next file was created leaves it shorter than its header. */
    @Test
    void lastFileTornAtCreationIsDeletedAndTheLogOpens() throws IOException {
        writeLog(10, 1 << 20);
        Path next = dir.resolve(String.format("%020d.wal", 11));
        Path first = walFiles().getFirst();
        byte[] header = new byte[12]; // magic and version made it, the first seq did not
        System.arraycopy(Files.readAllBytes(first), 0, header, 0, 12);
        Files.write(next, header);
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(10);
            assertThat(wal.quarantinedFilesAtOpen()).isEmpty();
            assertThat(wal.append(rec(11))).isEqualTo(11);
            wal.sync(11);
        }
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, 11));
        }
    }

    /**
     * The log ends below the checkpoint: the new file starts at minNextSeq, and the records
     * acknowledged in it survive the next open with the same checkpoint.
     */
    @Test
    void logEndingBelowTheCheckpointKeepsWhatIsAppendedAfterIt() {
        writeLog(5, 512);
        try (Wal wal = Wal.open(dir, 512, 42)) {
            for (long i = 42; i <= 60; i++) {
                assertThat(wal.append(rec(i))).isEqualTo(i);
            }
            wal.sync(60);
        }
        try (Wal wal = Wal.open(dir, 512, 42)) {
            assertThat(wal.lastSeq()).isEqualTo(60);
            assertThat(readAll(wal, 42)).isEqualTo(expected(42, 60));
            assertThat(wal.quarantinedFilesAtOpen()).isEmpty();
            assertThat(wal.truncatedBytesAtOpen()).isZero();
        }
        try (Wal wal = Wal.open(dir, 512, 1)) {
            assertThat(readAll(wal, 1))
                    .as("the files below the checkpoint are gone")
                    .isEqualTo(expected(42, 60));
        }
    }

    /** Writes records {@code first..first+n-1} to a log of their own; returns its only file. */
    private Path logStartingAt(long first, int n) {
        Path other = dir.resolveSibling(dir.getFileName() + "-from-" + first);
        try (Wal wal = Wal.open(other, 1 << 20, first)) {
            for (long i = first; i < first + n; i++) {
                wal.append(rec(i));
            }
            wal.sync(first + n - 1);
        }
        return Wal.file(other, first);
    }

    /** A directory left by older versions: files 1..5, then a file at the checkpoint, 42. */
    @Test
    void gapBelowTheCheckpointLeftByOlderVersionsIsAccepted() throws IOException {
        writeLog(5, 1 << 20);
        Files.copy(logStartingAt(42, 4), Wal.file(dir, 42));
        try (Wal wal = Wal.open(dir, 1 << 20, 42)) {
            assertThat(wal.lastSeq()).isEqualTo(45);
            assertThat(readAll(wal, 1)).isEqualTo(expected(42, 45));
            assertThat(wal.quarantinedFilesAtOpen()).isEmpty();
        }
        assertThat(walFiles()).containsExactly(Wal.file(dir, 42));
        // a gap above the checkpoint is corruption: quarantined, not accepted
        Files.copy(logStartingAt(100, 3), Wal.file(dir, 100));
        try (Wal wal = Wal.open(dir, 1 << 20, 42)) {
            assertThat(wal.lastSeq()).isEqualTo(45);
            assertThat(wal.quarantinedFilesAtOpen()).hasSize(1);
        }
    }
}
