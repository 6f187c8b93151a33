package io.sextant.segment.index;

import io.sextant.segment.text.TextAnalysisOptions;
import io.sextant.segment.text.TokenizerKind;

/**
 * How a payload field is indexed: its type and the type's parameters (Qdrant's {@code
 * field_schema} in its short or parameterized form). Parameters that do not apply to {@code type}
 * are null. Immutable.
 *
 * @param type the field type
 * @param isTenant keyword/uuid: the field partitions data by tenant
 * @param isPrincipal integer/float/datetime: the field is the main filtering field
 * @param onDisk whether the index may live on disk
 * @param lookup integer: support exact match
 * @param range integer: support range queries
 * @param text text indexes only: tokenizer and token settings
 * @param memory Qdrant's {@code memory} placement of the index; null = unset. Accepted and kept
 *     (echoed, persisted) but field indexes are heap structures: see the package documentation
 * @param prefix keyword: Qdrant's {@code prefix} option (prefix matching on this field); null =
 *     unset. Accepted, echoed and persisted; the keyword index answers {@code match prefix} either way,
 *     strict mode counts only an index with {@code prefix: true} as serving it (as Qdrant)
 * @param enableHnsw false: the HNSW graph gets no payload-aware links for this field; null = unset
 *     (true)
 */
public record PayloadIndexSpec(
        PayloadSchemaType type,
        Boolean isTenant,
        Boolean isPrincipal,
        Boolean onDisk,
        Boolean lookup,
        Boolean range,
        TextIndexParams text,
        io.sextant.segment.config.MemoryPlacement memory,
        Boolean prefix,
        Boolean enableHnsw) {

    /** A spec without the keyword {@code prefix} option nor {@code enable_hnsw}. */
    public PayloadIndexSpec(
            PayloadSchemaType type,
            Boolean isTenant,
            Boolean isPrincipal,
            Boolean onDisk,
            Boolean lookup,
            Boolean range,
            TextIndexParams text,
            io.sextant.segment.config.MemoryPlacement memory) {
        this(type, isTenant, isPrincipal, onDisk, lookup, range, text, memory, null, null);
    }

    /**
     * Checks rules Qdrant validates on an index schema: an integer index needs lookup or range.
     *
     * @throws io.sextant.segment.error.UserException (422) otherwise
     */
    public PayloadIndexSpec validated() {
        if (type == PayloadSchemaType.INTEGER && Boolean.FALSE.equals(lookup) && Boolean.FALSE.equals(range)) {
            throw io.sextant.segment.error.UserException.unprocessable(
                    "Validation error: the 'lookup' and 'range' capabilities can't be both disabled");
        }
        return this;
    }

    public boolean linksInHnsw() {
        return !Boolean.FALSE.equals(enableHnsw);
    }

    /** A spec without a {@code memory} placement. */
    public PayloadIndexSpec(
            PayloadSchemaType type,
            Boolean isTenant,
            Boolean isPrincipal,
            Boolean onDisk,
            Boolean lookup,
            Boolean range,
            TextIndexParams text) {
        this(type, isTenant, isPrincipal, onDisk, lookup, range, text, null, null, null);
    }

    public static PayloadIndexSpec of(PayloadSchemaType type) {
        return new PayloadIndexSpec(
                type, null, null, null, null, null, type == PayloadSchemaType.TEXT ? TextIndexParams.DEFAULT : null);
    }

    /** Whether this spec was given with parameters (Qdrant echoes the parameterized form then). */
    public boolean hasParams() {
        return isTenant != null
                || isPrincipal != null
                || onDisk != null
                || lookup != null
                || range != null
                || memory != null
                || prefix != null
                || enableHnsw != null
                || (text != null && !text.equals(TextIndexParams.DEFAULT));
    }

    /**
     * Text index parameters (Qdrant's {@code TextIndexParams}); options given as null were absent
     * and take Qdrant's defaults (no ASCII folding, no stop words, no stemming).
     *
     * @param tokenizer "word", "whitespace", "prefix" or "multilingual"
     * @param lowercase lowercase tokens (default true)
     * @param minTokenLen tokens shorter than this are dropped; null = no limit
     * @param maxTokenLen tokens longer than this are dropped; null = no limit
     * @param phraseMatching keep positions for phrase queries
     * @param asciiFolding fold accented letters to ASCII; null = absent (false)
     * @param stopwords stop words to drop; null = absent (none)
     * @param stemmer stemming algorithm; null = absent (none)
     */
    public record TextIndexParams(
            String tokenizer,
            boolean lowercase,
            Integer minTokenLen,
            Integer maxTokenLen,
            Boolean phraseMatching,
            Boolean asciiFolding,
            TextAnalysisOptions.Stopwords stopwords,
            TextAnalysisOptions.Stemmer stemmer) {
        public static final TextIndexParams DEFAULT = new TextIndexParams("word", true, null, null, null);

        public TextIndexParams {
            if (tokenizer == null) {
                tokenizer = "word";
            }
            TokenizerKind.fromWireName(tokenizer);
            if (minTokenLen != null && maxTokenLen != null && minTokenLen > maxTokenLen) {
                throw new IllegalArgumentException(
                        "min_token_len " + minTokenLen + " is greater than max_token_len " + maxTokenLen);
            }
        }

        /** The parameters that existed before ASCII folding, stop words and stemming. */
        public TextIndexParams(
                String tokenizer, boolean lowercase, Integer minTokenLen, Integer maxTokenLen, Boolean phraseMatching) {
            this(tokenizer, lowercase, minTokenLen, maxTokenLen, phraseMatching, null, null, null);
        }

        /** The text analysis these parameters describe. */
        public TextAnalysisOptions analysis() {
            return new TextAnalysisOptions(
                    TokenizerKind.fromWireName(tokenizer),
                    lowercase,
                    asciiFolding != null && asciiFolding,
                    stopwords,
                    stemmer,
                    minTokenLen,
                    maxTokenLen);
        }
    }
}
