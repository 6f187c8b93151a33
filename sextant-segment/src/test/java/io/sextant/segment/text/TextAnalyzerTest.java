package io.sextant.segment.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Token streams pinned on the examples of Qdrant's tokenizer tests
 * ({@code lib/segment/src/index/field_index/full_text_index/tokenizers/mod.rs}, {@code
 * multilingual.rs}) and {@code tests/openapi/test_stopwords.py}.
 */
class TextAnalyzerTest {

    private static TextAnalyzer analyzer(
            TokenizerKind kind,
            boolean lowercase,
            boolean folding,
            Stopwords stop,
            Stemmer stem,
            Integer min,
            Integer max) {
        return TextAnalyzer.of(new TextAnalysisOptions(kind, lowercase, folding, stop, stem, min, max));
    }

    private static TextAnalyzer plain(TokenizerKind kind, boolean lowercase) {
        return analyzer(kind, lowercase, false, null, null, null, null);
    }

    @Test
    void wordSplitsOnEverythingButLettersAndDigits() {
        String text = "hello, world! Привет, мир!";
        assertThat(plain(TokenizerKind.WORD, false).words(text)).containsExactly("hello", "world", "Привет", "мир");
        assertThat(plain(TokenizerKind.WORD, true).words(text)).containsExactly("hello", "world", "привет", "мир");
        assertThat(plain(TokenizerKind.WORD, true).words("x1_y2 3½ you'll"))
                .containsExactly("x1", "y2", "3½", "you", "ll");
    }

    @Test
    void whitespaceSplitsOnUnicodeWhiteSpaceOnly() {
        assertThat(plain(TokenizerKind.WHITESPACE, true).words("hello world")).containsExactly("hello", "world");
        assertThat(plain(TokenizerKind.WHITESPACE, false).words("a\tb\nc  D\u00a0e, you'll"))
                .containsExactly("a", "b", "c", "D", "e,", "you'll");
    }

    @Test
    void prefixDocumentsAndQueries() {
        TextAnalyzer doc = analyzer(TokenizerKind.PREFIX, true, false, null, null, 1, 4);
        assertThat(doc.documentTokens("hello, мир!")).containsExactly("h", "he", "hel", "hell", "м", "ми", "мир");
        TextAnalyzer query = analyzer(TokenizerKind.PREFIX, true, false, null, null, null, 4);
        assertThat(query.queryWords("hello, мир!")).containsExactly("hell", "мир");
    }

    @Test
    void prefixQueriesIgnoreStopWords() {
        TextAnalyzer a = analyzer(TokenizerKind.PREFIX, true, false, Stopwords.language("english"), null, null, null);
        assertThat(a.words("the theory")).containsExactly("theory");
        assertThat(a.queryWords("the")).containsExactly("the");
        assertThat(a.documentTokens("the theory")).contains("the", "theory");
    }

    @Test
    void multilingualFollowsUnicodeWordsAndSplitsApostrophes() {
        TextAnalyzer a = plain(TokenizerKind.MULTILINGUAL, true);
        assertThat(a.words("What are you waiting for?")).containsExactly("what", "are", "you", "waiting", "for");
        assertThat(String.join(
                        "|", a.words("This is english text. It's being used within Qdrant's code in a unit test.")))
                .isEqualTo("this|is|english|text|it|s|being|used|within|qdrant|s|code|in|a|unit|test");
        assertThat(a.words("Dies ist ein Test 42")).containsExactly("dies", "ist", "ein", "test");
        assertThat(a.words("今天是星期一")).as("one token per ideograph").containsExactly("今", "天", "是", "星", "期", "一");
    }

    @Test
    void snowballStemmingPerTokenizer() {
        String input = "interestingly proceeding living";
        Stemmer english = Stemmer.snowball("english");
        for (TokenizerKind kind : List.of(TokenizerKind.WHITESPACE, TokenizerKind.WORD, TokenizerKind.MULTILINGUAL)) {
            assertThat(analyzer(kind, true, false, null, english, null, null).words(input))
                    .as(kind.wireName())
                    .containsExactly("interest", "proceed", "live");
        }
        assertThat(analyzer(TokenizerKind.PREFIX, true, false, null, english, 3, 4)
                        .documentTokens(input))
                .containsExactly("int", "inte", "pro", "proc", "liv", "live");
        assertThat(analyzer(TokenizerKind.MULTILINGUAL, true, false, null, english, null, null)
                        .words("Testing this"))
                .containsExactly("test", "this");
    }

