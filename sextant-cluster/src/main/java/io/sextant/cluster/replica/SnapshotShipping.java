package io.sextant.cluster.replica;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.ShardCalls;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.snapshot.ShardFileCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Ships a captured shard to another peer for a {@code snapshot} transfer (and a recovered
 * snapshot's shard files to the peer that installs them, {@link #shipForRecovery}): every file in
 * chunks of at most {@link ShardCalls#INSTALL_CHUNK_BYTES} ({@code InstallChunk}; an empty path first
 * clears the peer's staging directory), then {@code InstallFinish}, after which the peer's replica is
 * the captured one and its recovery point says it holds the writes up to the capture's tag.
 *
 * <p>Up to {@link #CHUNKS_IN_FLIGHT} chunks are on the wire at once (one virtual thread each), so
 * the link and both disks stay busy instead of waiting one round trip per 4 MiB. Order that keeps
 * the install correct: the clear is acknowledged before any chunk is sent; a file's chunk at offset
 * 0 (which creates or truncates the staged file) is acknowledged before any later chunk of that file
 * is sent, and the later chunks write at their own offsets, so they may land in any order;
 * {@code InstallFinish} is sent only after every chunk was acknowledged. A failed chunk fails the
 * shipping (no further chunks are sent; the ones in flight are awaited) and the transfer with it. No
 * message is larger than a chunk, and at most {@code CHUNKS_IN_FLIGHT + 1} chunks are held in memory.
 * Throttled by {@code cluster.transfer.points_per_second} through the same {@link TransferPace} as
 * {@code stream_records}, in bytes: a chunk is handed out only once the bytes up to its end are due
 * at that many points per second times the shard's bytes per point. Stateless.
 */
final class SnapshotShipping {

    /**
     * The most {@code InstallChunk} calls in flight at once: 4, or the JVM system property {@code
     * sextant.transfer.snapshot_chunks_in_flight} (at least 1; for benchmarks: 1 ships one chunk at
     * a time, as before).
     */
    static final int CHUNKS_IN_FLIGHT =
            Math.max(1, Integer.getInteger("sextant.transfer.snapshot_chunks_in_flight", 4));

    private SnapshotShipping() {}

    /**
     * @return the installed replica's point count
     */
    static long ship(
            PeerReplicas remotes,
            long peer,
            ShardFileCapture.CapturedShard captured,
            OperationTag upTo,
            int pointsPerSecond) {
        return ship(
                remotes,
                peer,
                captured,
                upTo,
                ShardCalls.INSTALL_CHUNK_BYTES,
                CHUNKS_IN_FLIGHT,
                TransferPace.forBytes(pointsPerSecond, captured.bytes(), captured.pointCount()));
    }

    /** As {@link #ship(PeerReplicas, long, ShardFileCapture.CapturedShard, OperationTag, int)} with the chunking and pace given. */
    static long ship(
            PeerReplicas remotes,
            long peer,
            ShardFileCapture.CapturedShard captured,
            OperationTag upTo,
            int chunkBytes,
            int inFlight,
            TransferPace pace) {
        sendFiles(remotes, peer, captured, chunkBytes, inFlight, pace);
        return remotes.installFinish(peer, upTo);
    }

    /**
     * Ships the files under {@code dir} (a recovered snapshot's shard, on this peer) to the replica
     * on {@code peer} and has that peer recover its replica from them by {@code priority} ({@code
     * RecoverStaged}), unthrottled: the user asked for this recovery and waits for it.
     *
     * @return the outcome on that peer ({@link SnapshotRecoveryInstall.Outcome} name)
     */
    static String shipForRecovery(PeerReplicas remotes, long peer, java.nio.file.Path dir, String priority) {
        List<ShardFileCapture.CapturedFile> files = new ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path f :
                    walk.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                long n = java.nio.file.Files.size(f);
                files.add(new ShardFileCapture.CapturedFile(dir.relativize(f).toString(), f, n));
            }
        } catch (IOException e) {
            throw new ServiceException("Cannot read the recovered shard files in " + dir + ": " + e.getMessage(), e);
        }
        sendFiles(
                remotes,
                peer,
                new ShardFileCapture.CapturedShard(dir, 0, 0, files),
                ShardCalls.INSTALL_CHUNK_BYTES,
                CHUNKS_IN_FLIGHT,
                TransferPace.of(0));
        return remotes.recoverStaged(peer, priority);
    }

    /** Ships every captured file (the clear first, then the chunks), without finishing. */
    private static void sendFiles(
            PeerReplicas remotes,
            long peer,
            ShardFileCapture.CapturedShard captured,
            int chunkBytes,
            int inFlight,
            TransferPace pace) {
        remotes.installChunk(peer, "", 0, new byte[0]); // clears what an earlier transfer staged
        Semaphore slots = new Semaphore(inFlight);
        List<Future<?>> sent = new ArrayList<>();
        RuntimeException failure = null;
        long[] shipped = {0};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (ShardFileCapture.CapturedFile f : captured.files()) {
                    shipFile(remotes, peer, f, new Chunking(chunkBytes, slots, pool, sent, pace, shipped));
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                awaitAll(sent); // also after a failure: nothing stays in flight behind the caller's back
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * How one shipping cuts and sends its chunks.
     *
     * @param shipped bytes handed out so far (one element; the shipping thread only)
     */
    private record Chunking(
            int chunkBytes,
            Semaphore slots,
            ExecutorService pool,
            List<Future<?>> sent,
            TransferPace pace,
            long[] shipped) {
        /** Counts a chunk of {@code n} bytes about to go out, pausing until it is due. */
        void due(int n) {
            shipped[0] += n;
            pace.sent(shipped[0]);
        }
    }

    private static void shipFile(PeerReplicas remotes, long peer, ShardFileCapture.CapturedFile f, Chunking c) {
        int chunkBytes = c.chunkBytes();
        Semaphore slots = c.slots();
        List<Future<?>> sent = c.sent();
        try (FileChannel ch = FileChannel.open(f.staged(), StandardOpenOption.READ)) {
            byte[] first = read(ch, 0, chunkBytes);
            c.due(first.length);
            slots.acquireUninterruptibly(); // counts against the bound like any chunk
            try {
                remotes.installChunk(peer, f.relativePath(), 0, first); // creates the file: before the rest
            } finally {
                slots.release();
            }
            long offset = first.length;
            while (offset < f.length()) {
                failFast(sent);
                c.due((int) Math.min(chunkBytes, f.length() - offset));
                slots.acquireUninterruptibly();
                byte[] data;
                try {
                    data = read(ch, offset, chunkBytes);
                } catch (IOException | RuntimeException e) {
                    slots.release();
                    throw e;
                }
                if (data.length == 0) {
                    slots.release();
                    break; // the file is shorter than captured: cannot happen for a staged capture
                }
                long at = offset;
                sent.add(c.pool().submit(() -> {
                    try {
                        remotes.installChunk(peer, f.relativePath(), at, data);
                    } finally {
                        slots.release();
                    }
                }));
                offset += data.length;
            }
        } catch (IOException e) {
            throw new ServiceException("Cannot read captured file " + f.relativePath() + ": " + e.getMessage(), e);
        }
    }

    /** Up to {@code max} bytes of {@code ch} from {@code offset} (fewer only at the end of the file). */
    private static byte[] read(FileChannel ch, long offset, int max) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(max);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                break;
            }
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    /** Throws the failure of a chunk that already failed, so no more chunks go out after it. */
    private static void failFast(List<Future<?>> sent) {
        for (Future<?> f : sent) {
            if (f.isDone()) {
                get(f);
            }
        }
        sent.removeIf(f -> f.isDone());
    }

    private static void awaitAll(List<Future<?>> sent) {
        RuntimeException first = null;
        for (Future<?> f : sent) {
            try {
                get(f);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void get(Future<?> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new ServiceException("Shipping a snapshot chunk failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted while shipping a snapshot", e);
        }
    }
}
