package io.sextant.vector;

/**
 * Similarity functions a collection can be configured with. Scores are oriented so that a larger
 * score is always a better match, except for {@link #EUCLID} and {@link #MANHATTAN} whose raw
 * distance is reported as is (smaller is better), exactly as Qdrant reports them.
 */
public enum Distance {
    /** Cosine similarity; vectors are normalized on insert, so the kernel is a dot product. */
    COSINE("Cosine", true),
    /** Euclidean (L2) distance; smaller is better. */
    EUCLID("Euclid", false),
    /** Dot product; larger is better. */
    DOT("Dot", true),
    /** Manhattan (L1) distance; smaller is better. */
    MANHATTAN("Manhattan", false);

    private final String wireName;
    private final boolean higherIsBetter;

    Distance(String wireName, boolean higherIsBetter) {
        this.wireName = wireName;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name used in Qdrant's API ("Cosine", "Euclid", "Dot", "Manhattan"). */
    public String wireName() {
        return wireName;
    }

    /** Whether a larger score means a closer match. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Parses a Qdrant distance name, case-sensitively as Qdrant does. */
    public static Distance fromWireName(String name) {
        for (Distance d : values()) {
            if (d.wireName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "Unknown distance: " + name + ", expected one of Cosine, Euclid, Dot, Manhattan");
    }
}
