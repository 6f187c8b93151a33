package io.sextant.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.sparse.SparseCorpus.Weights;
import io.sextant.vector.sparse.SparseVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.zip.CRC32C;

/** Helpers shared by the corruption and fuzz tests of the sparse index file. */
final class SparseIndexFiles {
    private SparseIndexFiles() {}

    /** A small real file: some lists span several blocks, ids include values >= 2^31. */
    static byte[] smallIndex(Path scratch, long seed, int docs, SparseValueType type) throws Exception {
        SparseCorpus corpus = new SparseCorpus(seed, docs, 24, 6, Weights.MIXED);
        SparseIndexWriter.write(scratch, docs, ord -> corpus.vectors[ord], type);
        return Files.readAllBytes(scratch);
    }

    /** {@code file} with its trailing CRC32C recomputed over the preceding bytes. */
    static byte[] withCrc(byte[] file) {
        byte[] out = file.clone();
        if (out.length < 4) {
            return out;
        }
        CRC32C crc = new CRC32C();
        crc.update(out, 0, out.length - 4);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(out.length - 4, (int) crc.getValue());
        return out;
    }

    /**
     * Checks that an index that opened answers like brute force over the postings it decodes: the
     * "never a wrong answer" property of every file {@link MmapSparseIndex#open} accepts.
     */
    static void assertConsistent(MmapSparseIndex index, String context) {
        SparseVector[] decoded = MmapSparseIndexTest.decodedVectors(index);
        int[] dims = new int[Math.min(index.dimCount(), 16)];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = index.dimIdAt(i);
        }
        long postings = 0;
        for (SparseVector v : decoded) {
            postings += v == null ? 0 : v.size();
        }
        assertThat(postings).as(context).isEqualTo(index.postingCount());
        IntPredicate odd = ord -> (ord & 1) == 1;
        for (int start = 0; start < dims.length; start += 3) {
            int[] ids = Arrays.copyOfRange(dims, start, Math.min(dims.length, start + 4));
            float[] positive = new float[ids.length];
            float[] mixed = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                positive[i] = 0.5f + i;
                mixed[i] = i % 2 == 0 ? 1.5f : -0.75f;
            }
            for (SparseVector q : new SparseVector[] {SparseVector.of(ids, positive), SparseVector.of(ids, mixed)}) {
                for (IntPredicate accept : new IntPredicate[] {null, odd}) {
                    for (int k : new int[] {1, 5, 1000}) {
                        SparseTopK expected = SparseCorpus.bruteForce(decoded, q, k, accept);
                        SparseTopK actual = index.search(q, k, accept);
                        assertThat(actual.ordinals()).as(context + " " + q).containsExactly(expected.ordinals());
                        assertThat(actual.scores()).as(context + " " + q).containsExactly(expected.scores());
                    }
                }
                assertThat(index.docFrequency(ids[0])).as(context).isPositive();
            }
        }
    }
}
