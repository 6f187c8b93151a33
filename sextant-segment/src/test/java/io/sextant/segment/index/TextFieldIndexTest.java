package io.sextant.segment.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The full-text index with the analysis options: stop words, stemming, ASCII folding, long prefixes. */
class TextFieldIndexTest {

    private static TextFieldIndex index(TextIndexParams params, String... docs) {
        TextFieldIndex idx =
                new TextFieldIndex(new PayloadIndexSpec(PayloadSchemaType.TEXT, null, null, null, null, null, params));
        for (int i = 0; i < docs.length; i++) {
            idx.addValues(i, List.<JsonNode>of(TextNode.valueOf(docs[i])));
        }
        return idx;
    }

    private static RoaringBitmap text(TextFieldIndex idx, String query) {
        return idx.answer(new MatchCondition("t", new Match.Text(query)));
    }

    private static RoaringBitmap phrase(TextFieldIndex idx, String query) {
        return idx.answer(new MatchCondition("t", new Match.Phrase(query)));
    }

    @Test
    void stopWordsAreNeitherIndexedNorRequired() {
        TextIndexParams p =
                new TextIndexParams("word", true, null, null, true, null, Stopwords.language("english"), null);
        TextFieldIndex idx = index(p, "The quick brown fox", "a lazy dog");
        assertThat(text(idx, "the fox")).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(text(idx, "THE"))
                .as("a query of stop words only matches nothing")
                .isEmpty();
        assertThat(phrase(idx, "quick the brown")).isEqualTo(RoaringBitmap.bitmapOf(0));
    }

    @Test
    void textAnyMatchesPointsWithAnyQueryWordButNoStopWord() {
        TextIndexParams p =
                new TextIndexParams("word", true, null, null, true, null, Stopwords.language("english"), null);
        TextFieldIndex idx = index(p, "The robot", "star of the show", "the end", "robots and stars");
        RoaringBitmap any = idx.answer(new MatchCondition("t", new Match.TextAny("robot of the STAR")));
        assertThat(any).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(idx.answer(new MatchCondition("t", new Match.TextAny("of the"))))
                .isEmpty();
        // unindexed evaluation: any word as a substring
        assertThat(io.sextant.segment.filter.ValueMatchers.matches(
                        TextNode.valueOf("a robot"), new Match.TextAny("star robot")))
                .isTrue();
        assertThat(io.sextant.segment.filter.ValueMatchers.matches(
                        TextNode.valueOf("a robot"), new Match.TextAny("star  moon")))
                .isFalse();
    }

    @Test
    void caseSensitiveCustomStopWords() {
        // Qdrant's tests/openapi/test_stopwords.py
        TextIndexParams p = new TextIndexParams(
                "word", false, null, null, null, null, Stopwords.set(null, List.of("the", "The", "LAZY")), null);
        TextFieldIndex idx = index(p, "The quick brown fox jumps over the lazy dog", "LAZY sentinel");
        assertThat(text(idx, "lazy")).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(text(idx, "The")).isEmpty();
        assertThat(text(idx, "LAZY")).isEmpty();
    }

    @Test
    void stemmedWordsMatchEachOther() {
        TextIndexParams p =
                new TextIndexParams("word", true, null, null, null, null, null, Stemmer.snowball("english"));
        TextFieldIndex idx = index(p, "he was running home", "a run");
        assertThat(text(idx, "runs")).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(text(idx, "homes running")).isEqualTo(RoaringBitmap.bitmapOf(0));
    }

    @Test
    void asciiFoldingMatchesAccentsBothWays() {
        TextIndexParams folded = new TextIndexParams("word", true, null, null, null, true, null, null);
        TextFieldIndex idx = index(folded, "Ação no café", "cafe");
        assertThat(text(idx, "acao")).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(text(idx, "CAFÉ")).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        TextFieldIndex plain = index(TextIndexParams.DEFAULT, "Ação no café", "cafe");
        assertThat(text(plain, "acao")).isEmpty();
        assertThat(text(plain, "café")).isEqualTo(RoaringBitmap.bitmapOf(0));
    }

    @Test
    void longPrefixWordsIndexInLinearSpaceAndStillMatchExactly() {
        String longWord = "a".repeat(50_000) + "b";
        TextIndexParams p = new TextIndexParams("prefix", true, null, null, null);
        TextFieldIndex idx = index(p, longWord, "a".repeat(30) + "c", "aaa");
        assertThat(text(idx, "a")).isEqualTo(RoaringBitmap.bitmapOf(0, 1, 2));
        assertThat(text(idx, "a".repeat(30))).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
        assertThat(text(idx, "a".repeat(30) + "c"))
                .as("same first 24, checked past them")
                .isEqualTo(RoaringBitmap.bitmapOf(1));
        assertThat(text(idx, "a".repeat(50_000) + "b")).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(text(idx, "a".repeat(50_001))).isEmpty();
        assertThat(phrase(idx, "a".repeat(40))).isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(phrase(idx, "a".repeat(30))).isEqualTo(RoaringBitmap.bitmapOf(0, 1));
    }

    @Test
    void prefixQueriesKeepStopWordsAsPrefixes() {
        TextIndexParams p =
                new TextIndexParams("prefix", true, null, null, null, null, Stopwords.language("english"), null);
        TextFieldIndex idx = index(p, "theory of everything", "the end");
        assertThat(text(idx, "the")).as("'the' is a prefix of 'theory'").isEqualTo(RoaringBitmap.bitmapOf(0));
        assertThat(text(idx, "en")).isEqualTo(RoaringBitmap.bitmapOf(1));
    }
}
