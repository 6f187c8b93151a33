package io.sextant.collection;

import io.sextant.shard.LocalShard;
import java.util.List;

/** Shard factories the collection tests run against: the in-memory test shard and the real LocalShard. */
public final class TestShards {
    private TestShards() {}

    public static List<String> kinds() {
        return List.of("memory", "local");
    }

    public static ShardFactory factory(String kind) {
        return kind.equals("local") ? LocalShard::open : new InMemoryShardFactory();
    }
}
