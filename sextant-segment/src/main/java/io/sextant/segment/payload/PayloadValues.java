package io.sextant.segment.payload;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition.GeoPoint;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Typed readings of single JSON payload values, shared by filter evaluation, payload indexes and
 * the payload type check so that all three agree on what a value is. Stateless and thread-safe.
 *
 * <ul>
 *   <li>integer: a JSON integer that fits a signed 64-bit long, or a finite float with an integral
 *       value in that range ({@code 3.0} is the integer 3; Qdrant is stricter here).
 *   <li>datetime: an RFC 3339 string {@code 2024-01-02T03:04:05.678Z}, with an offset, without
 *       one (UTC), with a space instead of {@code T}, or a plain date (midnight UTC); read as
 *       epoch microseconds.
 *   <li>geo point: an object with numeric {@code lon} in [-180, 180] and {@code lat} in [-90, 90].
 * </ul>
 */
public final class PayloadValues {
    private PayloadValues() {}

    /** The value as a long integer, or null when it is not an integer. */
    public static Long asInteger(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? v.longValue() : null;
        }
        double d = v.doubleValue();
        if (Double.isFinite(d) && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
            return (long) d;
        }
        return null;
    }

    /** The value as epoch microseconds when it is an RFC 3339 datetime string, else null. */
    public static Long asDateTimeMicros(JsonNode v) {
        return v != null && v.isTextual() ? parseDateTimeMicros(v.textValue()) : null;
    }

    /** Parses a datetime string (forms in the class comment) to epoch microseconds, or null. */
    public static Long parseDateTimeMicros(String text) {
        String t = text.strip();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        try {
            if (t.length() == 10) {
                return toMicros(LocalDate.parse(t).atStartOfDay().toEpochSecond(ZoneOffset.UTC), 0);
            }
            if (t.endsWith("Z") || t.endsWith("z") || hasOffset(t)) {
                OffsetDateTime odt = OffsetDateTime.parse(t.endsWith("z") ? t.substring(0, t.length() - 1) + "Z" : t);
                return toMicros(odt.toEpochSecond(), odt.getNano());
            }
            LocalDateTime ldt = LocalDateTime.parse(t);
            return toMicros(ldt.toEpochSecond(ZoneOffset.UTC), ldt.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    private static boolean hasOffset(String t) {
        int tIdx = t.indexOf('T');
        if (tIdx < 0) {
            return false;
        }
        return t.indexOf('+', tIdx) > 0 || t.indexOf('-', tIdx) > 0;
    }

    private static long toMicros(long epochSecond, int nanos) {
        return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanos / 1000);
    }

    /** The value as a geo point, or null when it is not an object with valid {@code lon} and {@code lat}. */
    public static GeoPoint asGeoPoint(JsonNode v) {
        if (v == null || !v.isObject()) {
            return null;
        }
        JsonNode lon = v.get("lon");
        JsonNode lat = v.get("lat");
        if (lon == null || lat == null || !lon.isNumber() || !lat.isNumber()) {
            return null;
        }
        double x = lon.doubleValue();
        double y = lat.doubleValue();
        if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) {
            return null;
        }
        return new GeoPoint(x, y);
    }

    /** Whether the string is a UUID in the 36-character hyphenated form. */
    public static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A short description of a value's JSON type for error messages. */
    public static String typeName(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> v.isIntegralNumber() ? "integer" : "float";
            case BOOLEAN -> "bool";
            case OBJECT -> "object";
            case ARRAY -> "array";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
