package io.sextant.segment.text;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How text is split into words, by Qdrant's tokenizer names. Immutable.
 *
 * <ul>
 *   <li>{@link #WORD}: maximal runs of alphanumeric characters (Unicode Alphabetic or Numeric),
 *       everything else separates words;
 *   <li>{@link #WHITESPACE}: maximal runs of characters that are not Unicode White_Space;
 *   <li>{@link #PREFIX}: words as {@code word}; a document is indexed under every prefix of each
 *       word, a query word is looked up as-is, so it matches the words it begins;
 *   <li>{@link #MULTILINGUAL}: Unicode (UAX #29) word boundaries, dropping tokens without a
 *       letter; CJK ideographs and kana become one token each.
 * </ul>
 */
public enum TokenizerKind {
    WORD("word"),
    WHITESPACE("whitespace"),
    PREFIX("prefix"),
    MULTILINGUAL("multilingual");

    private final String wireName;

    TokenizerKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * @throws IllegalArgumentException for a name that is not one of the four
     */
    public static TokenizerKind fromWireName(String name) {
        for (TokenizerKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("Unknown tokenizer: " + name + ", expected one of "
                + Arrays.stream(values()).map(TokenizerKind::wireName).collect(Collectors.joining(", ")));
    }
}
