package io.sextant.segment.config;

/**
 * Point expiry of a collection (Sextant's own {@code ttl_config}, issue P13): a point whose payload
 * field {@code field} holds a number of seconds since the Unix epoch at or before now is expired:
 * invisible to every read at once, and deleted by the shard's optimizer thread soon after. Points
 * without the field (or with a non-numeric value) never expire. With {@code defaultTtlSec}, an
 * upserted point that lacks the field gets {@code now + defaultTtlSec} written into it.
 *
 * @param field the payload key holding the expiry (epoch seconds), not empty
 * @param defaultTtlSec seconds to live for points upserted without the field, or null for none
 */
public record TtlSpec(String field, Long defaultTtlSec) {
    public TtlSpec {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("ttl_config.field must be a non-empty payload key");
        }
        if (defaultTtlSec != null && defaultTtlSec < 1) {
            throw new IllegalArgumentException("ttl_config.default_ttl_sec must be at least 1, got " + defaultTtlSec);
        }
    }
}
