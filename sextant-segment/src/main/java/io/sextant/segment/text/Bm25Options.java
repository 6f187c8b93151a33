package io.sextant.segment.text;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The options of Qdrant's local BM25 model ({@code "model": "qdrant/bm25"}): the BM25 parameters
 * and the text analysis. Absent options are null and take Qdrant's defaults: {@code k} 1.2, {@code
 * b} 0.75, {@code avg_len} 256, tokenizer {@code word}, {@code language} english, lowercase, no
 * ASCII folding, no length limits.
 *
 * <p>{@code language} supplies the defaults of {@code stopwords} (that language's stop words, if
 * it is one of Qdrant's stop word languages) and {@code stemmer} (its Snowball stemmer, if it is
 * one of Qdrant's Snowball languages); a language that is neither, e.g. {@code "none"}, turns both
 * off with a warning in the log, as in Qdrant. Immutable.
 *
 * @param k term frequency saturation, finite and >= 0
 * @param b length normalization, in [0, 1]
 * @param avgLen expected average document length in tokens, finite and > 0
 * @param tokenizer how text is split into words
 * @param language the language behind the default stop words and stemmer
 * @param lowercase lowercase tokens
 * @param asciiFolding fold accented letters to ASCII
 * @param stopwords stop words; null = the language's
 * @param stemmer stemmer; null = the language's, {@link TextAnalysisOptions.Stemmer#NONE} = none
 * @param minTokenLen minimum token length in code points
 * @param maxTokenLen maximum token length in code points
 */
public record Bm25Options(
        Double k,
        Double b,
        Double avgLen,
        TokenizerKind tokenizer,
        String language,
        Boolean lowercase,
        Boolean asciiFolding,
        TextAnalysisOptions.Stopwords stopwords,
        TextAnalysisOptions.Stemmer stemmer,
        Integer minTokenLen,
        Integer maxTokenLen) {

    public static final double DEFAULT_K = 1.2;
    public static final double DEFAULT_B = 0.75;
    public static final double DEFAULT_AVG_LEN = 256.0;
    public static final String DEFAULT_LANGUAGE = "english";

    /** Every option absent: Qdrant's defaults. */
    public static final Bm25Options DEFAULT =
            new Bm25Options(null, null, null, null, null, null, null, null, null, null, null);

    private static final Logger LOG = LoggerFactory.getLogger(Bm25Options.class);
    private static final AtomicBoolean WARNED_LANGUAGE = new AtomicBoolean();

    public Bm25Options {
        if (k != null && (!Double.isFinite(k) || k < 0)) {
            throw new IllegalArgumentException("BM25 k1 must be finite and >= 0, got " + k);
        }
        if (b != null && (!Double.isFinite(b) || b < 0 || b > 1)) {
            throw new IllegalArgumentException("BM25 b must be finite and in [0.0, 1.0], got " + b);
        }
        if (avgLen != null && (!Double.isFinite(avgLen) || avgLen <= 0)) {
            throw new IllegalArgumentException("BM25 avg_doc_len must be finite and > 0, got " + avgLen);
        }
    }

    public double kOrDefault() {
        return k == null ? DEFAULT_K : k;
    }

    public double bOrDefault() {
        return b == null ? DEFAULT_B : b;
    }

    public double avgLenOrDefault() {
        return avgLen == null ? DEFAULT_AVG_LEN : avgLen;
    }

    /** The text analysis these options describe, with the language's defaults filled in. */
    public TextAnalysisOptions analysis() {
        String lang = language == null ? DEFAULT_LANGUAGE : language;
        String stopLanguage = Languages.stopwordLanguage(lang);
        String stemLanguage = Languages.snowballLanguage(lang);
        if (stopwords == null && stemmer == null && stopLanguage == null && stemLanguage == null) {
            if (WARNED_LANGUAGE.compareAndSet(false, true)) {
                LOG.warn(
                        "BM25 language {} is not recognized: stemming and stop words are off. Set stemmer to"
                                + " {{\"type\": \"none\"}} and an empty stop word set to say so explicitly.",
                        lang);
            }
        }
        TextAnalysisOptions.Stopwords stop = stopwords != null
                ? stopwords
                : stopLanguage == null ? null : TextAnalysisOptions.Stopwords.language(stopLanguage);
        TextAnalysisOptions.Stemmer stem =
                stemmer != null ? stemmer : stemLanguage == null ? null : new TextAnalysisOptions.Stemmer(stemLanguage);
        return new TextAnalysisOptions(
                tokenizer == null ? TokenizerKind.WORD : tokenizer,
                lowercase == null || lowercase,
                asciiFolding != null && asciiFolding,
                stop,
                stem,
                minTokenLen,
                maxTokenLen);
    }
}
