package io.sextant.shard.wal;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * a file holds at least one record). A record's payload is at most {@link #MAX_RECORD} bytes;
 * {@link #append} refuses a longer one with a {@link UserException} (413) before writing anything,
 * because recovery would take its length for corruption. Layout of a file, version 1, big-endian:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXWL"
 * offset 4   u32    format version = 1
 * offset 8   u64    sequence number of the first record in this file
 * offset 16  records, each:
 *            u32    payload length L (0..MAX_RECORD)
 *            u32    CRC32C of (seq, payload)
 *            u64    seq (the previous record's seq + 1)
 *            u8[L]  payload
 * </pre>
 *
 * <p><b>Durability.</b> {@link #append} writes without fsync; {@link #sync} makes every record up
 * to a sequence durable with {@code FileChannel.force}. Concurrent callers of {@code sync} share
 * one fsync (group commit): the first takes the sync lock and forces everything written so far,
 * the others find their record already durable when they get the lock. The invariant, for every
 * interleaving of appends, syncs, rolls and failing forces:
 *
 * <ol>
 *   <li><em>Every force of the current file runs under the sync lock</em> (a sync's group commit,
 *       a roll, {@link #close}), and a failed force is repaired (below) before the lock is
 *       released. So forces of one file never overlap, and no force can report success for pages
 *       that an earlier failed force dropped without the repair having rewritten them first.
 *   <li><em>Every file but the current one is wholly durable.</em> A roll forces the current file
 *       before creating the next (holding the sync lock, then the write lock); when that force
 *       fails the file stays current. An append takes the sync lock only when it must roll, so
 *       appends that fit never wait for an fsync.
 *   <li><em>{@code durableSeq} only moves past records whose bytes a successful force of their
 *       file covered</em>: the forcing thread captures (last seq, size) under the write lock before
 *       its force and publishes exactly that afterwards. While it holds the sync lock no roll can
 *       move those records out of the forced file and no repair can cut them off.
 * </ol>
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
 *   <li>Only when the repair itself fails (the truncate fails) is the log marked failed; it then
 *       refuses appends until it is reopened, which recovers the valid prefix as below.
 * </ul>
 *
 * <p><b>Recovery.</b> {@link #open} keeps the longest valid prefix of the log and never fails on
 * what a crash leaves behind, so a crash can never make the shard crash-loop; corruption is moved
 * aside into {@code quarantine/}, never deleted. See {@link WalRecovery} for what counts as a torn
 * tail (truncated) and what as corruption (quarantined, reported by {@link
 * #quarantinedFilesAtOpen}).
 *
 * <p><b>The checkpoint.</b> {@code open(dir, capacity, minNextSeq)} promises that the records
 * below {@code minNextSeq} are covered by a checkpoint. When the recovered log ends below it, its
 * files hold only such records: they are deleted (and the directory fsynced) before the new file
 * at {@code minNextSeq} is created, so the log never has a gap between files. A gap at a file
 * boundary below {@code minNextSeq}, left by older versions, is accepted by recovery likewise.
 *
 * <p><b>Truncation.</b> {@link #truncateBefore} deletes whole files whose records all precede a
 * checkpoint. The current file is never deleted, so the next sequence number survives restarts.
 *
 * <p>Directories are fsynced when created, and files when created, deleted or moved.
 *
 * <p>Thread-safe. Lock order: the sync lock, then the write lock; the fsyncs of {@link #sync} run
 * outside the write lock so that appends continue meanwhile.
 */
public final class Wal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
    public static final String MAGIC = "SXWL";
    public static final int VERSION = 1;
    public static final int FILE_HEADER = 16;
    public static final int RECORD_HEADER = 16;
    /** Largest payload of a record, in bytes; recovery takes a longer length for corruption. */
    public static final int MAX_RECORD = 1 << 30;

    private final Path dir;
    private final long capacity;
    private final int maxRecord;
    private final Object writeLock = new Object();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final List<Long> fileFirstSeqs = new ArrayList<>(); // guarded by writeLock
    private final Map<Long, FileChannel> retired = new HashMap<>(); // guarded by writeLock
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
    private final WalRecovery.Result recovered;

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

    private Wal(Path dir, long capacity, int maxRecord, WalRecovery.Result recovered, ChannelOpener opener) {
        this.opener = opener;
        this.dir = dir;
        this.capacity = capacity;
        this.maxRecord = maxRecord;
        this.recovered = recovered;
    }

    /**
     * Opens (creating when missing) the log in {@code dir}, recovering its valid prefix.
     *
     * @param capacityBytes roll files past this size
     * @param minNextSeq the next sequence number is at least this (e.g. checkpoint + 1); every
     *     record below it must be covered by a checkpoint, since files holding only such records
     *     may be deleted
     */
    public static Wal open(Path dir, long capacityBytes, long minNextSeq) {
        return open(dir, capacityBytes, minNextSeq, FileChannel::open);
    }

    static Wal open(Path dir, long capacityBytes, long minNextSeq, ChannelOpener opener) {
        return open(dir, capacityBytes, minNextSeq, opener, MAX_RECORD);
    }

    /** As {@link #open(Path, long, long)}; tests lower {@code maxRecord} to keep records small. */
    static Wal open(Path dir, long capacityBytes, long minNextSeq, ChannelOpener opener, int maxRecord) {
        if (maxRecord < 0 || maxRecord > MAX_RECORD) {
            throw new IllegalArgumentException("maxRecord must be in 0.." + MAX_RECORD + ", got " + maxRecord);
        }
        try {
            AtomicFiles.createDirectories(dir);
            long min = Math.max(1, minNextSeq);
            WalRecovery.Result r = WalRecovery.run(dir, min, maxRecord);
            Wal wal = new Wal(dir, capacityBytes, maxRecord, r, opener);
            if (!r.firstSeqs().isEmpty() && r.nextSeq() < min) {
                // every record held is below the checkpoint; a new file at min would follow a gap
                LOG.info(
                        "WAL in {} ends at seq {}, below the checkpoint's next seq {}: deleting its {} files",
                        dir,
                        r.nextSeq() - 1,
                        min,
                        r.firstSeqs().size());
                for (long first : r.firstSeqs()) {
                    Files.delete(file(dir, first));
                }
                AtomicFiles.fsyncDir(dir);
            } else {
                wal.fileFirstSeqs.addAll(r.firstSeqs());
            }
            long next = Math.max(r.nextSeq(), min);
            if (!wal.fileFirstSeqs.isEmpty()) {
                Path last = file(dir, wal.fileFirstSeqs.getLast());
                wal.current = opener.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
                wal.currentSize = wal.current.size();
                wal.durableSize = wal.currentSize;
                wal.current.position(wal.currentSize);
                wal.currentFirst = wal.fileFirstSeqs.getLast();
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

    /** The log's files, sorted by first seq. */
    static List<Path> listFiles(Path dir) throws IOException {
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
     * current file stays current (repaired like a failed fsync when the force failed). Caller
     * holds the sync lock and then the write lock, so no other force of the file is in flight.
     */
    private void roll(long firstSeq) {
        try {
            current.force(false);
        } catch (IOException e) {
            repairAfterFailedForce(e);
            throw new ServiceException("Failed to fsync WAL in " + dir + ": " + e.getMessage(), e);
        }
        publishDurable(nextSeq - 1, currentSize);
        try {
            startFile(firstSeq);
        } catch (IOException e) {
            throw new ServiceException("Failed to start a new WAL file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a successful force of the current file that covered its first {@code size} bytes and
     * the records up to {@code seq}. Caller holds the sync lock and the write lock.
     */
    private void publishDurable(long seq, long size) {
        durableSize = Math.max(durableSize, size);
        if (seq > durableSeq) {
            durableSeq = seq;
        }
        while (!unsynced.isEmpty() && unsynced.peekFirst().seq() <= seq) {
            unsynced.removeFirst();
        }
    }

    /**
     * After a failed force of the current file: cuts it back to its last durable record; the
     * records written since are rewritten from memory by {@link #rewriteUnsynced}. Caller holds the
     * sync lock (so the force was the only one in flight) and the write lock.
     */
    private void repairAfterFailedForce(IOException cause) {
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
     * @throws UserException (too large) when the payload exceeds {@link #MAX_RECORD} bytes; nothing
     *     is written then
     */
    public long append(byte[] payload) {
        if (payload.length > maxRecord) {
            throw new UserException(
                    UserException.Kind.TOO_LARGE,
                    "Operation too large for the write-ahead log: its record is " + payload.length
                            + " bytes, the limit is " + maxRecord + " bytes; split it into smaller requests");
        }
        synchronized (writeLock) {
            rewriteUnsynced();
            if (!mustRoll(payload.length)) {
                return write(payload);
            }
        }
        // a roll forces the current file, which only happens under the sync lock (class comment)
        syncLock.lock();
        try {
            synchronized (writeLock) {
                rewriteUnsynced();
                if (mustRoll(payload.length)) {
                    roll(nextSeq);
                }
                return write(payload);
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Whether the next record, of {@code payloadLength} bytes, must go to a new file. */
    private boolean mustRoll(int payloadLength) {
        return nextSeq > currentFirst && currentSize + RECORD_HEADER + payloadLength > capacity;
    }

    /** Writes the next record to the current file. Caller holds the write lock. */
    private long write(byte[] payload) {
        long seq = nextSeq;
        int size = RECORD_HEADER + payload.length;
        ByteBuffer buf = ByteBuffer.allocate(size);
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
            // Outside the write lock, appends continue; none can roll (that needs the sync lock),
            // so every record up to target that is not yet durable is in ch.
            long started = System.nanoTime();
            try {
                ch.force(false);
            } catch (IOException e) {
                synchronized (writeLock) {
                    repairAfterFailedForce(e);
                }
                throw new ServiceException("Failed to fsync WAL in " + dir + ": " + e.getMessage(), e);
            }
            fsyncNanos.record(System.nanoTime() - started);
            synchronized (writeLock) {
                publishDurable(target, size);
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

    /** Bytes removed from the log by recovery at open: torn tails cut off, corrupt data quarantined. */
    public long truncatedBytesAtOpen() {
        return recovered.droppedBytes();
    }

    /**
     * Files recovery moved or copied into the quarantine directory at open because the log was
     * corrupt before its end (empty when it was not); the shard reports them. They are never
     * deleted by the log.
     */
    public List<Path> quarantinedFilesAtOpen() {
        return recovered.quarantined();
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
        syncLock.lock(); // the final force is one of the current file's forces (class comment)
        try {
            synchronized (writeLock) {
                closeLocked();
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void closeLocked() {
        try {
            if (current != null && !failed) {
                try {
                    rewriteUnsynced();
                    current.force(false);
                } catch (IOException | ServiceException e) {
                    // whatever was not durable was never acknowledged; the durable prefix is intact
                    LOG.warn("WAL in {}: records after seq {} not durable at close: {}", dir, durableSeq, e.toString());
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
