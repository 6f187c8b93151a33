package io.sextant.collection;

/**
 * A shard key of a custom-sharded collection ({@code sharding_method: custom}): a keyword or an
 * unsigned 64-bit number, as in Qdrant. Two keys are equal when they are of the same kind and equal
 * value (the keyword {@code "1"} and the number 1 are different keys). Immutable.
 *
 * @param keyword the keyword, or null for a number key
 * @param number the number (unsigned; only meaningful when {@code keyword} is null)
 */
public record ShardKey(String keyword, long number) {

    public ShardKey {
        if (keyword != null && number != 0) {
            throw new IllegalArgumentException("a keyword shard key has no number");
        }
    }

    public static ShardKey of(String keyword) {
        if (keyword == null) {
            throw new IllegalArgumentException("shard key keyword must not be null");
        }
        return new ShardKey(keyword, 0);
    }

    public static ShardKey of(long number) {
        return new ShardKey(null, number);
    }

    public boolean isKeyword() {
        return keyword != null;
    }

    /** Qdrant's display form: a keyword in double quotes, a number as unsigned decimal. */
    @Override
    public String toString() {
        return keyword != null ? "\"" + keyword + "\"" : Long.toUnsignedString(number);
    }
}
