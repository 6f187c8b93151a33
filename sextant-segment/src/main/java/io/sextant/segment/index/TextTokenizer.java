package io.sextant.segment.index;

import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into tokens for the full-text index, per {@link TextIndexParams}:
 *
 * <ul>
 *   <li>{@code word} (also {@code multilingual}, approximated): maximal runs of letters and digits;
 *   <li>{@code whitespace}: maximal runs of non-whitespace;
 *   <li>{@code prefix}: words as {@code word}, indexed additionally under every prefix from {@code
 *       min_token_len} (at least 1) to {@code max_token_len} characters, so a query word matches a
 *       document word it is a prefix of.
 * </ul>
 *
 * Tokens are lowercased when {@code lowercase} is set; words shorter than {@code min_token_len} or
 * longer than {@code max_token_len} code points are dropped (for {@code prefix}, long words are
 * kept and only their prefixes up to the limit are indexed). Immutable and thread-safe.
 */
final class TextTokenizer {
    private final TextIndexParams params;

    TextTokenizer(TextIndexParams params) {
        this.params = params == null ? TextIndexParams.DEFAULT : params;
    }

    boolean isPrefix() {
        return params.tokenizer().equals("prefix");
    }

    /** The words of {@code text} in order (the sequence phrase matching works on). */
    List<String> words(String text) {
        List<String> out = new ArrayList<>();
        boolean whitespace = params.tokenizer().equals("whitespace");
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!isTokenChar(cp, whitespace)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n && isTokenChar(text.codePointAt(i), whitespace)) {
                i += Character.charCount(text.codePointAt(i));
            }
            String word = text.substring(start, i);
            if (params.lowercase()) {
                word = word.toLowerCase(Locale.ROOT);
            }
            int len = word.codePointCount(0, word.length());
            if (params.minTokenLen() != null && len < params.minTokenLen()) {
                continue;
            }
            if (!isPrefix() && params.maxTokenLen() != null && len > params.maxTokenLen()) {
                continue;
            }
            if (isPrefix() && params.maxTokenLen() != null && len > params.maxTokenLen()) {
                word = word.substring(0, word.offsetByCodePoints(0, params.maxTokenLen()));
            }
            out.add(word);
        }
        return out;
    }

    /** The posting-list tokens of the given document words (words, plus prefixes for {@code prefix}). */
    List<String> indexTokens(List<String> words) {
        if (!isPrefix()) {
            return words;
        }
        List<String> out = new ArrayList<>();
        int min = Math.max(1, params.minTokenLen() == null ? 1 : params.minTokenLen());
        for (String w : words) {
            int len = w.codePointCount(0, w.length());
            for (int k = min; k <= len; k++) {
                out.add(w.substring(0, w.offsetByCodePoints(0, k)));
            }
        }
        return out;
    }

    private static boolean isTokenChar(int cp, boolean whitespace) {
        return whitespace ? !Character.isWhitespace(cp) : Character.isLetterOrDigit(cp);
    }
}
