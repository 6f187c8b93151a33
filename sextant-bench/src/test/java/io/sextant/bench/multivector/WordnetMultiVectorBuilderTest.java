package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.bench.multivector.WordnetSynsets.Synset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordnetMultiVectorBuilderTest {
    static Synset synset(int offset, String definition, int examples) {
        List<String> ex = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            ex.add("example " + i + " of " + offset);
        }
        return new Synset("noun", offset, 3, List.of("w" + offset), definition, ex);
    }

    static List<Synset> corpus() {
        List<Synset> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // every third has no example, offset 50 has an empty definition
            all.add(synset(i, i == 50 ? "" : "def " + i, i % 3 == 0 ? 0 : 1 + i % 4));
        }
        return all;
    }

    @Test
    void keepsSynsetsWithExamplesAndADefinitionSplitDisjointly() {
        WordnetMultiVectorBuilder.Selection s = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 0, false);
        // 66 have examples (i % 3 != 0), minus offset 50 (empty definition)
        assertThat(s.dropped()).isEqualTo(1);
        assertThat(s.queries()).hasSize(10);
        assertThat(s.base()).hasSize(55);
        Set<Integer> seen = new HashSet<>();
        for (Synset x : s.queries()) {
            seen.add(x.offset());
        }
        for (Synset x : s.base()) {
            assertThat(seen.add(x.offset())).as("offset %d in both", x.offset()).isTrue();
            assertThat(x.examples()).isNotEmpty();
            assertThat(x.definition()).isNotEmpty();
        }
    }

    @Test
    void allSynsetsAddsTheExampleLessOnesToTheBaseOnly() {
        WordnetMultiVectorBuilder.Selection with = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 0, false);
        WordnetMultiVectorBuilder.Selection all = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 0, true);
        assertThat(all.queries()).isEqualTo(with.queries());
        // 34 without examples (i % 3 == 0); offset 50 has examples and no definition
        assertThat(all.base()).hasSize(55 + 34);
        assertThat(all.base()).containsAll(with.base());
        assertThat(all.base().stream().filter(x -> x.examples().isEmpty())).hasSize(34);
        assertThat(all.base().stream().map(Synset::offset).distinct()).hasSize(89);
        assertThat(all.dropped()).isEqualTo(1);
        WordnetMultiVectorBuilder.Selection small = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 30, true);
        assertThat(small.base().stream().filter(x -> x.examples().isEmpty())).hasSize(34 * 30 / 65);
    }

    @Test
    void theShuffleIsFixedBySeedAndMaxKeepsAPrefix() {
        var a = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 0, false);
        var b = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 0, false);
        var c = WordnetMultiVectorBuilder.select(corpus(), 10, 7, 0, false);
        assertThat(a).isEqualTo(b);
        assertThat(a.queries()).isNotEqualTo(c.queries());
        var small = WordnetMultiVectorBuilder.select(corpus(), 10, 42, 30, false);
        assertThat(small.queries()).isEqualTo(a.queries());
        assertThat(small.base()).isEqualTo(a.base().subList(0, 20));
        assertThatThrownBy(() -> WordnetMultiVectorBuilder.select(corpus(), 30, 42, 30, false))
                .hasMessageContaining("queries must be in [1, 30)");
    }

    @Test
    void groupsTheFlatEmbeddingsIntoOnePointPerSynset() {
        List<Synset> synsets = List.of(synset(1, "d1", 2), synset(2, "d2", 1));
        assertThat(WordnetMultiVectorBuilder.texts(synsets.get(0)))
                .containsExactly("d1", "example 0 of 1", "example 1 of 1");
        assertThat(WordnetMultiVectorBuilder.textCount(synsets)).isEqualTo(5);
        float[][] flat = {{-1}, {0}, {1}, {2}, {3}, {4}, {5}};
        float[][][] points = WordnetMultiVectorBuilder.group(synsets, flat, 2);
        assertThat(points).isDeepEqualTo(new float[][][] {{{1}, {2}, {3}}, {{4}, {5}}});
        assertThat(WordnetMultiVectorBuilder.histogram(points)).isEqualTo(Map.of(2, 1, 3, 1));
    }
}
