package io.sextant.cluster.shard;

import java.time.Duration;

/**
 * Deadlines of internal shard calls by kind ({@link ShardCall.Deadline}): a call that gets no
 * answer in time fails with a service error naming the peer instead of hanging. Immutable.
 *
 * @param update updates (a {@code wait=true} update may wait for the optimizer)
 * @param search searches and sparse statistics
 * @param read retrieve, scroll, count and info
 */
public record ShardCallTimeouts(Duration update, Duration search, Duration read) {
    /** 30 s for every kind. */
    public static final ShardCallTimeouts DEFAULT =
            new ShardCallTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

    public ShardCallTimeouts {
        for (Duration d : new Duration[] {update, search, read}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("shard call timeouts must be positive, got " + d);
            }
        }
    }

    /** The same deadline for every kind. */
    public static ShardCallTimeouts all(Duration d) {
        return new ShardCallTimeouts(d, d, d);
    }

    public Duration of(ShardCall.Deadline kind) {
        return switch (kind) {
            case UPDATE -> update;
            case SEARCH -> search;
            case READ -> read;
        };
    }
}
