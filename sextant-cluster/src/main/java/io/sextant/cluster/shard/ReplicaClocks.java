package io.sextant.cluster.shard;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side of the {@code wal_delta} transfer: for each local replica, the {@link
 * RecoveryPoint} of the tagged writes it applied, kept across kill -9 in one small file per replica
 * under {@code <storage>/cluster/replica_clocks/}, named {@code <hex of the collection name's UTF-8
 * bytes>-<shard id>.clock}.
 *
 * <p><b>Rules</b> (one lock per replica, held around the write, so the point always describes the
 * replica's data):
 *
 * <ul>
 *   <li>A tagged write of the current run's incarnation whose tick is at most one past the last
 *       one and not below the first (the next write, or a write sent again by a delta) is applied,
 *       then the point's {@code last} becomes its tick. A replayed delta may move {@code last}
 *       back; the writes after it are then sent again, which converges (every write sets state).
 *   <li>Any other tagged write (another incarnation, a gap, or no point yet) first makes the point
 *       unknown (on disk, fsynced), is applied, and then starts a new run at its tick.
 *   <li>An untagged write (a transfer batch, the clear that starts a transfer) first makes the point
 *       unknown (fsynced), then is applied.
 *   <li>A write that fails leaves the point unknown.
 * </ul>
 *
 * The replica does not decide whether the run is complete: the primary does ({@code
 * RetainedOperations} in the replica package), from when it last knew the replica complete.
 *
 * <p>With the point, each clock keeps the local WAL sequence number of the last tagged write it
 * recorded ({@code UpdateResult.operationId}, -1 when unknown): a peer that becomes the primary
 * asks {@link #pointAt} whether its replica's last write before its own first one was that
 * write, i.e. whether the point still describes its replica exactly (the base of {@code wal_delta}
 * across a primary change).
 *
 * <p><b>File format, version 2</b>, 44 bytes, big-endian, rewritten in place:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXRC"
 * offset 4   u32    format version = 2
 * offset 8   u64    incarnation (0 = unknown)
 * offset 16  u64    first tick of the run
 * offset 24  u64    last tick applied
 * offset 32  i64    local WAL sequence number of that write (-1 = unknown)
 * offset 40  u32    CRC32C of bytes 0..39
 * </pre>
 *
 * Version 1 (written before the sequence number was kept) is the same without offset 32: 36
 * bytes, CRC32C of bytes 0..31 at offset 32; it is read with the sequence number unknown and
 * rewritten as version 2 at the next change. A missing, short, corrupt or unknown-version file
 * reads as {@link RecoveryPoint#UNKNOWN} (logged):
 * the worst outcome is a full {@code stream_records} transfer instead of a delta, never a replica
 * declared complete by mistake. <b>Durability:</b> a known point is written after the write it
 * records was applied, and {@code LocalShard.update} returns only after its WAL record was fsynced,
 * so the file never claims a write the WAL may lack; advancing {@code last} is not fsynced (after a
 * power loss it may be behind, which only resends writes), the switch to unknown is.
 *
 * <p>Thread-safe.
 */
public final class ReplicaClocks {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaClocks.class);
    static final byte[] MAGIC = "SXRC".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int SIZE = 44;
    static final int SIZE_V1 = 36;

    private final Path dir;
    private final Map<String, Clock> clocks = new ConcurrentHashMap<>();

    private ReplicaClocks(Path dir) {
        this.dir = dir;
    }

    /** Clocks kept in files under {@code dir} (created on the first write). */
    public static ReplicaClocks open(Path dir) {
        return new ReplicaClocks(dir);
    }

    /** Clocks kept in memory only (tests, services without storage). */
    public static ReplicaClocks inMemory() {
        return new ReplicaClocks(null);
    }

    /** The recovery point of the local replica of shard {@code shardId} of {@code collection}. */
    public RecoveryPoint point(String collection, int shardId) {
        Clock c = clock(collection, shardId);
        synchronized (c) {
            return c.point;
        }
    }

    /**
     * The recovery point of the local replica of shard {@code shardId} of {@code collection} if its
     * last recorded tagged write was the local WAL write {@code localSeq}, else {@link
     * RecoveryPoint#UNKNOWN}: then the point no longer describes the replica (another write came
     * after it, or the number is unknown).
     */
    public RecoveryPoint pointAt(String collection, int shardId, long localSeq) {
        Clock c = clock(collection, shardId);
        synchronized (c) {
            return localSeq >= 0 && c.localSeq == localSeq ? c.point : RecoveryPoint.UNKNOWN;
        }
    }

    /** Applies a tagged write by {@code apply} and records it. */
    public <T> T applyTagged(String collection, int shardId, OperationTag tag, Supplier<T> apply) {
        return applyTaggedBatch(collection, shardId, tag, tag, apply);
    }

    /**
     * Applies the consecutive tagged writes {@code first} .. {@code last} (one incarnation) by {@code
     * apply} and records them as {@link #applyTagged} would one by one: the run goes on when {@code
     * first} continues it, else a new run starts at {@code first}; when {@code apply} fails the
     * point is unknown (some of the writes may be applied).
     */
    public <T> T applyTaggedBatch(
            String collection, int shardId, OperationTag first, OperationTag last, Supplier<T> apply) {
        if (first.incarnation() != last.incarnation() || last.tick() < first.tick()) {
            throw new IllegalArgumentException("bad tagged batch " + first + ".." + last);
        }
        Clock c = clock(collection, shardId);
        synchronized (c) {
            RecoveryPoint p = c.point;
            boolean inRun = p.known()
                    && p.incarnation() == first.incarnation()
                    && first.tick() >= p.first()
                    && first.tick() <= p.last() + 1;
            if (!inRun) {
                c.set(RecoveryPoint.UNKNOWN, -1, true);
            }
            T result = applyOrForget(c, apply);
            c.set(
                    new RecoveryPoint(last.incarnation(), inRun ? p.first() : first.tick(), last.tick()),
                    result instanceof io.sextant.shard.UpdateResult u ? u.operationId() : -1,
                    false);
            return result;
        }
    }

    /**
     * Installs a replica shipped by a {@code snapshot} transfer by {@code install}: the point is
     * unknown (fsynced) while it runs, then {@code (incarnation, tick, tick)} of {@code upTo}
     * (fsynced): the installed files hold the primary's writes up to that tick.
     */
    public <T> T installed(String collection, int shardId, OperationTag upTo, Supplier<T> install) {
        Clock c = clock(collection, shardId);
        synchronized (c) {
            c.set(RecoveryPoint.UNKNOWN, -1, true);
            T result = install.get();
            c.set(new RecoveryPoint(upTo.incarnation(), upTo.tick(), upTo.tick()), -1, true);
            return result;
        }
    }

    /** Applies an untagged write by {@code apply}: the point becomes unknown first. */
    public <T> T applyUntagged(String collection, int shardId, Supplier<T> apply) {
        Clock c = clock(collection, shardId);
        synchronized (c) {
            c.set(RecoveryPoint.UNKNOWN, -1, true);
            return apply.get();
        }
    }

    private static <T> T applyOrForget(Clock c, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (RuntimeException e) {
            c.set(RecoveryPoint.UNKNOWN, -1, true);
            throw e;
        }
    }

    private Clock clock(String collection, int shardId) {
        String name = HexFormat.of().formatHex(collection.getBytes(StandardCharsets.UTF_8)) + "-" + shardId + ".clock";
        return clocks.computeIfAbsent(name, n -> new Clock(dir == null ? null : dir.resolve(n)));
    }

    /** A clock file's content: the point and the local WAL sequence number of its last write. */
    record Stored(RecoveryPoint point, long localSeq) {
        static final Stored UNKNOWN = new Stored(RecoveryPoint.UNKNOWN, -1);
    }

    /** Encodes {@code point} in the file layout (version 2). */
    static byte[] encode(RecoveryPoint point, long localSeq) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC)
                .putInt(VERSION)
                .putLong(point.incarnation())
                .putLong(point.first())
                .putLong(point.last())
                .putLong(localSeq);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * Decodes a clock file; anything but a valid version-2 file, or version-1 file (its sequence
     * number unknown), is unknown.
     */
    static Stored decode(byte[] bytes, String what) {
        int version = bytes.length >= 8 ? ByteBuffer.wrap(bytes, 4, 4).getInt() : -1;
        int size = version == 1 ? SIZE_V1 : SIZE;
        if (bytes.length != size) {
            LOG.warn("Replica clock {} has {} bytes, not {}: reading it as unknown", what, bytes.length, size);
            return Stored.UNKNOWN;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        b.get(magic);
        b.getInt();
        long incarnation = b.getLong();
        long first = b.getLong();
        long last = b.getLong();
        long localSeq = version == 1 ? -1 : b.getLong();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, size - 4);
        if (!java.util.Arrays.equals(magic, MAGIC)
                || (version != VERSION && version != 1)
                || b.getInt() != (int) crc.getValue()) {
            LOG.warn("Replica clock {} is corrupt or of an unknown version: reading it as unknown", what);
            return Stored.UNKNOWN;
        }
        try {
            return new Stored(new RecoveryPoint(incarnation, first, last), localSeq);
        } catch (IllegalArgumentException e) {
            LOG.warn("Replica clock {}: {}; reading it as unknown", what, e.getMessage());
            return Stored.UNKNOWN;
        }
    }

    /** One replica's point and its file (null in memory). */
    private static final class Clock {
        private final Path file;
        private FileChannel channel; // opened on the first write
        private RecoveryPoint point;
        /** The local WAL sequence number of the last recorded tagged write, -1 when unknown. */
        private long localSeq;

        Clock(Path file) {
            this.file = file;
            Stored s = file == null ? Stored.UNKNOWN : read(file);
            this.point = s.point();
            this.localSeq = s.localSeq();
        }

        private static Stored read(Path file) {
            try {
                return decode(Files.readAllBytes(file), file.toString());
            } catch (NoSuchFileException e) {
                return Stored.UNKNOWN;
            } catch (IOException e) {
                LOG.warn("Cannot read replica clock {}: {}; reading it as unknown", file, e.toString());
                return Stored.UNKNOWN;
            }
        }

        /**
         * Records {@code p}, reached by the local write {@code seq} (callers hold the lock); {@code
         * sync} forces it to disk.
         */
        void set(RecoveryPoint p, long seq, boolean sync) {
            boolean unchanged = p.equals(point) && seq == localSeq;
            if (unchanged && !sync) {
                return;
            }
            point = p;
            localSeq = seq;
            if (file == null || unchanged) {
                return;
            }
            try {
                if (channel == null) {
                    Files.createDirectories(file.getParent());
                    channel = FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                }
                ByteBuffer b = ByteBuffer.wrap(encode(p, seq));
                long pos = 0;
                while (b.hasRemaining()) {
                    pos += channel.write(b, pos);
                }
                if (sync) {
                    channel.force(false);
                }
            } catch (IOException e) {
                point = RecoveryPoint.UNKNOWN;
                localSeq = -1;
                throw new ServiceException(
                        "Cannot write replica clock " + file + ": " + e.getMessage(), new UncheckedIOException(e));
            }
        }
    }
}
