package io.sextant.segment.config;

/**
 * How two multivectors (several vectors of one dimension per point) are compared (Qdrant's {@code
 * multivector_config.comparator}).
 *
 * <p>{@link #MAX_SIM}: for each query vector the best similarity among the document's vectors,
 * summed over the query vectors (late interaction, as ColBERT scores).
 */
public enum MultiVectorComparator {
    MAX_SIM;

    public String wireName() {
        return "max_sim";
    }

    public static MultiVectorComparator fromWireName(String s) {
        if ("max_sim".equals(s)) {
            return MAX_SIM;
        }
        throw new IllegalArgumentException("Unknown multivector comparator '" + s + "', expected max_sim");
    }
}
