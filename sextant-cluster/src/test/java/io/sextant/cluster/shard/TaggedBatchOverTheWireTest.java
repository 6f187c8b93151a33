package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TaggedBatch} through the real internal shard service: consecutive tagged writes in one
 * call are applied in order and advance the replica's recovery point to the last tick, continuing
 * a run; a batch that does not continue it starts a new one. Also prints the writes per second of
 * a {@code wal_delta}-shaped catch-up sent one write per call (the old way) and in batches, in
 * the same run (a measurement, not an assertion).
 */
class TaggedBatchOverTheWireTest {
    @TempDir
    Path tmp;

    private static PointOperation upsert(long id) {
        return new PointOperation.Upsert(List.of(
                new PointOperation.PointStruct(PointId.of(id), Map.of("", new float[] {1, 2, 3, id % 7}), null)));
    }

    private static List<PointOperation> writes(int from, int n) {
        List<PointOperation> ops = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            ops.add(
                    i % 10 == 9
                            ? new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(i - 5))))
                            : upsert(i));
        }
        return ops;
    }

    @Test
    void aBatchAppliesInOrderAndAdvancesTheRun() throws Exception {
        try (LocalShard shard = LocalShard.open(tmp.resolve("shard"), RemoteShardTest.config());
                ShardServicePeer peer = new ShardServicePeer(tmp.resolve("peer"));
                PeerChannels channels = new PeerChannels()) {
            peer.serve("c", shard);
            RemoteShard remote =
                    new RemoteShard(channels, peer.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(20)));
            remote.updateTagged(upsert(0), true, new OperationTag(9, 1));
            remote.updateTaggedBatch(writes(1, 20), true, new OperationTag(9, 2));
            assertThat(remote.recoveryPoint()).isEqualTo(new RecoveryPoint(9, 1, 21));
            assertThat(shard.count(null, true)).isEqualTo(21 - 2 * 2); // ids 4 and 14 deleted by writes 9, 19
            // a batch that skips ticks starts a new run at its first tick
            remote.updateTaggedBatch(writes(30, 3), true, new OperationTag(9, 40));
            assertThat(remote.recoveryPoint()).isEqualTo(new RecoveryPoint(9, 40, 42));
        }
    }

    @Test
    void printsWritesPerSecondOneByOneAgainstBatched() throws Exception {
        int n = Integer.getInteger("sextant.deltaBench.writes", 60);
        try (LocalShard one = LocalShard.open(tmp.resolve("one"), RemoteShardTest.config());
                LocalShard batched = LocalShard.open(tmp.resolve("batched"), RemoteShardTest.config());
                ShardServicePeer peer = new ShardServicePeer(tmp.resolve("peer"));
                PeerChannels channels = new PeerChannels()) {
            peer.serve("one", one);
            peer.serve("batched", batched);
            ShardCallTimeouts t = ShardCallTimeouts.all(Duration.ofSeconds(30));
            RemoteShard r1 = new RemoteShard(channels, peer.address, "one", 0, t);
            RemoteShard r2 = new RemoteShard(channels, peer.address, "batched", 0, t);
            double[] perCall = new double[2];
            double[] perBatch = new double[2];
            for (int round = 0; round < 2; round++) { // alternating order, fresh ticks each round
                List<PointOperation> ops = writes(round * n, n);
                long tick = 1 + (long) round * n;
                for (int k = 0; k < 2; k++) {
                    boolean batchedFirst = round == 1;
                    if ((k == 0) == batchedFirst) {
                        long s = System.nanoTime();
                        for (int i = 0; i < ops.size(); i += 512) {
                            List<PointOperation> part = ops.subList(i, Math.min(ops.size(), i + 512));
                            r2.updateTaggedBatch(part, true, new OperationTag(5, tick + i));
                        }
                        perBatch[round] = n / ((System.nanoTime() - s) / 1e9);
                    } else {
                        long s = System.nanoTime();
                        for (int i = 0; i < ops.size(); i++) {
                            r1.updateTagged(ops.get(i), true, new OperationTag(5, tick + i));
                        }
                        perCall[round] = n / ((System.nanoTime() - s) / 1e9);
                    }
                }
            }
            System.out.printf(
                    "wal_delta catch-up over the internal API, %d writes per round: one call+fsync per write %.0f / %.0f"
                            + " writes/s, batches of 512 %.0f / %.0f writes/s (rounds 1/2), load %s%n",
                    n,
                    perCall[0],
                    perCall[1],
                    perBatch[0],
                    perBatch[1],
                    java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
            assertThat(r1.recoveryPoint()).isEqualTo(new RecoveryPoint(5, 1, 2L * n));
            assertThat(r2.recoveryPoint()).isEqualTo(new RecoveryPoint(5, 1, 2L * n));
            assertThat(batched.count(null, true)).isEqualTo(one.count(null, true));
        }
    }
}
