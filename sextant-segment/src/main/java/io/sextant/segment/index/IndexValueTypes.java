package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.payload.PayloadValues;

/**
 * Which single payload values each index type accepts; shared by the indexes (a value they do
 * not accept makes the point "foreign" to the index, see {@link FieldIndex}) and by {@link
 * PayloadTypeCheck}. Null is accepted by every type and indexed as nothing. Stateless.
 */
final class IndexValueTypes {
    private IndexValueTypes() {}

    static boolean accepts(PayloadSchemaType type, JsonNode v) {
        if (v.isNull()) {
            return true;
        }
        return switch (type) {
            case KEYWORD, TEXT -> v.isTextual();
            case INTEGER -> PayloadValues.asInteger(v) != null;
            case FLOAT -> v.isNumber();
            case BOOL -> v.isBoolean();
            case GEO -> PayloadValues.asGeoPoint(v) != null;
            case DATETIME -> PayloadValues.asDateTimeMicros(v) != null;
            case UUID -> v.isTextual() && PayloadValues.isUuid(v.textValue());
        };
    }

    /** What the type expects, for error messages. */
    static String expected(PayloadSchemaType type) {
        return switch (type) {
            case KEYWORD -> "keyword (string)";
            case TEXT -> "text (string)";
            case INTEGER -> "integer";
            case FLOAT -> "float (number)";
            case BOOL -> "bool";
            case GEO -> "geo point ({\"lon\": -180..180, \"lat\": -90..90})";
            case DATETIME -> "datetime (RFC 3339 string)";
            case UUID -> "uuid (36-character string)";
        };
    }
}
