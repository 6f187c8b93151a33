package io.sextant.segment.query;

/**
 * Per-request search parameters ({@code params} in Qdrant): graph beam width, forcing exact
 * search, searching only indexed segments, and how quantized codes are used. Null means "use the
 * default".
 *
 * @param hnswEf beam width of graph search; null = the vector's {@code ef_construct}
 * @param exact scan every vector exactly (no graph, no quantization)
 * @param indexedOnly skip segments that should have a vector index but do not have it yet
 * @param quantization quantization parameters; null = {@link QuantizationParams#DEFAULT}
 * @param idfCorpus for a sparse vector with the {@code idf} modifier: document statistics are
 *     counted over the points matching this filter ({@code params.idf.corpus}); null = over all
 *     points ({@code "global"})
 */
public record SearchParams(
        Integer hnswEf,
        boolean exact,
        boolean indexedOnly,
        QuantizationParams quantization,
        io.sextant.segment.filter.Filter idfCorpus) {
    public static final SearchParams DEFAULT = new SearchParams(null, false, false, null, null);

    public SearchParams {
        if (hnswEf != null && hnswEf < 1) {
            throw new IllegalArgumentException("hnsw_ef must be >= 1, got " + hnswEf);
        }
        if (quantization == null) {
            quantization = QuantizationParams.DEFAULT;
        }
    }

    public SearchParams(Integer hnswEf, boolean exact, boolean indexedOnly) {
        this(hnswEf, exact, indexedOnly, null, null);
    }

    public SearchParams(Integer hnswEf, boolean exact, boolean indexedOnly, QuantizationParams quantization) {
        this(hnswEf, exact, indexedOnly, quantization, null);
    }

    /**
     * Qdrant's {@code QuantizationSearchParams}.
     *
     * @param ignore search the original vectors even when codes exist
     * @param rescore re-score the candidates found with codes on the original vectors; null = true
     * @param oversampling fetch {@code ceil(limit * oversampling)} candidates with codes before
     *     rescoring; null = 1, at least 1
     */
    public record QuantizationParams(boolean ignore, Boolean rescore, Double oversampling) {
        public static final QuantizationParams DEFAULT = new QuantizationParams(false, null, null);

        public QuantizationParams {
            if (oversampling != null && !(oversampling >= 1.0)) {
                throw new IllegalArgumentException("oversampling must be >= 1, got " + oversampling);
            }
        }

        public boolean effectiveRescore() {
            return rescore == null || rescore;
        }

        public double effectiveOversampling() {
            return oversampling == null ? 1.0 : oversampling;
        }
    }
}
