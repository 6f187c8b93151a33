package io.sextant.collection.strict;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A collection's strict mode settings (Qdrant's {@code strict_mode_config}): limits a request must
 * respect while {@code enabled} is true. Every field is optional (null = no limit, or the default
 * behaviour); a {@link #merge patch} replaces only the fields it sets, so a limit once set cannot be
 * unset by sending null (as in Qdrant). Immutable; the maps are unmodifiable copies.
 *
 * @param enabled whether the limits are enforced
 * @param maxQueryLimit largest {@code limit} of a read (for groups: {@code limit × group_size})
 * @param maxTimeout largest {@code timeout} query parameter, seconds
 * @param unindexedFilteringRetrieve false: read filters may only use indexed keys
 * @param unindexedFilteringUpdate false: update filters may only use indexed keys
 * @param searchMaxHnswEf largest {@code hnsw_ef}
 * @param searchAllowExact false: exact search (and full scans without HNSW) are refused
 * @param searchMaxOversampling largest quantization {@code oversampling}
 * @param upsertMaxBatchsize most points in one upsert or vector update
 * @param searchMaxBatchsize most searches in one batch request
 * @param maxCollectionVectorSizeBytes writes are refused once vector storage reaches this size
 * @param readRateLimit read tokens per minute (a token bucket per collection)
 * @param writeRateLimit write tokens per minute
 * @param maxCollectionPayloadSizeBytes writes are refused once payload storage reaches this size
 * @param maxPointsCount writes are refused once the collection holds this many points
 * @param filterMaxConditions most conditions in one filter (nested ones included)
 * @param conditionMaxSize most values in one condition ({@code match.any}, {@code has_id}, …)
 * @param multivectorMaxVectors per multivector name: most vectors in one point
 * @param sparseMaxLength per sparse vector name: most indices in one vector
 * @param maxPayloadIndexCount most payload indexes in the collection
 * @param maxResidentMemoryPercent accepted and shown (Qdrant deprecated it in 1.19); not enforced
 */
public record StrictModeConfig(
        Boolean enabled,
        Integer maxQueryLimit,
        Integer maxTimeout,
        Boolean unindexedFilteringRetrieve,
        Boolean unindexedFilteringUpdate,
        Integer searchMaxHnswEf,
        Boolean searchAllowExact,
        Double searchMaxOversampling,
        Integer upsertMaxBatchsize,
        Integer searchMaxBatchsize,
        Long maxCollectionVectorSizeBytes,
        Integer readRateLimit,
        Integer writeRateLimit,
        Long maxCollectionPayloadSizeBytes,
        Long maxPointsCount,
        Integer filterMaxConditions,
        Integer conditionMaxSize,
        Map<String, Integer> multivectorMaxVectors,
        Map<String, Integer> sparseMaxLength,
        Integer maxPayloadIndexCount,
        Integer maxResidentMemoryPercent) {

    /** What a collection created without {@code strict_mode_config} has: shown as {@code {"enabled": false}}. */
    public static final StrictModeConfig DISABLED = builder().enabled(false).build();

    public StrictModeConfig {
        multivectorMaxVectors = multivectorMaxVectors == null ? null : copy(multivectorMaxVectors);
        sparseMaxLength = sparseMaxLength == null ? null : copy(sparseMaxLength);
    }

    private static Map<String, Integer> copy(Map<String, Integer> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Whether the limits apply. */
    public boolean isEnabled() {
        return Boolean.TRUE.equals(enabled);
    }

    /** This config with every field that {@code patch} sets replaced by the patch's value. */
    public StrictModeConfig merge(StrictModeConfig patch) {
        return new StrictModeConfig(
                or(patch.enabled, enabled),
                or(patch.maxQueryLimit, maxQueryLimit),
                or(patch.maxTimeout, maxTimeout),
                or(patch.unindexedFilteringRetrieve, unindexedFilteringRetrieve),
                or(patch.unindexedFilteringUpdate, unindexedFilteringUpdate),
                or(patch.searchMaxHnswEf, searchMaxHnswEf),
                or(patch.searchAllowExact, searchAllowExact),
                or(patch.searchMaxOversampling, searchMaxOversampling),
                or(patch.upsertMaxBatchsize, upsertMaxBatchsize),
                or(patch.searchMaxBatchsize, searchMaxBatchsize),
                or(patch.maxCollectionVectorSizeBytes, maxCollectionVectorSizeBytes),
                or(patch.readRateLimit, readRateLimit),
                or(patch.writeRateLimit, writeRateLimit),
                or(patch.maxCollectionPayloadSizeBytes, maxCollectionPayloadSizeBytes),
                or(patch.maxPointsCount, maxPointsCount),
                or(patch.filterMaxConditions, filterMaxConditions),
                or(patch.conditionMaxSize, conditionMaxSize),
                or(patch.multivectorMaxVectors, multivectorMaxVectors),
                or(patch.sparseMaxLength, sparseMaxLength),
                or(patch.maxPayloadIndexCount, maxPayloadIndexCount),
                or(patch.maxResidentMemoryPercent, maxResidentMemoryPercent));
    }

    private static <T> T or(T patched, T current) {
        return patched != null ? patched : current;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a config field by field (tests and the JSON reader); unset fields stay null. */
    public static final class Builder {
        private final Object[] v = new Object[21];

        private Builder set(int i, Object value) {
            v[i] = value;
            return this;
        }

        public Builder enabled(Boolean x) {
            return set(0, x);
        }

        public Builder maxQueryLimit(Integer x) {
            return set(1, x);
        }

        public Builder maxTimeout(Integer x) {
            return set(2, x);
        }

        public Builder unindexedFilteringRetrieve(Boolean x) {
            return set(3, x);
        }

        public Builder unindexedFilteringUpdate(Boolean x) {
            return set(4, x);
        }

        public Builder searchMaxHnswEf(Integer x) {
            return set(5, x);
        }

        public Builder searchAllowExact(Boolean x) {
            return set(6, x);
        }

        public Builder searchMaxOversampling(Double x) {
            return set(7, x);
        }

        public Builder upsertMaxBatchsize(Integer x) {
            return set(8, x);
        }

        public Builder searchMaxBatchsize(Integer x) {
            return set(9, x);
        }

        public Builder maxCollectionVectorSizeBytes(Long x) {
            return set(10, x);
        }

        public Builder readRateLimit(Integer x) {
            return set(11, x);
        }

        public Builder writeRateLimit(Integer x) {
            return set(12, x);
        }

        public Builder maxCollectionPayloadSizeBytes(Long x) {
            return set(13, x);
        }

        public Builder maxPointsCount(Long x) {
            return set(14, x);
        }

        public Builder filterMaxConditions(Integer x) {
            return set(15, x);
        }

        public Builder conditionMaxSize(Integer x) {
            return set(16, x);
        }

        public Builder multivectorMaxVectors(Map<String, Integer> x) {
            return set(17, x);
        }

        public Builder sparseMaxLength(Map<String, Integer> x) {
            return set(18, x);
        }

        public Builder maxPayloadIndexCount(Integer x) {
            return set(19, x);
        }

        public Builder maxResidentMemoryPercent(Integer x) {
            return set(20, x);
        }

        @SuppressWarnings("unchecked")
        public StrictModeConfig build() {
            return new StrictModeConfig(
                    (Boolean) v[0],
                    (Integer) v[1],
                    (Integer) v[2],
                    (Boolean) v[3],
                    (Boolean) v[4],
                    (Integer) v[5],
                    (Boolean) v[6],
                    (Double) v[7],
                    (Integer) v[8],
                    (Integer) v[9],
                    (Long) v[10],
                    (Integer) v[11],
                    (Integer) v[12],
                    (Long) v[13],
                    (Long) v[14],
                    (Integer) v[15],
                    (Integer) v[16],
                    (Map<String, Integer>) v[17],
                    (Map<String, Integer>) v[18],
                    (Integer) v[19],
                    (Integer) v[20]);
        }
    }
}
