package io.sextant.segment.index;

/** The type of a payload field index, named as in Qdrant's {@code field_schema}. */
public enum PayloadSchemaType {
    KEYWORD("keyword"),
    INTEGER("integer"),
    FLOAT("float"),
    BOOL("bool"),
    GEO("geo"),
    DATETIME("datetime"),
    TEXT("text"),
    UUID("uuid");

    private final String wireName;

    PayloadSchemaType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static PayloadSchemaType fromWireName(String name) {
        for (PayloadSchemaType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown field schema: " + name
                + ", expected one of keyword, integer, float, bool, geo, datetime, text, uuid");
    }
}
