package io.sextant.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.index.sparse.SparseCorpus.Weights;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MmapSparseIndexTest {
    private static final long SEED = Long.getLong("sextant.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    static MmapSparseIndex writeAndOpen(Path file, SparseVector[] vectors, SparseValueType type, boolean onDisk)
            throws Exception {
        SparseIndexWriter.write(file, vectors.length, ord -> vectors[ord], type);
        return MmapSparseIndex.open(file, onDisk);
    }

    /** The vectors as the index decodes them (ordinal → vector), for brute force over lossy types. */
    static SparseVector[] decodedVectors(MmapSparseIndex index) {
        // by ordinal, then sized to the last ordinal with postings: a damaged header (a flipped bit,
        // checksum recomputed) can claim an ordinal limit of 2^30, which an array per ordinal up to
        // the limit would not survive; the ordinals past the last posting hold no vector either way
        TreeMap<Integer, Map<Integer, Float>> rows = new TreeMap<>();
        index.forEachPosting((dim, ord, weight) ->
                rows.computeIfAbsent(ord, o -> new TreeMap<>()).put(dim, weight));
        // (one slot per ordinal below the limit as long as that stays small, as the callers expect)
        long lastUsed = rows.isEmpty() ? 0 : rows.lastKey() + 1L;
        SparseVector[] out = new SparseVector[(int) Math.min(index.ordinalLimit(), Math.max(1 << 16, lastUsed))];
        for (int i = 0; i < out.length; i++) {
            Map<Integer, Float> row = rows.get(i);
            if (row != null) {
                int[] ids = row.keySet().stream().mapToInt(Integer::intValue).toArray();
                float[] values = new float[ids.length];
                for (int j = 0; j < ids.length; j++) {
                    values[j] = row.get(ids[j]);
                }
                out[i] = SparseVector.of(ids, values);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void float32MatchesBruteForceOverTheOriginalVectors(boolean onDisk) throws Exception {
        SparseCorpus corpus = new SparseCorpus(SEED, 40_000, 2_000, 24, Weights.POSITIVE);
        try (MmapSparseIndex index =
                writeAndOpen(dir.resolve("f32.sparse"), corpus.vectors, SparseValueType.FLOAT32, onDisk)) {
            assertThat(index.onDisk()).isEqualTo(onDisk);
            assertThat(dir.resolve("f32.sparse.tmp")).doesNotExist();
            MutableSparseIndexTest.assertMatchesBruteForce(index, corpus, Weights.POSITIVE, 120);
            MutableSparseIndexTest.assertMatchesBruteForce(index, corpus, Weights.MIXED, 40);
        }
    }

    @Test
    void tiesAndNegativeDocumentWeightsMatchBruteForce() throws Exception {
        SparseCorpus ties = new SparseCorpus(SEED + 1, 36_000, 300, 10, Weights.INTEGER);
        try (MmapSparseIndex index =
                writeAndOpen(dir.resolve("ties.sparse"), ties.vectors, SparseValueType.FLOAT32, false)) {
            MutableSparseIndexTest.assertMatchesBruteForce(index, ties, Weights.INTEGER, 120);
        }
        SparseCorpus mixed = new SparseCorpus(SEED + 2, 6_000, 500, 16, Weights.MIXED);
        try (MmapSparseIndex index =
                writeAndOpen(dir.resolve("mixed.sparse"), mixed.vectors, SparseValueType.FLOAT32, true)) {
            MutableSparseIndexTest.assertMatchesBruteForce(index, mixed, Weights.MIXED, 150);
            MutableSparseIndexTest.assertMatchesBruteForce(index, mixed, Weights.POSITIVE, 100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT16", "UINT8"})
    void lossyTypesAreExactOverTheDecodedWeightsAndClose(String typeName) throws Exception {
        SparseValueType type = SparseValueType.valueOf(typeName);
        SparseCorpus corpus = new SparseCorpus(SEED + 3, 8_000, 1_000, 20, Weights.MIXED);
        try (MmapSparseIndex index = writeAndOpen(dir.resolve("lossy.sparse"), corpus.vectors, type, false)) {
            assertThat(index.valueType()).isEqualTo(type);
            SparseVector[] decoded = decodedVectors(index);
            double tolerance = type == SparseValueType.FLOAT16 ? 2e-3 : 4.0 / 255 / 2 + 1e-6; // weights in [-2, 2]
            for (int ord = 0; ord < corpus.vectors.length; ord++) {
                SparseVector original = corpus.vectors[ord];
                if (original == null || original.isEmpty()) {
                    assertThat(decoded[ord])
                            .as("seed %d ordinal %d", SEED + 3, ord)
                            .isNull();
                    continue;
                }
                assertThat(decoded[ord].indices()).containsExactly(original.indices());
                for (int i = 0; i < original.size(); i++) {
                    assertThat((double) decoded[ord].values()[i])
                            .as("seed %d ordinal %d", SEED + 3, ord)
                            .isCloseTo(original.values()[i], org.assertj.core.data.Offset.offset(tolerance));
                }
            }
            SparseCorpus asDecoded = corpus.withVectors(decoded);
            MutableSparseIndexTest.assertMatchesBruteForce(index, asDecoded, Weights.POSITIVE, 150);
            MutableSparseIndexTest.assertMatchesBruteForce(index, asDecoded, Weights.MIXED, 60);
        }
    }

    @Test
    void lossyTypesSaturateInsteadOfOverflowing() throws Exception {
        SparseVector[] vectors = {
            SparseVector.of(new int[] {1, 2}, new float[] {1e6f, -3e38f}),
            SparseVector.of(new int[] {1}, new float[] {Float.MAX_VALUE})
        };
        for (SparseValueType type : SparseValueType.values()) {
            try (MmapSparseIndex index = writeAndOpen(dir.resolve(type + ".sparse"), vectors, type, false)) {
                SparseTopK top = index.search(SparseVector.of(new int[] {1}, new float[] {1}), 5, null);
                assertThat(top.ordinals()).as(type.name()).containsExactlyInAnyOrder(0, 1);
                assertThat(top.score(0)).as(type.name()).isFinite().isGreaterThanOrEqualTo(65504f);
            }
        }
    }

    @Test
    void countsLimitsAndEmptyIndexes() throws Exception {
        SparseCorpus corpus = new SparseCorpus(SEED + 4, 3_000, 300, 12, Weights.POSITIVE);
        MutableSparseIndex reference = MutableSparseIndexTest.build(corpus.vectors);
        try (MmapSparseIndex index =
                writeAndOpen(dir.resolve("c.sparse"), corpus.vectors, SparseValueType.FLOAT32, true)) {
            assertThat(index.ordinalLimit()).isEqualTo(corpus.vectors.length);
            assertThat(index.postingCount()).isEqualTo(reference.postingCount());
            for (int id : corpus.vocabulary) {
                assertThat(index.docFrequency(id)).isEqualTo(reference.docFrequency(id));
            }
            assertThat(index.docFrequency(0x7fff_fff7)).isZero();
            assertThat(index.search(SparseVector.EMPTY, 10, null).size()).isZero();
            assertThatThrownBy(() -> index.search(SparseVector.EMPTY, -1, null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        SparseVector[] none = new SparseVector[50];
        try (MmapSparseIndex index = writeAndOpen(dir.resolve("e.sparse"), none, SparseValueType.UINT8, false)) {
            assertThat(index.ordinalLimit()).isEqualTo(50);
            assertThat(index.postingCount()).isZero();
            assertThat(index.search(corpus.query(3, Weights.POSITIVE), 10, null).size())
                    .isZero();
        }
        try (MmapSparseIndex index =
                writeAndOpen(dir.resolve("z.sparse"), new SparseVector[0], SparseValueType.FLOAT16, true)) {
            assertThat(index.ordinalLimit()).isZero();
        }
    }

    @Test
    void rewritingReplacesTheFileAtomically() throws Exception {
        Path file = dir.resolve("r.sparse");
        SparseVector a = SparseVector.of(new int[] {7}, new float[] {1});
        SparseIndexWriter.write(file, 1, ord -> a, SparseValueType.FLOAT32);
        SparseIndexWriter.write(file, 3, ord -> ord == 2 ? a : null, SparseValueType.FLOAT32);
        try (MmapSparseIndex index = MmapSparseIndex.open(file, false)) {
            assertThat(index.search(a, 10, null).ordinals()).containsExactly(2);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("r.sparse");
        }
        assertThatThrownBy(() -> SparseIndexWriter.write(
                        file,
                        1,
                        ord -> new SparseVector(new int[] {1}, new float[] {Float.NaN}),
                        SparseValueType.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
