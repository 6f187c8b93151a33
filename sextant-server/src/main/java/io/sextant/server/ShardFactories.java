package io.sextant.server;

import io.sextant.collection.ShardFactory;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/**
 * The production {@link ShardFactory}: {@code io.sextant.shard.LocalShard.open(Path, ShardConfig)}.
 * It is bound by a method handle looked up once, so that the server module builds while the storage
 * engine is developed in parallel; if it is missing, opening a shard fails with a clear {@link
 * ServiceException}. Thread-safe.
 */
final class ShardFactories {

    private static final String LOCAL_SHARD = "io.sextant.shard.LocalShard";

    private ShardFactories() {}

    static ShardFactory defaultFactory() {
        MethodHandle open;
        try {
            Class<?> cls = Class.forName(LOCAL_SHARD);
            open = MethodHandles.publicLookup()
                    .findStatic(cls, "open", MethodType.methodType(cls, Path.class, ShardConfig.class));
        } catch (ReflectiveOperationException e) {
            String why = e.toString();
            return (dir, config) -> {
                throw new ServiceException(
                        "The local storage engine (" + LOCAL_SHARD + ".open) is unavailable: " + why);
            };
        }
        return (dir, config) -> {
            try {
                return (Shard) open.invoke(dir, config);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new ServiceException("Opening shard " + dir + " failed: " + t.getMessage(), t);
            }
        };
    }
}
