package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.FuzzScratch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of {@link Wal} recovery. Each input writes a few records through the
 * log (small files, so it rolls), then damages the directory: overwrites bytes, truncates,
 * replaces a file's content with fuzzed bytes, drops a fuzzed file in, or deletes one. Reopening
 * must succeed or fail with {@link ServiceException} (nothing else escapes); what it replays
 * must have consecutive seqs and, when the damage could not forge records (no file replaced or
 * added), be exactly what was written under those seqs; and the reopened log must stay usable: a
 * record appended after recovery is replayed after the recovered ones at the next open, with no
 * gap.
 *
 * <p>Files live in {@link FuzzScratch} directories. Without {@code
 * JAZZER_FUZZ} this replays {@code WalFuzzTestInputs/recover}; {@code bin/bench fuzz} fuzzes it.
 */
class WalFuzzTest {
    @FuzzTest
    void recover(FuzzedDataProvider data) throws IOException {
        Path dir = FuzzScratch.dir("sextant-wal-fuzz");
        try {
            recover(dir, data);
        } finally {
            FuzzScratch.delete(dir);
        }
    }

    private static void recover(Path dir, FuzzedDataProvider data) throws IOException {
        long capacity = data.consumeInt(Wal.FILE_HEADER + Wal.RECORD_HEADER, 512);
        List<byte[]> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, capacity, 1)) {
            int n = data.consumeInt(0, 12);
            for (int i = 0; i < n; i++) {
                byte[] p = data.consumeBytes(data.consumeInt(0, 96));
                written.add(p);
                wal.sync(wal.append(p));
            }
        }
        boolean forgeable = damage(dir, data);
        List<Record> recovered;
        try (Wal wal = Wal.open(dir, capacity, 1)) {
            recovered = replay(wal);
            if (!recovered.isEmpty()) {
                assertThat(wal.lastSeq())
                        .isGreaterThanOrEqualTo(recovered.getLast().seq());
            }
            if (!forgeable) {
                for (Record r : recovered) {
                    assertThat(r.seq()).isLessThanOrEqualTo(written.size());
                    assertThat(r.payload()).as("record %d", r.seq()).isEqualTo(written.get((int) r.seq() - 1));
                }
            }
            wal.sync(wal.append(new byte[] {42}));
        } catch (ServiceException documented) {
            return;
        }
        try (Wal wal = Wal.open(dir, capacity, 1)) {
            List<Record> again = replay(wal);
            assertThat(again).hasSize(recovered.size() + 1);
            for (int i = 0; i < recovered.size(); i++) {
                assertThat(again.get(i).seq()).isEqualTo(recovered.get(i).seq());
                assertThat(again.get(i).payload()).isEqualTo(recovered.get(i).payload());
            }
            assertThat(again.getLast().payload()).containsExactly(42);
        }
    }

    private record Record(long seq, byte[] payload) {}

    /** Replays the whole log, checking that seqs are consecutive. */
    private static List<Record> replay(Wal wal) {
        List<Record> out = new ArrayList<>();
        wal.replay(1, (seq, payload) -> {
            if (!out.isEmpty()) {
                assertThat(seq).isEqualTo(out.getLast().seq() + 1);
            }
            out.add(new Record(seq, payload));
        });
        return out;
    }

    /** Applies up to four fuzzed edits; true when one of them could forge valid records. */
    private static boolean damage(Path dir, FuzzedDataProvider data) throws IOException {
        boolean forgeable = false;
        int edits = data.consumeInt(0, 4);
        for (int e = 0; e < edits; e++) {
            List<Path> files = list(dir);
            int kind = data.consumeInt(0, 4);
            if (files.isEmpty() || kind == 3) {
                String name = String.format("%020d.wal", data.consumeLong(0, 40));
                Files.write(dir.resolve(name), data.consumeBytes(data.consumeInt(0, 256)));
                forgeable = true;
                continue;
            }
            Path f = files.get(data.consumeInt(0, files.size() - 1));
            long size = Files.size(f);
            switch (kind) {
                case 0 -> {
                    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                        raf.seek(data.consumeLong(0, size + 8));
                        raf.write(data.consumeBytes(data.consumeInt(1, 4)));
                    }
                }
                case 1 -> {
                    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                        raf.setLength(data.consumeLong(0, size));
                    }
                }
                case 2 -> {
                    Files.write(f, data.consumeBytes(data.consumeInt(0, 256)));
                    forgeable = true;
                }
                default -> Files.delete(f);
            }
        }
        return forgeable;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
