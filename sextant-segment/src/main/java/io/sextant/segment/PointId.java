package io.sextant.segment;

import java.util.UUID;

/**
 * A point's external id: an unsigned 64-bit integer or a UUID, as in Qdrant. Numeric ids sort
 * before UUIDs; numeric ids compare as unsigned values. Immutable.
 */
public sealed interface PointId extends Comparable<PointId> {

    /** A numeric id; {@code value} holds the unsigned 64-bit number. */
    record Num(long value) implements PointId {
        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }

    /** A UUID id. */
    record Uuid(UUID value) implements PointId {
        @Override
        public String toString() {
            return value.toString();
        }
    }

    static PointId of(long unsignedValue) {
        return new Num(unsignedValue);
    }

    static PointId of(UUID uuid) {
        return new Uuid(uuid);
    }

    /**
     * Parses the textual form: a decimal unsigned 64-bit integer or a UUID in any form {@link
     * UUID#fromString} accepts with 36 characters.
     */
    static PointId parse(String text) {
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            try {
                return new Num(Long.parseUnsignedLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Point id " + text + " does not fit an unsigned 64-bit integer");
            }
        }
        try {
            if (text.length() == 36 || text.length() == 32) {
                String t = text.length() == 32
                        ? text.substring(0, 8) + "-" + text.substring(8, 12) + "-" + text.substring(12, 16) + "-"
                                + text.substring(16, 20) + "-" + text.substring(20)
                        : text;
                return new Uuid(UUID.fromString(t));
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new IllegalArgumentException(
                "Unable to parse point id: " + text + " is neither an unsigned integer nor a UUID");
    }

    @Override
    default int compareTo(PointId o) {
        if (this instanceof Num a) {
            return o instanceof Num b ? Long.compareUnsigned(a.value, b.value) : -1;
        }
        Uuid a = (Uuid) this;
        return o instanceof Uuid b ? a.value.compareTo(b.value) : 1;
    }
}
