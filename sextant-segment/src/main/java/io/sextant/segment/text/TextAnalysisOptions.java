package io.sextant.segment.text;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a {@link TextAnalyzer} does, in Qdrant's terms: the tokenizer, then per token ASCII folding,
 * lowercasing, stop word removal, stemming and the length limits, in that order. Immutable.
 *
 * @param tokenizer how text is split into words
 * @param lowercase lowercase tokens (Qdrant's default: true)
 * @param asciiFolding fold accented letters to ASCII, e.g. "ação" → "acao" (default: false)
 * @param stopwords words to drop; null = none
 * @param stemmer how words are reduced to their stem; null or {@link Stemmer#NONE} = not at all
 * @param minTokenLen tokens of fewer code points are dropped; null = no limit
 * @param maxTokenLen tokens of more code points are dropped (for {@code prefix}: cut to this
 *     length); null = no limit
 */
public record TextAnalysisOptions(
        TokenizerKind tokenizer,
        boolean lowercase,
        boolean asciiFolding,
        Stopwords stopwords,
        Stemmer stemmer,
        Integer minTokenLen,
        Integer maxTokenLen) {

    /** Qdrant's full-text index defaults: {@code word}, lowercase, nothing else. */
    public static final TextAnalysisOptions DEFAULT =
            new TextAnalysisOptions(TokenizerKind.WORD, true, false, null, null, null, null);

    public TextAnalysisOptions {
        if (tokenizer == null) {
            tokenizer = TokenizerKind.WORD;
        }
        if (minTokenLen != null && minTokenLen < 0) {
            throw new IllegalArgumentException("min_token_len must be >= 0, got " + minTokenLen);
        }
        if (maxTokenLen != null && maxTokenLen < 0) {
            throw new IllegalArgumentException("max_token_len must be >= 0, got " + maxTokenLen);
        }
        if (minTokenLen != null && maxTokenLen != null && minTokenLen > maxTokenLen) {
            throw new IllegalArgumentException(
                    "min_token_len " + minTokenLen + " is greater than max_token_len " + maxTokenLen);
        }
    }

    /**
     * Qdrant's {@code stopwords}: either one language ({@code "english"}) or a set {@code
     * {"languages": [...], "custom": [...]}} whose parts may each be absent. Languages are kept by
     * their canonical names, languages and custom words sorted and without repeats (Qdrant keeps
     * both as ordered sets and shows them so). Immutable.
     *
     * @param language the short form's language, or null for the set form
     * @param languages the set form's languages, or null when absent
     * @param custom the set form's own words, or null when absent
     */
    public record Stopwords(String language, List<String> languages, List<String> custom) {
        public Stopwords {
            if (language != null) {
                if (languages != null || custom != null) {
                    throw new IllegalArgumentException(
                            "Stopwords are one language or a set, got language " + language + " and a set");
                }
                language = canonicalLanguage(language);
            }
            if (languages != null) {
                TreeSet<String> sorted = new TreeSet<>();
                for (String l : languages) {
                    sorted.add(canonicalLanguage(l));
                }
                languages = List.copyOf(sorted);
            }
            if (custom != null) {
                custom = List.copyOf(new TreeSet<>(custom));
            }
        }

        /** The short form: the stop words of one language. */
        public static Stopwords language(String language) {
            return new Stopwords(language, null, null);
        }

        /** The set form; either part may be null (absent). */
        public static Stopwords set(List<String> languages, List<String> custom) {
            return new Stopwords(null, languages, custom);
        }

        /** Every language named, in either form. */
        public List<String> allLanguages() {
            List<String> out = new ArrayList<>();
            if (language != null) {
                out.add(language);
            }
            if (languages != null) {
                out.addAll(languages);
            }
            return out;
        }

        private static String canonicalLanguage(String name) {
            String c = Languages.stopwordLanguage(name);
            if (c == null) {
                throw new IllegalArgumentException("Unknown stopwords language: " + name + ", expected one of "
                        + String.join(", ", Languages.stopwordLanguages()));
            }
            return c;
        }
    }

    /**
     * Qdrant's {@code stemmer}: {@code {"type": "snowball", "language": "english"}}, or {@code
     * {"type": "none"}} to turn stemming off explicitly. Immutable.
     *
     * @param language the canonical Snowball language, or null for {@code none}
     */
    public record Stemmer(String language) {
        /** {@code {"type": "none"}}. */
        public static final Stemmer NONE = new Stemmer(null);

        public Stemmer {
            if (language != null) {
                String c = Languages.snowballLanguage(language);
                if (c == null) {
                    throw new IllegalArgumentException("Unknown stemmer language: " + language + ", expected one of "
                            + String.join(", ", Languages.snowballLanguages()));
                }
                language = c;
            }
        }

        public static Stemmer snowball(String language) {
            return new Stemmer(language == null ? "" : language);
        }

        public boolean isNone() {
            return language == null;
        }
    }
}
