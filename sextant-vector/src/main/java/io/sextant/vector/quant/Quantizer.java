package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;

/**
 * A trained vector codec: encodes float32 vectors of one dimension into fixed-size codes and scores
 * queries against codes. Implementations are immutable after training and thread-safe; a scorer
 * from {@link #scorer} belongs to one thread.
 *
 * <p>Codes are laid out back to back: the code of ordinal {@code i} is the {@link #codeBytes()}
 * bytes at {@code i * codeBytes()} of the codes segment. {@link #params()} serializes everything
 * needed to score (ranges, thresholds, centroids), little-endian; {@link Quantizers#read} reverses it.
 */
public interface Quantizer {

    /** Which codec this is, stored in code files. */
    enum Kind {
        SCALAR_INT8,
        BINARY,
        PRODUCT,
        TURBO
    }

    Kind kind();

    Distance distance();

    int dimension();

    /** Bytes of one code. */
    int codeBytes();

    /** Encodes {@code vector} into the {@link #codeBytes()} bytes at {@code offset} of {@code dst}. */
    void encode(float[] vector, MemorySegment dst, long offset);

    /** A scorer of {@code query} against the codes in {@code codes} (ordinal {@code i} at {@code i * codeBytes()}). */
    OrdinalScorer scorer(float[] query, MemorySegment codes);

    /** The trained parameters, little-endian. */
    byte[] params();
}
