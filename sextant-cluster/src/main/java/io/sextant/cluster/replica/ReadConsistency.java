package io.sextant.cluster.replica;

import java.util.Locale;

/**
 * How many replicas of a shard a read asks, and which points of their answers it keeps: Qdrant's
 * {@code consistency} read parameter. Immutable.
 *
 * <p>As Qdrant's replica set does it (its code, whose names differ from its API description):
 *
 * <ul>
 *   <li>a number {@code n}: ask {@code min(n, replicas)} replicas, keep what all of them returned;
 *   <li>{@code quorum}: ask {@code replicas / 2 + 1}, keep what all of them returned;
 *   <li>{@code majority}: ask every replica, keep what more than half of them returned;
 *   <li>{@code all}: ask every replica, keep what all of them returned.
 * </ul>
 *
 * "Every replica" counts the shard's replicas in the placement, readable or not, so {@code all}
 * fails while a replica is Dead.
 *
 * @param kind which rule
 * @param factor the number for {@link Kind#FACTOR}, else 0
 */
public record ReadConsistency(Kind kind, int factor) {
    /** The rules. */
    public enum Kind {
        FACTOR,
        MAJORITY,
        QUORUM,
        ALL
    }

    /** Qdrant's default: one replica. */
    public static final ReadConsistency ONE = new ReadConsistency(Kind.FACTOR, 1);

    public ReadConsistency {
        if (kind == Kind.FACTOR && factor < 1) {
            throw new IllegalArgumentException("consistency factor must be at least 1, got " + factor);
        }
    }

    /**
     * Parses the query parameter: a positive integer, {@code majority}, {@code quorum} or {@code all}.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static ReadConsistency parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "majority" -> {
                return new ReadConsistency(Kind.MAJORITY, 0);
            }
            case "quorum" -> {
                return new ReadConsistency(Kind.QUORUM, 0);
            }
            case "all" -> {
                return new ReadConsistency(Kind.ALL, 0);
            }
            default -> {
                try {
                    int n = Integer.parseInt(v);
                    if (n >= 1) {
                        return new ReadConsistency(Kind.FACTOR, n);
                    }
                } catch (NumberFormatException e) {
                    // falls through to the error below
                }
                throw new IllegalArgumentException(
                        "consistency must be a positive integer, majority, quorum or all, got '" + value + "'");
            }
        }
    }

    /** How many answers a read of a shard with {@code replicas} replicas needs. */
    public int required(int replicas) {
        return switch (kind) {
            case FACTOR -> Math.max(1, Math.min(factor, replicas));
            case QUORUM -> replicas / 2 + 1;
            case MAJORITY, ALL -> replicas;
        };
    }

    /** In how many of {@code answers} answers a point must appear to be kept. */
    public int keepThreshold(int answers) {
        return kind == Kind.MAJORITY ? answers / 2 + 1 : answers;
    }
}
