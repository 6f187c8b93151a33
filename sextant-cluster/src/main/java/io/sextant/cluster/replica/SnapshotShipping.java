package io.sextant.cluster.replica;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.ShardCalls;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.snapshot.ShardFileCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Ships a captured shard to another peer for a {@code snapshot} transfer: every captured file in
 * chunks of at most {@link ShardCalls#INSTALL_CHUNK_BYTES} ({@code InstallChunk}, offset 0 first, so
 * no message is larger than a chunk; an empty path first clears the peer's staging directory), then {@code InstallFinish}, after which the peer's replica is
 * the captured one and its recovery point says it holds the writes up to the capture's tag.
 * Stateless.
 */
final class SnapshotShipping {
    private SnapshotShipping() {}

    /**
     * @return the installed replica's point count
     */
    static long ship(PeerReplicas remotes, long peer, ShardFileCapture.CapturedShard captured, OperationTag upTo) {
        remotes.installChunk(peer, "", 0, new byte[0]); // clears what an earlier transfer staged
        ByteBuffer buf = ByteBuffer.allocate(ShardCalls.INSTALL_CHUNK_BYTES);
        for (ShardFileCapture.CapturedFile f : captured.files()) {
            try (FileChannel ch = FileChannel.open(f.staged(), StandardOpenOption.READ)) {
                long offset = 0;
                do {
                    buf.clear();
                    int n = 0;
                    while (buf.hasRemaining()) {
                        int r = ch.read(buf, offset + n);
                        if (r < 0) {
                            break;
                        }
                        n += r;
                    }
                    remotes.installChunk(peer, f.relativePath(), offset, Arrays.copyOf(buf.array(), n));
                    offset += n;
                } while (offset < f.length());
            } catch (IOException e) {
                throw new ServiceException("Cannot read captured file " + f.relativePath() + ": " + e.getMessage(), e);
            }
        }
        return remotes.installFinish(peer, upTo);
    }
}
