package io.sextant.collection.config;

/**
 * How reads of a replicated shard spread over its replicas: Qdrant's {@code read_fan_out_factor}
 * and {@code read_fan_out_delay_ms} collection params. Immutable; null fields are unset (Qdrant
 * shows an unset field by leaving it out of the collection info).
 *
 * @param factor extra replicas asked up front ({@code read_fan_out_factor}); null = automatic
 *     (none when this peer holds a readable replica, one otherwise)
 * @param delayMs how long to wait for the replicas asked so far before asking one more ({@code
 *     read_fan_out_delay_ms}); null or 0 = never
 */
public record ReadFanOut(Integer factor, Long delayMs) {
    /** Both unset: Qdrant's defaults. */
    public static final ReadFanOut UNSET = new ReadFanOut(null, null);

    public ReadFanOut {
        if (factor != null && factor < 0) {
            throw io.sextant.segment.error.RangeViolation.atLeast("read_fan_out_factor", factor, 0);
        }
        if (delayMs != null && delayMs < 0) {
            throw io.sextant.segment.error.RangeViolation.atLeast("read_fan_out_delay_ms", delayMs, 0);
        }
    }

    /** This with the set fields of {@code diff} replacing ours. */
    public ReadFanOut merge(ReadFanOut diff) {
        if (diff == null) {
            return this;
        }
        return new ReadFanOut(
                diff.factor != null ? diff.factor : factor, diff.delayMs != null ? diff.delayMs : delayMs);
    }

    /** The delay in milliseconds, 0 when unset (no delayed fan-out). */
    public long delayOrZero() {
        return delayMs == null ? 0 : delayMs;
    }
}
