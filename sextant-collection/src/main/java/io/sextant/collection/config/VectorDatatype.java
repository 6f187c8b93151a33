package io.sextant.collection.config;

/** Element type of stored vectors ({@code datatype} in Qdrant). */
public enum VectorDatatype {
    FLOAT32("float32"),
    FLOAT16("float16"),
    UINT8("uint8"),
    /** TurboQuant 4-bit codes (dense vectors only). */
    TURBO4("turbo4");

    private final String wireName;

    VectorDatatype(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static VectorDatatype fromWireName(String name) {
        for (VectorDatatype t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "Unknown vector datatype: " + name + ", expected one of float32, float16, uint8, turbo4");
    }
}
