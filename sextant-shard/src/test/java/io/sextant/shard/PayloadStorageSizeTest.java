package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalShard#payloadStorageBytes}: what strict mode's payload size limit is checked against. */
class PayloadStorageSizeTest {
    @TempDir
    Path tmp;

    @Test
    void payloadStorageBytesFollowFlushedPayloads() {
        try (LocalShard shard = LocalShard.open(tmp.resolve("p"), ShardFixtures.config(8, Distance.DOT), false)) {
            shard.update(ShardFixtures.upsert(new Random(5), 8, 0, 10), true);
            shard.flush();
            long first = shard.payloadStorageBytes();
            assertThat(first).isPositive();
            shard.update(ShardFixtures.upsert(new Random(6), 8, 10, 30), true);
            assertThat(shard.payloadStorageBytes()).as("not flushed yet").isEqualTo(first);
            shard.flush();
            assertThat(shard.payloadStorageBytes()).isGreaterThan(first);
        }
    }
}
