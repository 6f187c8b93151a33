package io.sextant.segment.index;

import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import io.sextant.segment.text.TextAnalyzer;
import java.util.List;

/**
 * Splits text into tokens for the full-text index, per {@link TextIndexParams}, with the {@link
 * TextAnalyzer} of its options (tokenizer, ASCII folding, lowercase, stop words, stemmer, length
 * limits; see there):
 *
 * <ul>
 *   <li>{@code word}: maximal runs of letters and digits;
 *   <li>{@code whitespace}: maximal runs of non-whitespace;
 *   <li>{@code multilingual}: Unicode word boundaries;
 *   <li>{@code prefix}: words as {@code word}, indexed additionally under their prefixes from
 *       {@code min_token_len} (at least 1) characters, so a query word matches a document word it
 *       is a prefix of.
 * </ul>
 *
 * Words shorter than {@code min_token_len} or longer than {@code max_token_len} code points are
 * dropped (for {@code prefix}, long words are kept and cut to the limit). A {@code prefix} index
 * stores prefixes of at most {@link #PREFIX_INDEX_LIMIT} (or {@code min_token_len}) code points, so indexing a word costs
 * O(length) rather than O(length²); a longer query word is looked up by its first that many code points and checked against the stored words ({@link #needsCheck}).
 * Immutable and thread-safe.
 */
final class TextTokenizer {
    /** Longest prefix a {@code prefix} index stores, in code points. */
    static final int PREFIX_INDEX_LIMIT = 24;

    private final TextAnalyzer analyzer;
    private final int prefixLimit;

    TextTokenizer(TextIndexParams params) {
        TextIndexParams p = params == null ? TextIndexParams.DEFAULT : params;
        this.analyzer = TextAnalyzer.of(p.analysis());
        this.prefixLimit = Math.max(PREFIX_INDEX_LIMIT, p.minTokenLen() == null ? 1 : p.minTokenLen());
    }

    boolean isPrefix() {
        return analyzer.isPrefix();
    }

    /** The words of a document value in order (the sequence phrase matching works on). */
    List<String> words(String text) {
        return analyzer.words(text);
    }

    /** The words of a query, each to be found in the index (for {@code prefix}: as a prefix). */
    List<String> queryWords(String text) {
        return analyzer.queryWords(text);
    }

    /** The posting-list tokens of the given document words (words, plus prefixes for {@code prefix}). */
    List<String> indexTokens(List<String> words) {
        return analyzer.indexTokens(words, prefixLimit);
    }

    /** The posting-list token a query word is looked up under. */
    String lookupToken(String queryWord) {
        if (!needsCheck(queryWord)) {
            return queryWord;
        }
        return queryWord.substring(0, queryWord.offsetByCodePoints(0, prefixLimit));
    }

    /** Whether a hit for {@code queryWord} must be checked against the document's words. */
    boolean needsCheck(String queryWord) {
        return isPrefix()
                && queryWord.length() > prefixLimit
                && queryWord.codePointCount(0, queryWord.length()) > prefixLimit;
    }
}
