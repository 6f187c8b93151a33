package io.sextant.shard.wal;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.FileHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log of opaque records numbered by consecutive sequence numbers, split into
 * segment files, in the manner of Kafka's log.
 *
 * <p>Files are named {@code <first seq, 20 digits zero-padded>.wal} so that they sort by name. A
 * file is rolled when the next record would take it past the capacity (a record is never split;
 * a file holds at least one record). Layout of a file, version 1, big-endian:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXWL"
 * offset 4   u32    format version = 1
 * offset 8   u64    sequence number of the first record in this file
 * offset 16  records, each:
 *            u32    payload length L
 *            u32    CRC32C of (seq, payload)
 *            u64    seq (the previous record's seq + 1)
 *            u8[L]  payload
 * </pre>
 *
 * <p><b>Durability.</b> {@link #append} writes without fsync; {@link #sync} makes every record up
 * to a sequence durable with {@code FileChannel.force}. Concurrent callers of {@code sync} share
 * one fsync (group commit): the first takes the sync lock and forces everything written so far,
 * the others find their record already durable when they get the lock.
 *
 * <p><b>Recovery.</b> {@link #open} scans all files and keeps the longest valid prefix: the first
 * record with an impossible length, a CRC mismatch or a non-consecutive seq ends the log; that
 * file is truncated there and every later file is deleted. This never fails on a torn or corrupt
 * tail, so a crash can never make the shard crash-loop.
 *
 * <p><b>Truncation.</b> {@link #truncateBefore} deletes whole files whose records all precede a
 * checkpoint. The current file is never deleted, so the next sequence number survives restarts.
 *
 * <p><b>I/O errors (disk full) are repaired in place.</b> The log remembers the byte offset of its
 * last durable record in the current file and keeps the bytes of every record written after it
 * (at most the records of one group commit, since files are forced when rolled).
 *
 * <ul>
 *   <li>A failed <em>append</em> (e.g. {@code write} answering "No space left on device")
 *       truncates the file back to where the record started and consumes no sequence number: the
 *       record never existed, the caller gets the error, and the next append simply tries again.
 *   <li>A failed <em>fsync</em> cannot be retried as is: after a failed {@code fsync} Linux may
 *       drop the dirty pages and report the next one as a success ("fsyncgate"). So the file is
 *       truncated back to the last durable record and the records written since are rewritten
 *       from memory, with their sequence numbers, before the next append or fsync; only a later
 *       successful fsync of those rewritten bytes makes them durable. Their callers got the error
 *       (never an acknowledgement); the records stay in the log because the shard has already
 *       applied them (see {@code LocalShard}), so an error answer means "not acknowledged", and
 *       the change may still take effect.
 *   <li>Only when the repair itself fails (the truncate fails, or a file roll raced with a failed
 *       fsync) is the log marked failed; it then refuses appends until it is reopened, which
 *       recovers the valid prefix as above.
 * </ul>
 *
 * <p>Thread-safe. Lock order: the sync lock, then the write lock; fsyncs run outside the write
 * lock so that appends continue meanwhile.
 */
public final class Wal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
    public static final String MAGIC = "SXWL";
    public static final int VERSION = 1;
    public static final int FILE_HEADER = 16;
    public static final int RECORD_HEADER = 16;
    private static final int MAX_RECORD = 1 << 30;

    private final Path dir;
    private final long capacity;
    private final Object writeLock = new Object();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final List<Long> fileFirstSeqs = new ArrayList<>(); // guarded by writeLock
    private final java.util.Map<Long, FileChannel> retired = new java.util.HashMap<>(); // guarded by writeLock
    private long currentFirst; // guarded by writeLock
    private FileChannel current; // guarded by writeLock
    private long currentSize; // guarded by writeLock
    private long durableSize; // guarded by writeLock: bytes of the current file known to be durable
    private final ArrayDeque<Written> unsynced = new ArrayDeque<>(); // guarded by writeLock
    private boolean rewriteNeeded; // guarded by writeLock: unsynced records were cut off by a repair
    private long nextSeq; // guarded by writeLock
    private volatile long durableSeq;
    private volatile boolean failed;
    private final DurationHistogram fsyncNanos = new DurationHistogram();
    private final long truncatedBytes;

    /** A record written to the current file but not yet known to be durable: its full bytes. */
    private record Written(long seq, byte[] bytes) {}

    /** A record read back by {@link #replay}. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(long seq, byte[] payload);
    }

    /** Opens the log's file channels; tests substitute one that fails like a full disk. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    private final ChannelOpener opener;

    private Wal(Path dir, long capacity, long truncatedBytes, ChannelOpener opener) {
        this.opener = opener;
        this.dir = dir;
        this.capacity = capacity;
        this.truncatedBytes = truncatedBytes;
    }

    /**
     * Opens (creating when missing) the log in {@code dir}, recovering its valid prefix.
     *
     * @param capacityBytes roll files past this size
     * @param minNextSeq the next sequence number is at least this (e.g. checkpoint + 1)
     */
    public static Wal open(Path dir, long capacityBytes, long minNextSeq) {
        return open(dir, capacityBytes, minNextSeq, FileChannel::open);
    }

    static Wal open(Path dir, long capacityBytes, long minNextSeq, ChannelOpener opener) {
        try {
            Files.createDirectories(dir);
            Recovery r = recover(dir, capacityBytes);
            Wal wal = new Wal(dir, capacityBytes, r.truncatedBytes, opener);
            wal.fileFirstSeqs.addAll(r.firstSeqs);
            long next = Math.max(r.nextSeq, Math.max(1, minNextSeq));
            if (!r.firstSeqs.isEmpty() && next == r.nextSeq) {
                Path last = file(dir, r.firstSeqs.getLast());
                wal.current = opener.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
                wal.currentSize = wal.current.size();
                wal.durableSize = wal.currentSize;
                wal.current.position(wal.currentSize);
                wal.currentFirst = r.firstSeqs.getLast();
            } else {
                wal.startFile(next);
            }
            wal.nextSeq = next;
            wal.durableSeq = next - 1;
            return wal;
        } catch (IOException e) {
            throw new ServiceException("Failed to open WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private record Recovery(List<Long> firstSeqs, long nextSeq, long truncatedBytes) {}

    private static Recovery recover(Path dir, long capacity) throws IOException {
        List<Path> files = listFiles(dir);
        List<Long> kept = new ArrayList<>();
        long expected = -1;
        long truncated = 0;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f));
            long validEnd;
            long first;
            try {
                FileHeader.check(buf, MAGIC, VERSION, f);
                if (buf.remaining() < Long.BYTES) {
                    throw new ServiceException("WAL file " + f + " ends inside its header");
                }
                first = buf.getLong();
            } catch (ServiceException e) {
                LOG.warn("WAL file {} has a bad header ({}); dropping it and later files", f, e.getMessage());
                truncated += dropFrom(files, i);
                break;
            }
            if (expected >= 0 && first != expected) {
                LOG.warn(
                        "WAL file {} starts at seq {} but {} was expected; dropping it and later files",
                        f,
                        first,
                        expected);
                truncated += dropFrom(files, i);
                break;
            }
            long seq = first;
            validEnd = FILE_HEADER;
            int pos = FILE_HEADER;
            while (pos + RECORD_HEADER <= buf.limit()) {
                int len = buf.getInt(pos);
                if (len < 0 || len > MAX_RECORD || pos + RECORD_HEADER + (long) len > buf.limit()) {
                    break;
                }
                int crc = buf.getInt(pos + 4);
                long recSeq = buf.getLong(pos + 8);
                if (recSeq != seq || crc != crc(buf.array(), pos + 8, len + 8)) {
                    break;
                }
                seq++;
                pos += RECORD_HEADER + len;
                validEnd = pos;
            }
            kept.add(first);
            expected = seq;
            if (validEnd < buf.limit()) {
                LOG.warn("WAL file {}: truncating {} invalid bytes after seq {}", f, buf.limit() - validEnd, seq - 1);
                truncated += buf.limit() - validEnd;
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(validEnd);
                    ch.force(true);
                }
                truncated += dropFrom(files, i + 1);
                break;
            }
        }
        return new Recovery(kept, expected < 0 ? 1 : expected, truncated);
    }

    private static long dropFrom(List<Path> files, int from) throws IOException {
        long bytes = 0;
        for (int j = files.size() - 1; j >= from; j--) {
            bytes += Files.size(files.get(j));
            Files.delete(files.get(j));
        }
        if (from < files.size()) {
            AtomicFiles.fsyncDir(files.get(from).getParent());
        }
        return bytes;
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.wal"))
                    .sorted()
                    .toList();
        }
    }

    static Path file(Path dir, long firstSeq) {
        return dir.resolve(String.format("%020d.wal", firstSeq));
    }

    static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    /** Creates the file for records from {@code firstSeq} on and makes it current. */
    private void startFile(long firstSeq) throws IOException {
        Path f = file(dir, firstSeq);
        FileChannel ch = opener.open(
                f,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer h = ByteBuffer.allocate(FILE_HEADER);
            FileHeader.write(h, MAGIC, VERSION);
            h.putLong(firstSeq).flip();
            while (h.hasRemaining()) {
                ch.write(h);
            }
            ch.force(true);
            AtomicFiles.fsyncDir(dir);
        } catch (IOException | RuntimeException e) {
            ch.close();
            try {
                Files.deleteIfExists(f);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // a header-less file is dropped by recovery, or overwritten
            }
            throw e;
        }
        if (current != null) {
            retired.put(currentFirst, current);
        }
        current = ch;
        currentFirst = firstSeq;
        currentSize = FILE_HEADER;
        durableSize = FILE_HEADER;
        if (fileFirstSeqs.isEmpty() || fileFirstSeqs.getLast() != firstSeq) {
            fileFirstSeqs.add(firstSeq);
        }
    }

    /**
     * Makes the current file durable and starts the next one at {@code firstSeq}. On failure the
     * current file stays current (repaired like a failed fsync when the force failed).
     */
    private void roll(long firstSeq) {
        try {
            current.force(false);
        } catch (IOException e) {
            repairAfterFailedSync(current, e);
            throw new ServiceException("Failed to fsync WAL in " + dir + ": " + e.getMessage(), e);
        }
        durableSeq = nextSeq - 1;
        durableSize = currentSize;
        unsynced.clear();
        try {
            startFile(firstSeq);
        } catch (IOException e) {
            throw new ServiceException("Failed to start a new WAL file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a failed fsync of {@code ch}: cuts the current file back to its last durable record;
     * the records written since are rewritten from memory by {@link #rewriteUnsynced}. Caller holds
     * the write lock.
     */
    private void repairAfterFailedSync(FileChannel ch, IOException cause) {
        if (ch != current) {
            // a roll forced (and left) this file after our fsync failed: its "success" cannot be
            // trusted and the records are no longer in the current file, so give up in place
            failed = true;
            return;
        }
        rewriteNeeded = !unsynced.isEmpty();
        cutTo(durableSize, cause);
    }

    /** Truncates the current file to {@code size}; marks the log failed when even that fails. */
    private void cutTo(long size, Exception cause) {
        try {
            current.truncate(size);
            current.position(size);
            currentSize = size;
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            failed = true;
            LOG.error("WAL in {}: cannot truncate after an I/O error; appends refused until reopened", dir, e);
        }
    }

    /**
     * Writes again the records a repair cut off (same seqs, same bytes) so that the file matches
     * what the shard applied. Caller holds the write lock.
     */
    private void rewriteUnsynced() {
        if (failed) {
            throw new ServiceException(
                    "WAL in " + dir + " failed and could not be repaired in place; the shard" + " must be reopened");
        }
        if (!rewriteNeeded) {
            return;
        }
        long start = currentSize;
        try {
            for (Written w : unsynced) {
                ByteBuffer buf = ByteBuffer.wrap(w.bytes());
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
                currentSize += w.bytes().length;
            }
            rewriteNeeded = false;
        } catch (IOException e) {
            cutTo(start, e);
            throw new ServiceException("Failed to append to WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends a record (not yet durable: call {@link #sync}).
     *
     * @return its sequence number
     */
    public long append(byte[] payload) {
        synchronized (writeLock) {
            rewriteUnsynced();
            long seq = nextSeq;
            long size = RECORD_HEADER + (long) payload.length;
            if (seq > currentFirst && currentSize + size > capacity) {
                roll(seq);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            buf.putInt(payload.length).putInt(0).putLong(seq).put(payload);
            buf.putInt(4, crc(buf.array(), 8, payload.length + 8));
            buf.flip();
            long start = currentSize;
            try {
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
            } catch (IOException e) {
                cutTo(start, e);
                throw new ServiceException("Failed to append to WAL in " + dir + ": " + e.getMessage(), e);
            }
            currentSize += size;
            unsynced.addLast(new Written(seq, buf.array()));
            nextSeq = seq + 1;
            return seq;
        }
    }

    /**
     * Returns once every record up to {@code seq} is durable; concurrent callers share fsyncs. On
     * failure the log is repaired (see the class comment) and the next call tries again.
     */
    public void sync(long seq) {
        if (durableSeq >= seq) {
            return;
        }
        syncLock.lock();
        try {
            if (durableSeq >= seq) {
                return;
            }
            long target;
            long size;
            FileChannel ch;
            synchronized (writeLock) {
                rewriteUnsynced();
                target = nextSeq - 1;
                size = currentSize;
                ch = current;
            }
            long started = System.nanoTime();
            try {
                ch.force(false);
            } catch (IOException e) {
                synchronized (writeLock) {
                    repairAfterFailedSync(ch, e);
                }
                throw new ServiceException("Failed to fsync WAL in " + dir + ": " + e.getMessage(), e);
            }
            fsyncNanos.record(System.nanoTime() - started);
            synchronized (writeLock) {
                if (target > durableSeq) {
                    durableSeq = target;
                }
                if (ch == current) {
                    durableSize = Math.max(durableSize, size);
                }
                while (!unsynced.isEmpty() && unsynced.peekFirst().seq() <= durableSeq) {
                    unsynced.removeFirst();
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Durations of the fsyncs of {@link #sync} (not of file rolls), for metrics. */
    public DurationHistogram fsyncDurations() {
        return fsyncNanos;
    }

    /** Sequence number of the last appended record (0 when none ever). */
    public long lastSeq() {
        synchronized (writeLock) {
            return nextSeq - 1;
        }
    }

    /** Bytes dropped by recovery at open. */
    public long truncatedBytesAtOpen() {
        return truncatedBytes;
    }

    /** Reads every record with seq >= {@code fromSeq} in order. Call before concurrent appends. */
    public void replay(long fromSeq, RecordConsumer consumer) {
        List<Long> firsts;
        synchronized (writeLock) {
            firsts = List.copyOf(fileFirstSeqs);
        }
        for (int i = 0; i < firsts.size(); i++) {
            if (i + 1 < firsts.size() && firsts.get(i + 1) <= fromSeq) {
                continue;
            }
            Path f = file(dir, firsts.get(i));
            ByteBuffer buf;
            try {
                buf = ByteBuffer.wrap(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new ServiceException("Failed to read WAL file " + f + ": " + e.getMessage(), e);
            }
            int pos = FILE_HEADER;
            while (pos + RECORD_HEADER <= buf.limit()) {
                int len = buf.getInt(pos);
                if (len < 0 || pos + RECORD_HEADER + (long) len > buf.limit()) {
                    break;
                }
                long seq = buf.getLong(pos + 8);
                if (buf.getInt(pos + 4) != crc(buf.array(), pos + 8, len + 8)) {
                    throw new ServiceException("WAL file " + f + " changed since recovery: bad CRC at seq " + seq);
                }
                if (seq >= fromSeq) {
                    byte[] payload = new byte[len];
                    buf.get(pos + RECORD_HEADER, payload);
                    consumer.accept(seq, payload);
                }
                pos += RECORD_HEADER + len;
            }
        }
    }

    /** Deletes files all of whose records have seq < {@code seq}; never the current file. */
    public void truncateBefore(long seq) {
        synchronized (writeLock) {
            boolean deleted = false;
            while (fileFirstSeqs.size() > 1 && fileFirstSeqs.get(1) <= seq) {
                long first = fileFirstSeqs.removeFirst();
                Path f = file(dir, first);
                try {
                    FileChannel ch = retired.remove(first);
                    if (ch != null) {
                        ch.close();
                    }
                    Files.deleteIfExists(f);
                    deleted = true;
                } catch (IOException e) {
                    throw new ServiceException("Failed to delete WAL file " + f + ": " + e.getMessage(), e);
                }
            }
            if (deleted) {
                AtomicFiles.fsyncDir(dir);
            }
        }
    }

    /** Number of files (for tests and metrics). */
    public int fileCount() {
        synchronized (writeLock) {
            return fileFirstSeqs.size();
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            try {
                if (current != null && !failed) {
                    try {
                        rewriteUnsynced();
                        current.force(false);
                    } catch (IOException | ServiceException e) {
                        // whatever was not durable was never acknowledged; the durable prefix is intact
                        LOG.warn(
                                "WAL in {}: records after seq {} not durable at close: {}",
                                dir,
                                durableSeq,
                                e.toString());
                    }
                }
                for (FileChannel c : retired.values()) {
                    c.close();
                }
                retired.clear();
                if (current != null) {
                    current.close();
                }
            } catch (IOException e) {
                throw new ServiceException("Failed to close WAL in " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
