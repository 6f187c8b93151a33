package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL repairs itself in place after failed appends and fsyncs (a full disk). */
class WalDiskFullTest {
    @TempDir
    Path dir;

    private final FaultyChannel.Faults faults = new FaultyChannel.Faults();

    private static byte[] rec(long i) {
        return ("record-" + i + "-" + "y".repeat((int) (i % 53))).getBytes(StandardCharsets.UTF_8);
    }

    private Map<Long, String> replayAll() {
        Map<Long, String> out = new TreeMap<>();
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            wal.replay(1, (seq, p) -> out.put(seq, new String(p, StandardCharsets.UTF_8)));
        }
        return out;
    }

    private long bytesOnDisk() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long n = 0;
            for (Path p : s.toList()) {
                n += Files.size(p);
            }
            return n;
        }
    }

    @Test
    void failedAppendLeavesNoPartialRecordAndTheNextAppendRetries() throws IOException {
        try (Wal wal = Wal.open(dir, 1 << 20, 1, faults.opener())) {
            for (long i = 1; i <= 5; i++) {
                wal.append(rec(i));
            }
            wal.sync(5);
            long before = bytesOnDisk();
            faults.spaceLeft = 7; // the header of the next record does not even fit
            assertThatThrownBy(() -> wal.append(rec(6)))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(bytesOnDisk()).as("the partial record is cut off").isEqualTo(before);
            assertThat(wal.lastSeq()).as("no sequence number consumed").isEqualTo(5);
            faults.spaceLeft = Long.MAX_VALUE;
            assertThat(wal.append(rec(6))).isEqualTo(6);
            wal.sync(6);
        }
        assertThat(replayAll()).hasSize(6).containsEntry(6L, new String(rec(6), StandardCharsets.UTF_8));
    }

    @Test
    void failedFsyncRewritesTheUnsyncedRecordsAndTheNextSyncMakesThemDurable() throws IOException {
        try (Wal wal = Wal.open(dir, 1 << 20, 1, faults.opener())) {
            wal.append(rec(1));
            wal.sync(1);
            long durable = bytesOnDisk();
            wal.append(rec(2));
            wal.append(rec(3));
            faults.failForce = true; // and the kernel drops the dirty pages
            assertThatThrownBy(() -> wal.sync(3)).hasMessageContaining("No space left on device");
            assertThat(bytesOnDisk()).as("cut back to the last durable record").isEqualTo(durable);
            assertThatThrownBy(() -> wal.sync(3)).as("still failing").isInstanceOf(ServiceException.class);
            faults.failForce = false;
            assertThat(wal.append(rec(4)))
                    .as("seqs continue after the rewritten records")
                    .isEqualTo(4);
            wal.sync(4);
        }
        Map<Long, String> all = replayAll();
        assertThat(all.keySet()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all.get(3L)).isEqualTo(new String(rec(3), StandardCharsets.UTF_8));
    }

    @Test
    void failedForceAtFileRollKeepsTheCurrentFile() {
        try (Wal wal = Wal.open(dir, 256, 1, faults.opener())) {
            wal.append(new byte[200]);
            faults.failForce = true;
            assertThatThrownBy(() -> wal.append(new byte[200])).isInstanceOf(ServiceException.class);
            assertThat(wal.fileCount()).isEqualTo(1);
            faults.failForce = false;
            assertThat(wal.append(new byte[200])).isEqualTo(2);
            wal.sync(2);
            assertThat(wal.fileCount()).isEqualTo(2);
        }
        assertThat(replayAll().keySet()).containsExactly(1L, 2L);
    }

    /**
     * Random appends and syncs under random disk-full faults: every synced record is there after
     * reopening, seqs are consecutive, and every record holds the bytes appended under its seq.
     */
    @Test
    void randomFaultsNeverLoseAnAcknowledgedRecordNorLeaveAGap() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Long, String> appended = new TreeMap<>();
        TreeSet<Long> acknowledged = new TreeSet<>();
        List<Long> waiting = new ArrayList<>();
        try (Wal wal = Wal.open(dir, 2048, 1, faults.opener())) {
            for (int step = 0; step < 3000; step++) {
                faults.spaceLeft = rnd.nextInt(10) == 0 ? rnd.nextLong(64) : Long.MAX_VALUE;
                faults.failForce = rnd.nextInt(8) == 0;
                if (rnd.nextInt(3) > 0) {
                    long next = wal.lastSeq() + 1;
                    byte[] r = rec(next + rnd.nextInt(1000));
                    try {
                        assertThat(wal.append(r)).as("seed %d", seed).isEqualTo(next);
                        appended.put(next, new String(r, StandardCharsets.UTF_8));
                        waiting.add(next);
                    } catch (ServiceException e) {
                        assertThat(wal.lastSeq()).as("seed %d", seed).isEqualTo(next - 1);
                    }
                } else if (!waiting.isEmpty()) {
                    long s = waiting.getLast();
                    try {
                        wal.sync(s);
                        acknowledged.addAll(waiting);
                        waiting.clear();
                    } catch (ServiceException e) {
                        // not acknowledged; the records stay and a later sync may make them durable
                    }
                }
            }
            faults.spaceLeft = Long.MAX_VALUE;
            faults.failForce = false;
        }
        Map<Long, String> back = replayAll();
        assertThat(back.keySet()).as("seed %d", seed).containsAll(acknowledged);
        long expect = 1;
        for (Map.Entry<Long, String> e : back.entrySet()) {
            assertThat(e.getKey()).as("seed %d: consecutive", seed).isEqualTo(expect++);
            assertThat(e.getValue()).as("seed %d: seq %d", seed, e.getKey()).isEqualTo(appended.get(e.getKey()));
        }
    }
}
