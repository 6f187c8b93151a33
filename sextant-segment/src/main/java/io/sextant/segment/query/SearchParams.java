package io.sextant.segment.query;

/**
 * Per-request search parameters ({@code params} in Qdrant): graph beam width, forcing exact
 * search, and searching only indexed segments. Null means "use the default".
 */
public record SearchParams(Integer hnswEf, boolean exact, boolean indexedOnly) {
    public static final SearchParams DEFAULT = new SearchParams(null, false, false);
}
