package io.sextant.segment.index;

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
 */
public record PayloadIndexSpec(
        PayloadSchemaType type,
        Boolean isTenant,
        Boolean isPrincipal,
        Boolean onDisk,
        Boolean lookup,
        Boolean range,
        TextIndexParams text) {

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
                || (text != null && !text.equals(TextIndexParams.DEFAULT));
    }

    /**
     * Text index parameters.
     *
     * @param tokenizer "word", "whitespace", "prefix" or "multilingual"
     * @param lowercase lowercase tokens (default true)
     * @param minTokenLen tokens shorter than this are dropped; null = no limit
     * @param maxTokenLen tokens longer than this are dropped; null = no limit
     * @param phraseMatching keep positions for phrase queries
     */
    public record TextIndexParams(
            String tokenizer, boolean lowercase, Integer minTokenLen, Integer maxTokenLen, Boolean phraseMatching) {
        public static final TextIndexParams DEFAULT = new TextIndexParams("word", true, null, null, null);

        public TextIndexParams {
            if (tokenizer == null) {
                tokenizer = "word";
            }
            if (!tokenizer.equals("word")
                    && !tokenizer.equals("whitespace")
                    && !tokenizer.equals("prefix")
                    && !tokenizer.equals("multilingual")) {
                throw new IllegalArgumentException(
                        "Unknown tokenizer: " + tokenizer + ", expected one of word, whitespace, prefix, multilingual");
            }
            if (minTokenLen != null && maxTokenLen != null && minTokenLen > maxTokenLen) {
                throw new IllegalArgumentException(
                        "min_token_len " + minTokenLen + " is greater than max_token_len " + maxTokenLen);
            }
        }
    }
}
