package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    static byte[] rec(long i) {
        return ("record-" + i + "-" + "x".repeat((int) (i % 37))).getBytes(StandardCharsets.UTF_8);
    }

    static List<String> readAll(Wal wal, long from) {
        List<String> out = new ArrayList<>();
        wal.replay(from, (seq, p) -> out.add(seq + ":" + new String(p, StandardCharsets.UTF_8)));
        return out;
    }

    static List<String> expected(long from, long to) {
        List<String> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i + ":" + new String(rec(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void appendsRollFilesAndReopenContinuesSequence() throws IOException {
        try (Wal wal = Wal.open(dir, 512, 1)) {
            for (long i = 1; i <= 100; i++) {
                assertThat(wal.append(rec(i))).isEqualTo(i);
            }
            wal.sync(100);
            assertThat(wal.fileCount()).isGreaterThan(3);
        }
        assertThat(files().getFirst().getFileName().toString()).isEqualTo("00000000000000000001.wal");
        try (Wal wal = Wal.open(dir, 512, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(100);
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, 100));
            assertThat(readAll(wal, 57)).isEqualTo(expected(57, 100));
            assertThat(wal.append(rec(101))).isEqualTo(101);
        }
    }

    @Test
    void truncateBeforeDropsWholeFilesOnly() {
        try (Wal wal = Wal.open(dir, 512, 1)) {
            for (long i = 1; i <= 100; i++) {
                wal.append(rec(i));
            }
            int before = wal.fileCount();
            wal.truncateBefore(60);
            assertThat(wal.fileCount()).isLessThan(before);
            List<String> rest = readAll(wal, 1);
            assertThat(rest.getLast()).startsWith("100:");
            assertThat(rest).containsSubsequence(expected(60, 100));
            wal.truncateBefore(1000);
            assertThat(wal.fileCount()).isEqualTo(1);
        }
        try (Wal wal = Wal.open(dir, 512, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(100);
        }
    }

    @Test
    void minNextSeqSkipsAheadAfterCheckpoint() {
        try (Wal wal = Wal.open(dir, 512, 42)) {
            assertThat(wal.append(rec(42))).isEqualTo(42);
        }
        try (Wal wal = Wal.open(dir, 512, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(42);
            assertThat(readAll(wal, 1)).isEqualTo(expected(42, 42));
        }
    }

    @Test
    void tornTailIsTruncated() throws IOException {
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            for (long i = 1; i <= 10; i++) {
                wal.append(rec(i));
            }
        }
        Path f = files().getFirst();
        long size = Files.size(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size - 3); // half-written last record
        }
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(9);
            assertThat(wal.truncatedBytesAtOpen()).isGreaterThan(0);
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, 9));
            assertThat(wal.append(rec(10))).isEqualTo(10);
        }
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            assertThat(readAll(wal, 1)).isEqualTo(expected(1, 10));
        }
    }

    /** Kafka-style: garbage at a random offset; recovery keeps exactly the records before it. */
    @RepeatedTest(25)
    void garbageAtRandomOffsetKeepsExactlyTheValidPrefix() throws IOException {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        int n = 20 + r.nextInt(200);
        List<Long> ends = new ArrayList<>(); // global byte position where record i ends, over sorted files
        try (Wal wal = Wal.open(dir, 256 + r.nextInt(2048), 1)) {
            for (long i = 1; i <= n; i++) {
                wal.append(rec(i));
            }
        }
        List<Path> fs = files();
        Path victim = fs.get(r.nextInt(fs.size()));
        long victimSize = Files.size(victim);
        long pos = Wal.FILE_HEADER + (long) (r.nextDouble() * (victimSize - Wal.FILE_HEADER));
        // Which records precede the corruption? Scan the untouched files for record boundaries.
        long firstSeqInVictim = Long.parseLong(victim.getFileName().toString().substring(0, 20));
        long keptInVictim = 0;
        try (RandomAccessFile raf = new RandomAccessFile(victim.toFile(), "rw")) {
            long p = Wal.FILE_HEADER;
            while (p < victimSize) {
                raf.seek(p);
                int len = raf.readInt();
                long end = p + Wal.RECORD_HEADER + len;
                if (end > pos) {
                    break;
                }
                keptInVictim++;
                p = end;
            }
            raf.seek(pos);
            byte[] garbage = new byte[1 + r.nextInt(16)];
            r.nextBytes(garbage);
            garbage[0] ^= (byte) 0x5a; // make sure at least one byte changes
            raf.seek(pos);
            int old = raf.read();
            raf.seek(pos);
            garbage[0] = (byte) (old ^ 0xff);
            raf.write(garbage, 0, (int) Math.min(garbage.length, victimSize - pos));
        }
        long lastValid = firstSeqInVictim + keptInVictim - 1;
        try (Wal wal = Wal.open(dir, 4096, 1)) {
            assertThat(wal.lastSeq())
                    .as("seed %d, corrupted %s at %d", seed, victim.getFileName(), pos)
                    .isEqualTo(lastValid);
            assertThat(readAll(wal, 1)).as("seed %d", seed).isEqualTo(expected(1, lastValid));
            assertThat(wal.append(rec(lastValid + 1))).isEqualTo(lastValid + 1);
        }
        try (Wal wal = Wal.open(dir, 4096, 1)) {
            assertThat(readAll(wal, 1)).as("seed %d", seed).isEqualTo(expected(1, lastValid + 1));
        }
    }

    @Test
    void garbageHeaderFileIsDropped() throws IOException {
        try (Wal wal = Wal.open(dir, 256, 1)) {
            for (long i = 1; i <= 40; i++) {
                wal.append(rec(i));
            }
        }
        List<Path> fs = files();
        Path second = fs.get(1);
        long firstOfSecond = Long.parseLong(second.getFileName().toString().substring(0, 20));
        try (RandomAccessFile raf = new RandomAccessFile(second.toFile(), "rw")) {
            raf.write("JUNK".getBytes(StandardCharsets.US_ASCII));
        }
        try (Wal wal = Wal.open(dir, 256, 1)) {
            assertThat(wal.lastSeq()).isEqualTo(firstOfSecond - 1);
        }
    }

    @Test
    void concurrentWritersShareFsyncsAndKeepOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Wal wal = Wal.open(dir, 4096, 1)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        long seq = wal.append(new byte[] {1, 2, 3});
                        wal.sync(seq);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            assertThat(wal.lastSeq()).isEqualTo(400);
            List<Long> seqs = new ArrayList<>();
            wal.replay(1, (seq, p) -> seqs.add(seq));
            assertThat(seqs).hasSize(400).isSorted();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void appendRefusesARecordOverTheLimitBeforeWritingAnything() throws IOException {
        try (Wal wal = Wal.open(dir, 4096, 1, FileChannel::open, 1000)) {
            assertThat(wal.append(new byte[1000])).as("at the limit").isEqualTo(1);
            wal.sync(1);
            long before = Files.size(files().getFirst());
            assertThatThrownBy(() -> wal.append(new byte[1001]))
                    .isInstanceOfSatisfying(
                            UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.TOO_LARGE))
                    .hasMessageContaining("1001 bytes")
                    .hasMessageContaining("limit is 1000 bytes");
            assertThat(Files.size(files().getFirst())).as("nothing written").isEqualTo(before);
            assertThat(wal.lastSeq()).as("no seq consumed").isEqualTo(1);
            assertThat(wal.append(rec(2))).isEqualTo(2);
            wal.sync(2);
        }
        try (Wal wal = Wal.open(dir, 4096, 1, FileChannel::open, 1000)) {
            assertThat(wal.lastSeq()).isEqualTo(2);
            assertThat(readAll(wal, 2)).isEqualTo(expected(2, 2));
        }
    }

    /**
     * The real limit: a record recovery would take for corruption (with everything after it) is
     * refused at append. Allocates 1 GiB, so only with {@code -Dsextant.test.bigWalRecord=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "sextant.test.bigWalRecord", matches = "true")
    void appendRefusesARecordRecoveryWouldDrop() {
        List<Long> acknowledged = new ArrayList<>();
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            acknowledged.add(wal.append(rec(1)));
            try {
                long seq = wal.append(new byte[(1 << 30) + 1]);
                wal.sync(seq);
                acknowledged.add(seq); // acknowledged: it must then survive the restart
            } catch (UserException e) {
                assertThat(e.kind()).isEqualTo(UserException.Kind.TOO_LARGE);
            }
            long next = wal.append(rec(3));
            wal.sync(next);
            acknowledged.add(next);
        }
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            List<Long> seqs = new ArrayList<>();
            wal.replay(1, (seq, p) -> seqs.add(seq));
            assertThat(seqs).as("every acknowledged record survives").containsAll(acknowledged);
        }
    }
}
