package io.sextant.segment.text;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.ne.NepaliAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.apache.lucene.util.IOUtils;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.ArabicStemmer;
import org.tartarus.snowball.ext.ArmenianStemmer;
import org.tartarus.snowball.ext.DanishStemmer;
import org.tartarus.snowball.ext.DutchStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FinnishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.GreekStemmer;
import org.tartarus.snowball.ext.HungarianStemmer;
import org.tartarus.snowball.ext.ItalianStemmer;
import org.tartarus.snowball.ext.NorwegianStemmer;
import org.tartarus.snowball.ext.PortugueseStemmer;
import org.tartarus.snowball.ext.RomanianStemmer;
import org.tartarus.snowball.ext.RussianStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;
import org.tartarus.snowball.ext.SwedishStemmer;
import org.tartarus.snowball.ext.TamilStemmer;
import org.tartarus.snowball.ext.TurkishStemmer;

/**
 * The languages of Qdrant's text options, by their names and ISO aliases, and the Lucene data
 * behind them: stop word sets (the Snowball project's lists shipped with Lucene where there is one,
 * else the language analyzer's default set) and Snowball stemmers.
 *
 * <p>Stop word languages are Qdrant's 30 ({@code english} or {@code en}, …). Lucene ships no list
 * for {@code azerbaijani, chinese, hebrew, hinglish, japanese, kazakh, slovene, tajik}: those
 * names are accepted (as Qdrant accepts them) and remove no words. Stemmer languages are Qdrant's
 * 19 Snowball languages. Names are matched exactly (lowercase), like Qdrant's. Thread-safe: stop
 * sets are loaded once and unmodifiable; every call to {@link #newStemmer} makes a new stemmer.
 */
public final class Languages {
    /** Qdrant's stop word languages: canonical name → alias. */
    private static final Map<String, String> STOPWORD_LANGUAGES = pairs("arabic:ar azerbaijani:az basque:eu"
            + " bengali:bn catalan:ca chinese:zh danish:da dutch:nl english:en finnish:fi french:fr german:de"
            + " greek:el hebrew:he hinglish:hi-en hungarian:hu indonesian:id italian:it japanese:jp kazakh:kk"
            + " nepali:ne norwegian:no portuguese:pt romanian:ro russian:ru slovene:sl spanish:es swedish:sv"
            + " tajik:tg turkish:tr");

    /** Qdrant's Snowball stemmer languages: canonical name → alias. */
    private static final Map<String, String> SNOWBALL_LANGUAGES = pairs("arabic:ar armenian:hy danish:da dutch:nl"
            + " english:en finnish:fi french:fr german:de greek:el hungarian:hu italian:it norwegian:no"
            + " portuguese:pt romanian:ro russian:ru spanish:es swedish:sv tamil:ta turkish:tr");

    private static final Map<String, Supplier<SnowballStemmer>> STEMMERS = Map.ofEntries(
            Map.entry("arabic", ArabicStemmer::new),
            Map.entry("armenian", ArmenianStemmer::new),
            Map.entry("danish", DanishStemmer::new),
            Map.entry("dutch", DutchStemmer::new),
            Map.entry("english", EnglishStemmer::new),
            Map.entry("finnish", FinnishStemmer::new),
            Map.entry("french", FrenchStemmer::new),
            Map.entry("german", GermanStemmer::new),
            Map.entry("greek", GreekStemmer::new),
            Map.entry("hungarian", HungarianStemmer::new),
            Map.entry("italian", ItalianStemmer::new),
            Map.entry("norwegian", NorwegianStemmer::new),
            Map.entry("portuguese", PortugueseStemmer::new),
            Map.entry("romanian", RomanianStemmer::new),
            Map.entry("russian", RussianStemmer::new),
            Map.entry("spanish", SpanishStemmer::new),
            Map.entry("swedish", SwedishStemmer::new),
            Map.entry("tamil", TamilStemmer::new),
            Map.entry("turkish", TurkishStemmer::new));

    /** Languages whose stop words are a Snowball list ({@code <name>_stop.txt}) shipped with Lucene. */
    private static final List<String> SNOWBALL_STOP_LISTS = List.of(("danish dutch english finnish french german"
                    + " hungarian italian norwegian portuguese russian spanish swedish")
            .split(" "));

