package io.sextant.segment.vectorindex;

import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import java.lang.foreign.MemorySegment;

/**
 * The quantized codes of one named vector of one segment, addressed by segment offset, with the
 * quantizer that reads them. The codes are either resident off-heap memory or a read-only mapping
 * (see {@link QuantizedVectorsFile#read}); both belong to automatic arenas, so a reader still
 * holding a retired segment stays safe. Immutable, thread-safe.
 *
 * @param spec the configuration the codes were built for
 * @param quantizer the trained codec
 * @param codes {@code count * quantizer.codeBytes()} bytes
 * @param count the number of codes (the segment's offset count)
 * @param resident whether the codes live in RAM rather than in a paged mapping
 */
public record QuantizedVectors(
        QuantizerSpec spec, Quantizer quantizer, MemorySegment codes, int count, boolean resident) {

    /** A scorer of {@code query} (already normalized for Cosine) against the codes. */
    public OrdinalScorer scorer(float[] query) {
        return Quantizers.scorer(quantizer, spec, query, codes);
    }

    /**
     * Reads one byte of every cache line of the codes of ordinals {@code first .. first + n)} and
     * returns their sum: a software prefetch. A graph walk scores a node's unvisited neighbours
     * together ({@link io.sextant.index.VectorScorer#bulkScore}); touching all their codes first lets
     * the cache misses of scattered codes overlap instead of stalling each dot product in turn (the
     * JIT keeps the loads because the caller uses the sum).
     */
    public long touch(long first, int n) {
        int stride = quantizer.codeBytes();
        long from = first * stride;
        long to = Math.min(codes.byteSize(), from + (long) n * stride);
        long sum = 0;
        for (long at = from; at < to; at += 64) {
            sum += codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at);
        }
        if (to > from) {
            sum += codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, to - 1);
        }
        return sum;
    }

    /** A graph-walk scorer of {@code query} whose bulk calls {@link #touch} every code first. */
    public io.sextant.index.VectorScorer prefetchingScorer(float[] query) {
        OrdinalScorer qs = scorer(query);
        return new io.sextant.index.VectorScorer() {
            @Override
            public float score(int ordinal) {
                return qs.score(ordinal);
            }

            @Override
            public void bulkScore(int[] ordinals, int count, float[] out) {
                long touched = 0;
                for (int i = 0; i < count; i++) {
                    touched += touch(ordinals[i], 1);
                }
                if (touched == Long.MIN_VALUE) { // never: keeps the reads
                    throw new AssertionError();
                }
                for (int i = 0; i < count; i++) {
                    out[i] = qs.score(ordinals[i]);
                }
            }
        };
    }

    /** Bytes held by the codes. */
    public long bytes() {
        return codes.byteSize();
    }
}