    @Test
    void languageStopWords() {
        String text = "The quick brown fox jumps over the lazy dog";
        assertThat(analyzer(TokenizerKind.WORD, true, false, Stopwords.language("english"), null, null, null)
                        .words(text))
                .containsExactly("quick", "brown", "fox", "jumps", "lazy", "dog");
        assertThat(analyzer(
                                TokenizerKind.WORD,
                                true,
                                false,
                                Stopwords.set(List.of("en"), List.of("quick", "fox")),
                                null,
                                null,
                                null)
                        .words(text))
                .containsExactly("brown", "jumps", "lazy", "dog");
        assertThat(analyzer(
                                TokenizerKind.WORD,
                                true,
                                false,
                                Stopwords.set(null, List.of("as", "the", "a")),
                                null,
                                null,
                                null)
                        .words(text + " as a test"))
                .containsExactly("quick", "brown", "fox", "jumps", "over", "lazy", "dog", "test");
        assertThat(analyzer(
                                TokenizerKind.WORD,
                                true,
                                false,
                                Stopwords.set(List.of("english", "spanish"), List.of("I'd")),
                                null,
                                null,
                                null)
                        .words(text + " I'd y de"))
                .doesNotContain("the", "over", "y", "de", "i", "i'd")
                .contains("quick", "brown", "fox", "jumps", "lazy", "dog");
        assertThat(analyzer(TokenizerKind.WHITESPACE, true, false, Stopwords.language("english"), null, null, null)
                        .words("you'll be in town"))
                .containsExactly("town");
    }

    @Test
    void caseSensitiveCustomStopWords() {
        // test_stopwords.py: lowercase false, custom {"the", "The", "LAZY"}
        TextAnalyzer a = analyzer(
                TokenizerKind.WORD, false, false, Stopwords.set(null, List.of("the", "The", "LAZY")), null, null, null);
        assertThat(a.words("The quick brown fox jumps over the lazy dog"))
                .containsExactly("quick", "brown", "fox", "jumps", "over", "lazy", "dog");
        assertThat(a.queryWords("The")).isEmpty();
        assertThat(a.queryWords("LAZY")).isEmpty();
        assertThat(a.queryWords("lazy")).containsExactly("lazy");
    }

    @Test
    void asciiFolding() {
        String text = "ação café jalapeño Über";
        assertThat(plain(TokenizerKind.WORD, true).words(text)).containsExactly("ação", "café", "jalapeño", "über");
        assertThat(analyzer(TokenizerKind.WORD, true, true, null, null, null, null)
                        .words(text))
                .containsExactly("acao", "cafe", "jalapeno", "uber");
        assertThat(analyzer(TokenizerKind.PREFIX, true, true, null, null, 1, 4).documentTokens("ação"))
                .containsExactly("a", "ac", "aca", "acao");
    }

    @Test
    void lengthLimitsCountCodePoints() {
        TextAnalyzer a = analyzer(TokenizerKind.WORD, true, false, null, null, 2, 3);
        assertThat(a.words("a ab abc abcd 𝒳𝒴 𝒳𝒴𝒵𝒲")).containsExactly("ab", "abc", "𝒳𝒴");
        assertThat(analyzer(TokenizerKind.PREFIX, true, false, null, null, 2, 3).words("a abcd"))
                .as("prefix cuts long words, drops short ones")
                .containsExactly("abc");
    }

    @Test
    void optionsRejectUnknownLanguagesAndBadLengths() {
        assertThatThrownBy(() -> Stopwords.language("klingon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("klingon")
                .hasMessageContaining("english");
        assertThatThrownBy(() -> Stemmer.snowball("hebrew"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hebrew")
                .hasMessageContaining("tamil");
        assertThatThrownBy(() -> new TextAnalysisOptions(TokenizerKind.WORD, true, false, null, null, 5, 2))
                .hasMessageContaining("5")
                .hasMessageContaining("2");
        assertThat(Stopwords.set(List.of("es", "en", "english"), List.of("b", "a", "b")))
                .isEqualTo(new Stopwords(null, List.of("english", "spanish"), List.of("a", "b")));
        assertThat(Stemmer.snowball("en").language()).isEqualTo("english");
    }

    @Test
    void everyQdrantLanguageLoads() {
        for (String l : Languages.stopwordLanguages()) {
            assertThat(Languages.stopwords(l)).as(l).isNotNull();
        }
        assertThat(Languages.hasStopwords("english")).isTrue();
        assertThat(Languages.hasStopwords("japanese")).as("no Lucene list").isFalse();
        for (String l : Languages.snowballLanguages()) {
            assertThat(analyzer(TokenizerKind.WORD, true, false, null, Stemmer.snowball(l), null, null)
                            .words("abc"))
                    .as(l)
                    .hasSize(1);
        }
    }
}
