package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.Shard;
import io.sextant.shard.UpdateResult;
import io.sextant.shard.snapshot.ShardFileCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotShipping}: bounded parallel chunks that still install the exact files. */
class SnapshotShippingTest {

    @TempDir
    Path dir;

    /** A peer that stages chunks as the shard service does (offset 0 truncates), slowly, counting concurrency. */
    private static final class StagingPeer implements PeerReplicas {
        final Map<String, byte[]> files = new ConcurrentHashMap<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile String failOn;

        @Override
        public Shard replica(long peerId) {
            return null;
        }

        @Override
        public UpdateResult writeAsPrimary(long peerId, PointOperation operation, boolean wait) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void installChunk(long peerId, String path, long offset, byte[] data) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(5);
                if (path.equals(failOn) && offset > 0) {
                    throw new ServiceException("link down");
                }
                calls.add(path + "@" + offset);
                if (path.isEmpty()) {
                    files.clear();
                    return;
                }
                synchronized (files) {
                    if (offset == 0) {
                        files.put(path, new byte[0]);
                    }
                    byte[] old = files.get(path);
                    assertThat(old)
                            .as("chunk %s@%d before the file's first chunk", path, offset)
                            .isNotNull();
                    byte[] grown = java.util.Arrays.copyOf(old, (int) Math.max(old.length, offset + data.length));
                    System.arraycopy(data, 0, grown, (int) offset, data.length);
                    files.put(path, grown);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public long installFinish(long peerId, OperationTag upTo) {
            calls.add("finish");
            return 42;
        }
    }

    private ShardFileCapture.CapturedShard capture(long seed, int... sizes) throws Exception {
        Random random = new Random(seed);
        List<ShardFileCapture.CapturedFile> files = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = new byte[sizes[i]];
            random.nextBytes(b);
            Path p = dir.resolve("f" + i);
            Files.write(p, b);
            files.add(new ShardFileCapture.CapturedFile("seg/f" + i, p, b.length));
        }
        return new ShardFileCapture.CapturedShard(dir, 1, 42, files);
    }

    @Test
    void chunksGoOutInParallelAndTheStagedFilesAreExact() throws Exception {
        long seed = System.nanoTime();
        ShardFileCapture.CapturedShard captured = capture(seed, 1000, 0, 37, 5003, 64);
        StagingPeer peer = new StagingPeer();
        long points = SnapshotShipping.ship(peer, 7, captured, new OperationTag(1, 1), 64, 4, TransferPace.of(0));
        assertThat(points).isEqualTo(42);
        assertThat(peer.calls.getFirst()).as("the clear first").isEqualTo("@0");
        assertThat(peer.calls.getLast()).as("the finish last").isEqualTo("finish");
        for (ShardFileCapture.CapturedFile f : captured.files()) {
            assertThat(peer.files.get(f.relativePath()))
                    .as("seed %d: %s", seed, f.relativePath())
                    .isEqualTo(Files.readAllBytes(f.staged()));
        }
        assertThat(peer.maxInFlight.get())
                .as("bounded, and more than one at once")
                .isBetween(2, 4);
    }

    @Test
    void aFailedChunkFailsTheShippingAndNoFinishIsSent() throws Exception {
        ShardFileCapture.CapturedShard captured = capture(1, 2000, 2000);
        StagingPeer peer = new StagingPeer();
        peer.failOn = "seg/f0";
        assertThatThrownBy(() ->
                        SnapshotShipping.ship(peer, 7, captured, new OperationTag(1, 1), 64, 4, TransferPace.of(0)))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("link down");
        assertThat(peer.calls).doesNotContain("finish");
        assertThat(peer.inFlight.get()).as("nothing left in flight").isZero();
    }

    @Test
    void theShippingIsHeldToTheTransferRateInBytes() throws Exception {
        ShardFileCapture.CapturedShard captured = capture(2, 1000, 37, 300); // 1337 bytes, 42 points
        StagingPeer peer = new StagingPeer();
        long[] now = {0};
        List<Long> pauses = Collections.synchronizedList(new ArrayList<>());
        // 21 points per second for 42 points: the shard's 1337 bytes are due over 2 s
        double rate = TransferPace.bytesPerSecond(21, captured.bytes(), captured.pointCount());
        assertThat(rate).isEqualTo(1337 / 2.0);
        TransferPace pace = new TransferPace(rate, () -> now[0], nanos -> {
            pauses.add(nanos);
            now[0] += nanos; // the clock moves only while the shipping waits
        });
        SnapshotShipping.ship(peer, 7, captured, new OperationTag(1, 1), 64, 4, pace);
        assertThat(now[0])
                .as("paused until the last chunk was due: all bytes at the rate")
                .isEqualTo((long) (1337 * 1e9 / rate));
        assertThat(pauses)
                .as("a pause before every chunk, until its bytes are due")
                .hasSize(16 + 1 + 5);
        for (ShardFileCapture.CapturedFile f : captured.files()) {
            assertThat(peer.files.get(f.relativePath())).isEqualTo(Files.readAllBytes(f.staged()));
        }
        assertThat(TransferPace.bytesPerSecond(0, 1337, 42)).as("0 = no limit").isZero();
        assertThat(TransferPace.forBytes(0, 1337, 42).limited()).isFalse();
    }
}
