package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir
    Path dir;

    final List<String> calls = new ArrayList<>();
    /** A fake 2-d model: (length, first char). */
    final Function<String, float[]> model = t -> {
        calls.add(t);
        return new float[] {t.length(), t.charAt(0)};
    };

    @Test
    void embedsEveryTextOnceAndResumesAfterAStop() throws IOException {
        List<String> texts = List.of("a", "bb", "ccc", "dddd");
        EmbeddingCache cache = new EmbeddingCache(dir, 2);
        int[] stopAfter = {2};
        Function<String, float[]> failing = t -> {
            if (stopAfter[0]-- == 0) {
                throw new IllegalStateException("stopped");
            }
            return model.apply(t);
        };
        assertThatThrownBy(() -> cache.embedAll("m", texts, failing, (d, n) -> {}))
                .hasMessage("stopped");
        assertThat(calls).containsExactly("a", "bb");
        // a torn last row (stop mid-write) is cut off
        Files.write(dir.resolve("embeddings.f32"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        float[][] v = cache.embedAll("m", texts, model, (d, n) -> {});
        assertThat(calls).containsExactly("a", "bb", "ccc", "dddd");
        assertThat(v).isDeepEqualTo(new float[][] {{1, 'a'}, {2, 'b'}, {3, 'c'}, {4, 'd'}});
        // all there: nothing embedded again
        assertThat(cache.embedAll("m", texts, model, (d, n) -> {})).isDeepEqualTo(v);
        assertThat(calls).hasSize(4);
    }

    @Test
    void aPrefixIsReusedAndADepartureRecomputesFromThere() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir, 2);
        cache.embedAll("m", List.of("a", "b", "c"), model, (d, n) -> {});
        // a shorter list that is a prefix: nothing embedded, nothing lost
        assertThat(cache.embedAll("m", List.of("a", "b"), model, (d, n) -> {}))
                .isDeepEqualTo(new float[][] {{1, 'a'}, {1, 'b'}});
        assertThat(calls).containsExactly("a", "b", "c");
        // a longer list: only the new tail
        cache.embedAll("m", List.of("a", "b", "c", "dd"), model, (d, n) -> {});
        assertThat(calls).containsExactly("a", "b", "c", "dd");
        // departs at position 1: rows 1.. are recomputed
        float[][] v = cache.embedAll("m", List.of("a", "x", "c"), model, (d, n) -> {});
        assertThat(calls).containsExactly("a", "b", "c", "dd", "x", "c");
        assertThat(v).isDeepEqualTo(new float[][] {{1, 'a'}, {1, 'x'}, {1, 'c'}});
        assertThat(Files.readAllLines(dir.resolve("embeddings.txt"))).containsExactly("a", "x", "c");
    }

    @Test
    void anotherModelStartsOver() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir, 2);
        cache.embedAll("m", List.of("a", "b"), model, (d, n) -> {});
        cache.embedAll("other", List.of("a", "b"), model, (d, n) -> {});
        assertThat(calls).containsExactly("a", "b", "a", "b");
    }

    @Test
    void rejectsTextsWithLineBreaks() {
        EmbeddingCache cache = new EmbeddingCache(dir, 2);
        assertThatThrownBy(() -> cache.embedAll("m", List.of("a", "b\nc"), model, (d, n) -> {}))
                .hasMessageContaining("text 1 contains a line break");
    }

    @Test
    void rejectsAnEmbeddingOfTheWrongDimension() {
        EmbeddingCache cache = new EmbeddingCache(dir, 3);
        assertThatThrownBy(() -> cache.embedAll("m", List.of("a"), model, (d, n) -> {}))
                .hasMessageContaining("has 2 dims, expected 3");
    }
}
