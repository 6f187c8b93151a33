package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.TtlSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads of a shard with a TTL against the optimizer thread deleting the expired points. */
class PointExpiryShardTest {
    @TempDir
    Path tmp;

    private static ShardConfig ttlConfig() {
        ShardConfig c = ShardFixtures.config(4, Distance.DOT);
        return new ShardConfig(
                c.vectors(),
                c.sparseVectors(),
                c.optimizer(),
                c.wal(),
                c.payloadMemory(),
                new TtlSpec("expire_at", null));
    }

    /**
     * An expired point must never be retrieved, also not while {@code removeExpired} deletes it.
     * Retrieve once located the point, then asked the segments which points matched "expired": a
     * delete landing in between hid the point from the second step (deleted points match nothing),
     * so the expired point was returned.
     */
    @Test
    void retrieveNeverReturnsAnExpiredPointWhileItIsBeingDeleted() throws Exception {
        Random r = new Random(5);
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), ttlConfig())) {
            for (int round = 0; round < 300; round++) {
                PointId id = PointId.of(round);
                ObjectNode payload = JsonNodeFactory.instance.objectNode();
                payload.put("expire_at", System.currentTimeMillis() / 1000.0 - 60);
                shard.update(
                        new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                id, Map.of("", ShardFixtures.randomVector(r, 4)), payload))),
                        true);
                AtomicBoolean deleted = new AtomicBoolean();
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread deleter = new Thread(() -> {
                    try {
                        // 1, or 0 when the optimizer thread's own pass deleted it first
                        assertThat(shard.removeExpired()).isBetween(0L, 1L);
                    } catch (Throwable e) {
                        failed.set(e);
                    } finally {
                        deleted.set(true);
                    }
                });
                deleter.start();
                int reads = 0;
                do {
                    List<PointRecord> got = shard.retrieve(List.of(id), PayloadSelector.ALL, VectorSelector.NONE);
                    assertThat(got)
                            .as("round %d, read %d: the point expired a minute ago", round, reads)
                            .isEmpty();
                    reads++;
                } while (!deleted.get());
                deleter.join();
                assertThat(failed.get()).isNull();
                assertThat(shard.info().pointsCount())
                        .as("round %d: deleted, not only hidden", round)
                        .isZero();
            }
        }
    }
}
