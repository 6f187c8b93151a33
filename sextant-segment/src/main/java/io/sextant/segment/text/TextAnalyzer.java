package io.sextant.segment.text;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.FilteringTokenFilter;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.core.UnicodeWhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.CodepointCountFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * Turns text into tokens as Qdrant's full-text index and BM25 do, built from Lucene's analysis
 * components: a tokenizer ({@link TokenizerKind}), then {@link ASCIIFoldingFilter}, {@link
 * LowerCaseFilter}, {@link StopFilter}, {@link SnowballFilter} and a code-point length filter, in
 * Qdrant's order (fold, lowercase, stop words, stem, length). Stop words are compared after
 * lowercasing and before stemming; with {@code lowercase} the stop words are lowercased too.
 *
 * <p>Three views of a text: {@link #words} (a document's word sequence, which phrase matching
 * works on), {@link #documentTokens} (what a document is indexed under: the words, or for {@code
 * prefix} every prefix of each word from {@code min_token_len} (at least 1) code points up) and
 * {@link #queryWords} (what a query looks up). For {@code prefix} a document word longer than
 * {@code max_token_len} is cut to that length rather than dropped, and a query word is not checked
 * against the stop words (a typed prefix such as "the" must still find "theory"), as in Qdrant.
 *
 * <p>Thread-safe: the Lucene analyzers reuse their token streams per thread.
 */
public final class TextAnalyzer {
    /** The longest token Lucene's tokenizers can produce; longer runs are split there. */
    private static final int MAX_TOKEN_CHARS = StandardTokenizer.MAX_TOKEN_LENGTH_LIMIT;

    /**
     * Punctuation that UAX #29 keeps inside a word ("it's", "U.S") but Qdrant's multilingual
     * tokenizer splits on: mapped to a space before the tokenizer sees it.
     */
    private static final NormalizeCharMap WORD_JOINERS = wordJoiners();

    private final TextAnalysisOptions options;
    private final Analyzer documents;
    private final Analyzer queries;

    private TextAnalyzer(TextAnalysisOptions options) {
        this.options = options;
        CharArraySet stop = stopSet(options);
        boolean prefix = options.tokenizer() == TokenizerKind.PREFIX;
        this.documents = new Chain(options, stop, !prefix);
        this.queries = prefix ? new Chain(options, null, false) : documents;
    }

    public static TextAnalyzer of(TextAnalysisOptions options) {
        return new TextAnalyzer(options == null ? TextAnalysisOptions.DEFAULT : options);
    }

    public TextAnalysisOptions options() {
        return options;
    }

    public boolean isPrefix() {
        return options.tokenizer() == TokenizerKind.PREFIX;
    }

    /** A document's words in order (for {@code prefix}: cut to {@code max_token_len}). */
    public List<String> words(String text) {
        return truncated(run(documents, text));
    }

    /** A query's words in order: what each must match in the index. */
    public List<String> queryWords(String text) {
        return truncated(run(queries, text));
    }

    /** What a document is indexed under: its words, or for {@code prefix} their prefixes. */
    public List<String> documentTokens(String text) {
        return indexTokens(words(text));
    }

    /** The index tokens of words from {@link #words}: the words, or for {@code prefix} their prefixes. */
    public List<String> indexTokens(List<String> words) {
        return indexTokens(words, Integer.MAX_VALUE);
    }

    /**
     * As {@link #indexTokens(List)}, with {@code prefix} prefixes of at most {@code longest} code
     * points (a word longer than that is represented by its prefixes up to that length only).
     */
    public List<String> indexTokens(List<String> words, int longest) {
        if (!isPrefix()) {
            return words;
        }
        int min = Math.max(1, options.minTokenLen() == null ? 1 : options.minTokenLen());
        List<String> out = new ArrayList<>();
        for (String w : words) {
            int end = 0;
            for (int k = 1; end < w.length() && k <= longest; k++) {
                end += Character.charCount(w.codePointAt(end));
                if (k >= min) {
                    out.add(w.substring(0, end));
                }
            }
        }
        return out;
    }

    private List<String> truncated(List<String> words) {
        Integer max = options.maxTokenLen();
        if (!isPrefix() || max == null) {
            return words;
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.codePointCount(0, w.length()) > max) {
                words.set(i, w.substring(0, w.offsetByCodePoints(0, max)));
            }
        }
        return words;
    }

    private static List<String> run(Analyzer analyzer, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading text from memory failed", e);
        }
        return out;
    }

    private static NormalizeCharMap wordJoiners() {
        NormalizeCharMap.Builder b = new NormalizeCharMap.Builder();
        for (String c : List.of("'", "\u2019", "\u2018", ".", ":", "\u00b7", "\uff07", "\ufe55", "\ufe52", "\uff0e")) {
            b.add(c, " ");
        }
        return b.build();
    }

    private static CharArraySet stopSet(TextAnalysisOptions o) {
        if (o.stopwords() == null) {
            return null;
        }
        CharArraySet set = new CharArraySet(64, false);
        for (String language : o.stopwords().allLanguages()) {
            set.addAll(Languages.stopwords(language));
        }
        if (o.stopwords().custom() != null) {
            for (String w : o.stopwords().custom()) {
                set.add(o.lowercase() ? w.toLowerCase(java.util.Locale.ROOT) : w);
            }
        }
        return set.isEmpty() ? null : CharArraySet.unmodifiableSet(set);
    }

    /** One Lucene analysis chain for the options; {@code stop} null = no stop words. */
    private static final class Chain extends Analyzer {
        private final TextAnalysisOptions o;
        private final CharArraySet stop;
        private final boolean checkMax;

        Chain(TextAnalysisOptions o, CharArraySet stop, boolean checkMax) {
            this.o = o;
            this.stop = stop;
            this.checkMax = checkMax;
        }

        @Override
        protected Reader initReader(String fieldName, Reader reader) {
            return o.tokenizer() == TokenizerKind.MULTILINGUAL ? new MappingCharFilter(WORD_JOINERS, reader) : reader;
        }

        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            Tokenizer source =
                    switch (o.tokenizer()) {
                        case WORD, PREFIX -> new AlphanumericTokenizer();
                        case WHITESPACE ->
                            new UnicodeWhitespaceTokenizer(
                                    TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, MAX_TOKEN_CHARS);
                        case MULTILINGUAL -> {
                            StandardTokenizer t = new StandardTokenizer();
                            t.setMaxTokenLength(MAX_TOKEN_CHARS);
                            yield t;
                        }
                    };
            TokenStream ts = source;
            if (o.tokenizer() == TokenizerKind.MULTILINGUAL) {
                ts = new LetterTokenFilter(ts);
            }
            if (o.asciiFolding()) {
                ts = new ASCIIFoldingFilter(ts);
            }
            if (o.lowercase()) {
                ts = new LowerCaseFilter(ts);
            }
            if (stop != null) {
                ts = new StopFilter(ts, stop);
            }
            if (o.stemmer() != null && !o.stemmer().isNone()) {
                ts = new SnowballFilter(ts, Languages.newStemmer(o.stemmer().language()));
            }
            int min = o.minTokenLen() == null ? 0 : o.minTokenLen();
            int max = !checkMax || o.maxTokenLen() == null ? Integer.MAX_VALUE : o.maxTokenLen();
            if (min > 0 || max < Integer.MAX_VALUE) {
                ts = new CodepointCountFilter(ts, min, max);
            }
            return new TokenStreamComponents(source, ts);
        }
    }

    /** Words are maximal runs of Unicode Alphabetic or Numeric code points (Rust's is_alphanumeric). */
    private static final class AlphanumericTokenizer extends CharTokenizer {
        AlphanumericTokenizer() {
            super(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, MAX_TOKEN_CHARS);
        }

        @Override
        protected boolean isTokenChar(int c) {
            if (Character.isAlphabetic(c)) {
                return true;
            }
            int type = Character.getType(c);
            return type == Character.DECIMAL_DIGIT_NUMBER
                    || type == Character.LETTER_NUMBER
                    || type == Character.OTHER_NUMBER;
        }
    }

    /** Drops tokens without an alphabetic code point (numbers, punctuation), as Qdrant's multilingual does. */
    private static final class LetterTokenFilter extends FilteringTokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

        LetterTokenFilter(TokenStream in) {
            super(in);
        }

        @Override
        protected boolean accept() {
            for (int i = 0; i < term.length(); ) {
                int cp = Character.codePointAt(term.buffer(), i, term.length());
                if (Character.isAlphabetic(cp)) {
                    return true;
                }
                i += Character.charCount(cp);
            }
            return false;
        }
    }
}
