package io.sextant.collection;

import io.sextant.segment.config.ShardConfig;
import io.sextant.shard.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test factory: one {@link InMemoryShard} per directory, kept across close/reopen to mimic persistence. */
final class InMemoryShardFactory implements ShardFactory {
    final Map<Path, InMemoryShard> shards = new ConcurrentHashMap<>();

    @Override
    public Shard open(Path dir, ShardConfig config) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        InMemoryShard s = shards.computeIfAbsent(dir.toAbsolutePath(), d -> new InMemoryShard(config));
        s.closed = false;
        return s;
    }
}
