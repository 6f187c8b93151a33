package io.sextant.shard.wal;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.FileHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of a {@link Wal} directory at open: keeps the longest valid prefix of the log, cuts off
 * a torn tail, and moves corruption aside into {@code quarantine/}.
 *
 * <p>The files are read in order of their first seq. The log ends at the first of: a file with a
 * bad header (wrong magic, unknown version, or a first seq other than the one in its name), a
 * file whose first seq is not the previous file's last + 1, or a record with an impossible
 * length, a CRC mismatch or a non-consecutive seq. What lies after that point decides what
 * happens to it:
 *
 * <ul>
 *   <li><b>Torn tail</b> (what a crash leaves): the point is in the <em>last</em> file and no
 *       valid-looking record (length in range, seq after the last good one, matching CRC) follows
 *       it; or the last file is shorter than its 16-byte header (a crash while it was created; it
 *       never held a record). The bytes are cut off (or the header-less file deleted), logged at
 *       WARN. Only the last file can be torn: a roll forces a file before creating the next one,
 *       so every earlier file was complete and durable before a later one existed.
 *   <li><b>Corruption</b> (everything else): a bad point followed by later files, or by a
 *       valid-looking record in the last file. The later files are moved into {@code
 *       quarantine/<name>.<UTC timestamp>}; the file holding the point is moved there too when it
 *       contributes nothing (bad header, unexpected first seq), else copied there before it is cut
 *       back to its valid prefix. Logged at ERROR and reported by {@link
 *       Wal#quarantinedFilesAtOpen}; nothing is deleted. (Unsynced records persisted out of order
 *       by a power loss also look like this; they were never acknowledged, and keeping a copy of
 *       them costs only disk space.)
 *   <li><b>A gap below the checkpoint</b>: a file boundary where the first seq jumps ahead but not
 *       past {@code minNextSeq} (left by older versions that started a file at the checkpoint after
 *       a short log) is not corruption: the files before it hold only checkpointed records and are
 *       deleted, and recovery continues.
 * </ul>
 *
 * <p>Every step is durable before the next (copies forced, directories fsynced, truncations
 * forced), and a crash during recovery leaves a directory that the next recovery handles the same
 * way. Not thread-safe; used by {@link Wal#open} only.
 */
final class WalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);
    static final String QUARANTINE_DIR = "quarantine";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * What recovery kept.
     *
     * @param firstSeqs first seqs of the files kept, in order
     * @param nextSeq the seq after the last record kept (1 when none)
     * @param droppedBytes bytes cut off or moved out of the log
     * @param quarantined the files written into the quarantine directory
     */
    record Result(List<Long> firstSeqs, long nextSeq, long droppedBytes, List<Path> quarantined) {}

    private final Path dir;
    private final long minNextSeq;
    private final int maxRecord;
    private final String stamp = STAMP.format(Instant.now());
    private final List<Long> kept = new ArrayList<>();
    private final List<Path> quarantined = new ArrayList<>();
    private long dropped;

    private WalRecovery(Path dir, long minNextSeq, int maxRecord) {
        this.dir = dir;
        this.minNextSeq = minNextSeq;
        this.maxRecord = maxRecord;
    }

    /** Recovers the log in {@code dir}; records below {@code minNextSeq} are checkpointed. */
    static Result run(Path dir, long minNextSeq, int maxRecord) throws IOException {
        return new WalRecovery(dir, minNextSeq, maxRecord).recover();
    }

    /** Where the valid records of one file end. */
    private record Scan(int validEnd, long nextSeq) {}

    private Result recover() throws IOException {
        List<Path> files = Wal.listFiles(dir);
        long expected = -1;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            boolean last = i == files.size() - 1;
            byte[] bytes = Files.readAllBytes(f);
            long first = firstSeq(bytes, f);
            if (first < 0) {
                if (last && bytes.length <= Wal.FILE_HEADER) {
                    LOG.warn(
                            "WAL file {}: {} bytes and no valid header, torn at creation: deleting it",
                            f,
                            bytes.length);
                    dropped += bytes.length;
                    Files.delete(f);
                    AtomicFiles.fsyncDir(dir);
                } else {
                    quarantine(files, i, -1, "bad header", Math.max(0, expected - 1));
                }
                break;
            }
            if (expected >= 0 && first != expected) {
                if (first > expected && first <= minNextSeq) {
                    deleteBelowCheckpoint(f, expected, first);
                } else {
                    quarantine(
                            files, i, -1, "first seq " + first + " where " + expected + " was expected", expected - 1);
                    break;
                }
            }
            Scan scan = scan(bytes, first);
            kept.add(first);
            expected = scan.nextSeq();
            if (scan.validEnd() < bytes.length) {
                if (last && !holdsRecordAfter(bytes, scan.validEnd(), scan.nextSeq())) {
                    LOG.warn(
                            "WAL file {}: truncating a torn tail of {} bytes after seq {}",
                            f,
                            bytes.length - scan.validEnd(),
                            scan.nextSeq() - 1);
                    dropped += bytes.length - scan.validEnd();
                } else {
                    quarantine(files, i, scan.validEnd(), "invalid record", scan.nextSeq() - 1);
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(scan.validEnd());
                    ch.force(true);
                }
                break;
            }
        }
        return new Result(List.copyOf(kept), expected < 0 ? 1 : expected, dropped, List.copyOf(quarantined));
    }

    /** The file's first seq, or -1 when its header is bad. */
    private static long firstSeq(byte[] bytes, Path f) {
        if (bytes.length < Wal.FILE_HEADER) {
            return -1;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            FileHeader.check(buf, Wal.MAGIC, Wal.VERSION, f);
        } catch (ServiceException e) {
            LOG.warn("WAL file {}: {}", f, e.getMessage());
            return -1;
        }
        long first = buf.getLong();
        if (first < 1 || !f.getFileName().equals(Wal.file(f.getParent(), first).getFileName())) {
            LOG.warn("WAL file {}: its header says first seq {}, which does not match its name", f, first);
            return -1;
        }
        return first;
    }

    /** Scans the records of a file whose first seq is {@code first}. */
    private Scan scan(byte[] bytes, long first) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long seq = first;
        int pos = Wal.FILE_HEADER;
        while (pos + Wal.RECORD_HEADER <= bytes.length) {
            int len = buf.getInt(pos);
            if (len < 0 || len > maxRecord || pos + Wal.RECORD_HEADER + (long) len > bytes.length) {
                break;
            }
            if (buf.getLong(pos + 8) != seq || buf.getInt(pos + 4) != Wal.crc(bytes, pos + 8, len + 8)) {
                break;
            }
            seq++;
            pos += Wal.RECORD_HEADER + len;
        }
        return new Scan(pos, seq);
    }

    /**
     * Whether a valid-looking record with a seq from {@code nextSeq} on starts anywhere in {@code
     * bytes} at or after {@code from}. Cheap: the CRC is computed only where the seq fits.
     */
    private boolean holdsRecordAfter(byte[] bytes, int from, long nextSeq) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long maxSeq = nextSeq + (bytes.length - from) / Wal.RECORD_HEADER;
        for (int p = from; p + Wal.RECORD_HEADER <= bytes.length; p++) {
            long seq = buf.getLong(p + 8);
            if (seq < nextSeq || seq > maxSeq) {
                continue;
            }
            int len = buf.getInt(p);
            if (len >= 0 && len <= maxRecord && p + Wal.RECORD_HEADER + (long) len <= bytes.length) {
                if (buf.getInt(p + 4) == Wal.crc(bytes, p + 8, len + 8)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Deletes the files kept so far: {@code f} starts at {@code first}, after a gap from {@code
     * expected}, and {@code first <= minNextSeq}, so they hold only checkpointed records.
     */
    private void deleteBelowCheckpoint(Path f, long expected, long first) throws IOException {
        LOG.warn(
                "WAL file {} starts at seq {} after a gap from seq {}, below the checkpoint's next seq {}:"
                        + " deleting the {} earlier files, whose records are all checkpointed",
                f,
                first,
                expected,
                minNextSeq,
                kept.size());
        for (long k : kept) {
            Files.delete(Wal.file(dir, k));
        }
        kept.clear();
        AtomicFiles.fsyncDir(dir);
    }

    /**
     * Moves files {@code from+1..} into the quarantine directory, and file {@code from} too when
     * {@code keepBytes < 0}, else a copy of it (the caller then cuts it to {@code keepBytes}).
     */
    private void quarantine(List<Path> files, int from, int keepBytes, String what, long lastKept) throws IOException {
        Path q = dir.resolve(QUARANTINE_DIR);
        AtomicFiles.createDirectories(q);
        List<Path> moved = new ArrayList<>();
        Path f = files.get(from);
        if (keepBytes >= 0) {
            Path copy = target(q, f);
            Files.copy(f, copy);
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            quarantined.add(copy);
            dropped += Files.size(f) - keepBytes;
            AtomicFiles.fsyncDir(q); // the copy is durable before anything leaves the log
        }
        for (int j = keepBytes >= 0 ? from + 1 : from; j < files.size(); j++) {
            Path src = files.get(j);
            long size = Files.size(src);
            Path dst = target(q, src);
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
            moved.add(src);
            quarantined.add(dst);
            dropped += size;
        }
        AtomicFiles.fsyncDir(q);
        AtomicFiles.fsyncDir(dir);
        LOG.error(
                "WAL in {} is corrupt before its end ({} in {}): the log now ends at seq {}; moved {} later"
                        + " file(s) and {} into {} (never deleted). Records after seq {} in them are not"
                        + " replayed.",
                dir,
                what,
                f.getFileName(),
                lastKept,
                moved.size() - (keepBytes >= 0 ? 0 : 1),
                keepBytes >= 0 ? "a copy of the damaged file" : "the damaged file",
                q,
                lastKept);
    }

    /** A fresh name in the quarantine directory for {@code file}. */
    private Path target(Path q, Path file) {
        Path t = q.resolve(file.getFileName() + "." + stamp);
        for (int n = 2; Files.exists(t); n++) {
            t = q.resolve(file.getFileName() + "." + stamp + "-" + n);
        }
        return t;
    }
}