    private static final Map<String, CharArraySet> STOP_SETS = new ConcurrentHashMap<>();

    private Languages() {}

    /** The canonical stop word language for a name or alias, or null when Qdrant has none such. */
    public static String stopwordLanguage(String nameOrAlias) {
        return canonical(STOPWORD_LANGUAGES, nameOrAlias);
    }

    /** The canonical Snowball language for a name or alias, or null when Qdrant has none such. */
    public static String snowballLanguage(String nameOrAlias) {
        return canonical(SNOWBALL_LANGUAGES, nameOrAlias);
    }

    /** Qdrant's stop word language names, for error messages. */
    public static List<String> stopwordLanguages() {
        return List.copyOf(STOPWORD_LANGUAGES.keySet());
    }

    /** Qdrant's Snowball language names, for error messages. */
    public static List<String> snowballLanguages() {
        return List.copyOf(SNOWBALL_LANGUAGES.keySet());
    }

    /** Whether Lucene has a stop word list for the canonical stop word language {@code language}. */
    public static boolean hasStopwords(String language) {
        return !stopwords(language).isEmpty();
    }

    /**
     * The stop words of a canonical stop word language (lowercase, unmodifiable; empty where
     * Lucene ships no list).
     */
    static CharArraySet stopwords(String language) {
        if (!STOPWORD_LANGUAGES.containsKey(language)) {
            throw new IllegalArgumentException("Unknown stop word language: " + language + ", expected one of "
                    + String.join(", ", STOPWORD_LANGUAGES.keySet()));
        }
        return STOP_SETS.computeIfAbsent(language, Languages::loadStopwords);
    }

    /** A new Snowball stemmer for a canonical Snowball language (stemmers are not thread-safe). */
    static SnowballStemmer newStemmer(String language) {
        Supplier<SnowballStemmer> s = STEMMERS.get(language);
        if (s == null) {
            throw new IllegalArgumentException("Unknown stemmer language: " + language + ", expected one of "
                    + String.join(", ", SNOWBALL_LANGUAGES.keySet()));
        }
        return s.get();
    }

    private static CharArraySet loadStopwords(String language) {
        if (SNOWBALL_STOP_LISTS.contains(language)) {
            String name = language + "_stop.txt";
            try (Reader r = IOUtils.getDecodingReader(
                    IOUtils.requireResourceNonNull(SnowballFilter.class.getResourceAsStream(name), name),
                    StandardCharsets.UTF_8)) {
                return CharArraySet.unmodifiableSet(WordlistLoader.getSnowballWordSet(r));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read Lucene's " + language + " stop word list", e);
            }
        }
        CharArraySet set =
                switch (language) {
                    case "arabic" -> ArabicAnalyzer.getDefaultStopSet();
                    case "basque" -> BasqueAnalyzer.getDefaultStopSet();
                    case "bengali" -> BengaliAnalyzer.getDefaultStopSet();
                    case "catalan" -> CatalanAnalyzer.getDefaultStopSet();
                    case "greek" -> GreekAnalyzer.getDefaultStopSet();
                    case "indonesian" -> IndonesianAnalyzer.getDefaultStopSet();
                    case "nepali" -> NepaliAnalyzer.getDefaultStopSet();
                    case "romanian" -> RomanianAnalyzer.getDefaultStopSet();
                    case "turkish" -> TurkishAnalyzer.getDefaultStopSet();
                    default -> CharArraySet.EMPTY_SET;
                };
        return CharArraySet.unmodifiableSet(set);
    }

    private static String canonical(Map<String, String> languages, String nameOrAlias) {
        if (nameOrAlias == null) {
            return null;
        }
        if (languages.containsKey(nameOrAlias)) {
            return nameOrAlias;
        }
        for (Map.Entry<String, String> e : languages.entrySet()) {
            if (e.getValue().equals(nameOrAlias)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Map<String, String> pairs(String namesAndAliases) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : namesAndAliases.split(" ")) {
            int colon = pair.indexOf(':');
            m.put(pair.substring(0, colon), pair.substring(colon + 1));
        }
        return m;
    }
}
