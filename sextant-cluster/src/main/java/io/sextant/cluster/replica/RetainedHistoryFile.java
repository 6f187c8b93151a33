package io.sextant.cluster.replica;

import io.sextant.cluster.shard.PointOperationWire;
import io.sextant.collection.AtomicFiles;
import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk form of a shard primary's {@link RetainedOperations}: an append-only log of what
 * changed in it, replayed at open, so the incarnation, the tick, the retained writes and which
 * replicas were known complete survive a clean restart and a kill -9. One file per shard, {@code
 * <collection dir>/shards/<shard id>.retained}, next to the shard's directory (deleted with the
 * collection).
 *
 * <p><b>File format, version 2</b> (big-endian):
 *
 * <pre>
 * header   u8[4] magic "SXRH", u32 format version = 2
 * record   u32 n (body length, 1 .. 256 MiB), u32 CRC32C of the body, u8[n] body
 * body     u8 kind, then per kind:
 *  1 STATE     u64 incarnation, u64 last tick, u64 last local seq,
 *              u32 k, k x (u64 peer, u64 tick it was known complete at),
 *              u32 m, m x u64 peer that missed a write since its stream began
 *              (a new incarnation, or the head of a compacted file: clears the retained writes)
 *  2 WRITE     u64 tick, u64 local WAL seq, point operation ({@link PointOperationWire})
 *  3 LOCAL     u64 local WAL seq of a write this peer made without ordering it (a transfer barrier)
 *  4 COMPLETE  u64 peer, u64 tick
 *  5 FORGET    u64 peer
 *  6 MISSED    u64 peer
 *  7 BASE      u64 first tick of the current incarnation, then this peer's position in the
 *              previous primary's run when the incarnation began: u64 incarnation (0 = unknown),
 *              u64 first tick, u64 last tick (written after every STATE; version 2)
 * </pre>
 *
 * Version 1 is the same without BASE records; a version-1 file is read as such (its incarnation's
 * base unknown) and rewritten as version 2 when it is opened.
 *
 * <b>Recovery:</b> records are read until the first one that is short, has a bad length, a bad
 * CRC or an undecodable body; that record and everything after it are a torn tail, cut off (the
 * file is truncated there) and logged. A missing file, a bad header or an unknown version reads as
 * empty, with the reason kept ({@link Loaded#problem}): the primary then starts a new incarnation,
 * so every replica is repaired by {@code stream_records}, never by a delta from a history it cannot
 * trust.
 *
 * <p><b>Durability:</b> appends are not fsynced. Each record is appended after the local apply it
 * describes returned (its WAL record fsynced) and before anything it describes leaves this peer (the
 * forward is queued after it), so the file is always a prefix of what the primary did; kill -9
 * loses nothing (the page cache survives), and a power loss can lose only a suffix, which the open
 * check of {@link RetainedOperations} catches (the history's last local seq is then behind the
 * local replica's). Compaction ({@link #rewrite}) writes a temp file, fsyncs it, renames it over the
 * log and fsyncs the directory.
 *
 * <p>Not thread-safe: {@link RetainedOperations} calls it under its own lock.
 */
final class RetainedHistoryFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedHistoryFile.class);
    static final byte[] MAGIC = "SXRH".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int HEADER = 8;
    static final int MAX_BODY = 256 << 20;

    /** One change of the retained history. */
    sealed interface Record {}

    record State(long incarnation, long lastTick, long lastLocalSeq, Map<Long, Long> completeAt, Set<Long> missed)
            implements Record {}

    record Write(long tick, long localSeq, PointOperation operation) implements Record {}

    record Local(long localSeq) implements Record {}

    record Complete(long peer, long tick) implements Record {}

    record Forget(long peer) implements Record {}

    record Missed(long peer) implements Record {}

    /**
     * The first tick of the current incarnation, and this peer's position in the previous
     * primary's run when it began ({@code base}, unknown when not provable).
     */
    record Base(long firstTick, io.sextant.cluster.shard.RecoveryPoint base) implements Record {}

    /**
     * What was read at open.
     *
     * @param records the valid records in order
     * @param problem why the file could not be used at all (null when it could, or was missing)
     * @param cutBytes bytes of torn tail cut off
     */
    record Loaded(List<Record> records, String problem, long cutBytes) {}

    private final Path file;
    private FileChannel channel;
    private long size;

    private RetainedHistoryFile(Path file) {
        this.file = file;
    }

    /** Opens (reading and repairing) the history in {@code file}. */
    static RetainedHistoryFile open(Path file, List<Record> into, String[] problem) {
        RetainedHistoryFile h = new RetainedHistoryFile(file);
        Loaded loaded = h.load();
        into.addAll(loaded.records());
        problem[0] = loaded.problem();
        return h;
    }

    private Loaded load() {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), null, 0);
        } catch (IOException e) {
            return new Loaded(List.of(), "cannot read " + file + ": " + e.getMessage(), 0);
        }
        int version = all.length < HEADER ? -1 : ByteBuffer.wrap(all, 4, 4).getInt();
        if (all.length < HEADER
                || !Arrays.equals(Arrays.copyOf(all, 4), MAGIC)
                || (version != VERSION && version != 1)) {
            String why = "the retained history " + file + " has a bad header or an unknown version";
            LOG.warn("{}: starting a new incarnation", why);
            return new Loaded(List.of(), why, all.length);
        }
        List<Record> records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(all);
        int pos = HEADER;
        while (pos + 8 <= all.length) {
            int n = b.getInt(pos);
            int crc = b.getInt(pos + 4);
            if (n < 1 || n > MAX_BODY || pos + 8L + n > all.length) {
                break;
            }
            CRC32C c = new CRC32C();
            c.update(all, pos + 8, n);
            if ((int) c.getValue() != crc) {
                break;
            }
            try {
                records.add(decode(Arrays.copyOfRange(all, pos + 8, pos + 8 + n)));
            } catch (RuntimeException e) {
                break;
            }
            pos += 8 + n;
        }
        long cut = all.length - pos;
        if (cut > 0) {
            LOG.warn(
                    "Retained history {}: cut {} bytes of torn or corrupt tail after {} records",
                    file,
                    cut,
                    records.size());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(pos);
                ch.force(true);
            } catch (IOException e) {
                return new Loaded(List.of(), "cannot cut the torn tail of " + file + ": " + e.getMessage(), cut);
            }
        }
        size = pos;
        if (version == 1) { // upgraded in place: version-2 records may follow
            rewrite(records);
        }
        return new Loaded(records, null, cut);
    }

    /** Appends {@code r} (not fsynced; see the class comment). */
    void append(Record r) {
        try {
            if (channel == null) {
                if (size < HEADER) {
                    rewrite(List.of()); // a missing or unusable file starts over with a header
                }
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
            }
            ByteBuffer framed = frame(encode(r));
            int n = framed.remaining();
            long at = size;
            while (framed.hasRemaining()) {
                at += channel.write(framed, at);
            }
            size += n;
        } catch (IOException e) {
            throw new ServiceException(
                    "Cannot append to the retained history " + file + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    /** Replaces the file by {@code records} atomically (compaction, or a fresh start). */
    void rewrite(List<Record> records) {
        closeChannel();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            long written = HEADER;
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer header =
                        ByteBuffer.allocate(HEADER).put(MAGIC).putInt(VERSION).flip();
                writeFully(ch, header);
                for (Record r : records) {
                    ByteBuffer f = frame(encode(r));
                    written += f.remaining();
                    writeFully(ch, f);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDir(file.getParent());
            size = written;
        } catch (IOException e) {
            throw new ServiceException(
                    "Cannot rewrite the retained history " + file + ": " + e.getMessage(), new UncheckedIOException(e));
        }
    }

    /** Bytes in the file. */
    long size() {
        return size;
    }

    /** Deletes the file (the local replica was dropped). */
    void delete() {
        closeChannel();
        try {
            Files.deleteIfExists(file);
            size = 0;
        } catch (IOException e) {
            LOG.warn("Cannot delete the retained history {}: {}", file, e.toString());
        }
    }

    Path file() {
        return file;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static ByteBuffer frame(byte[] body) {
        CRC32C c = new CRC32C();
        c.update(body);
        return ByteBuffer.allocate(8 + body.length)
                .putInt(body.length)
                .putInt((int) c.getValue())
                .put(body)
                .flip();
    }

    static byte[] encode(Record r) {
        BinaryWriter w = new BinaryWriter();
        switch (r) {
            case State s -> {
                w.u8(1)
                        .i64(s.incarnation())
                        .i64(s.lastTick())
                        .i64(s.lastLocalSeq())
                        .i32(s.completeAt().size());
                s.completeAt().forEach((peer, tick) -> w.i64(peer).i64(tick));
                w.i32(s.missed().size());
                s.missed().forEach(w::i64);
            }
            case Write x -> w.u8(2).i64(x.tick()).i64(x.localSeq()).bytes(PointOperationWire.encode(x.operation()));
            case Local l -> w.u8(3).i64(l.localSeq());
            case Complete c -> w.u8(4).i64(c.peer()).i64(c.tick());
            case Forget f -> w.u8(5).i64(f.peer());
            case Missed m -> w.u8(6).i64(m.peer());
            case Base b ->
                w.u8(7)
                        .i64(b.firstTick())
                        .i64(b.base().incarnation())
                        .i64(b.base().first())
                        .i64(b.base().last());
        }
        return w.toByteArray();
    }

    static Record decode(byte[] body) {
        if (body.length > 17 && body[0] == 2) { // WRITE: the operation runs to the end of the body
            ByteBuffer b = ByteBuffer.wrap(body, 1, 16);
            long tick = b.getLong();
            long seq = b.getLong();
            return new Write(tick, seq, PointOperationWire.decode(Arrays.copyOfRange(body, 17, body.length)));
        }
        return BinaryReader.decode(body, "retained history record", r -> switch (r.u8()) {
            case 1 -> {
                long inc = r.i64();
                long tick = r.i64();
                long seq = r.i64();
                int k = r.count(16);
                Map<Long, Long> complete = new java.util.HashMap<>();
                for (int i = 0; i < k; i++) {
                    complete.put(r.i64(), r.i64());
                }
                int m = r.count(8);
                Set<Long> missed = new java.util.HashSet<>();
                for (int i = 0; i < m; i++) {
                    missed.add(r.i64());
                }
                yield new State(inc, tick, seq, complete, missed);
            }
            case 3 -> new Local(r.i64());
            case 4 -> new Complete(r.i64(), r.i64());
            case 5 -> new Forget(r.i64());
            case 6 -> new Missed(r.i64());
            case 7 -> {
                long firstTick = r.i64();
                long inc = r.i64();
                long first = r.i64();
                long last = r.i64();
                yield new Base(
                        firstTick,
                        inc == 0
                                ? io.sextant.cluster.shard.RecoveryPoint.UNKNOWN
                                : new io.sextant.cluster.shard.RecoveryPoint(inc, first, last));
            }
            default -> throw r.corrupt("unknown record kind");
        });
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing {}: {}", file, e.toString());
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        closeChannel();
    }
}
