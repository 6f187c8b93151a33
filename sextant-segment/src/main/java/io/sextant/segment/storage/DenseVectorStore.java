package io.sextant.segment.storage;

import io.sextant.index.ScoreFunction;
import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;

/**
 * The dense vectors of one named vector of one segment, addressed by segment offset: one vector
 * per point ({@link MmapVectorStorage}) or several of one dimension per point ({@link
 * MultiVectorStorage}, whose values are the point's vectors concatenated). One writer ({@link
 * #put}) and any number of readers, as the segment publishes offsets.
 */
public interface DenseVectorStore {

    /** Stores {@code v} at {@code offset} (appendable storage only). Writer only. */
    void put(int offset, float[] v);

    /** A copy of the value at {@code offset} (multivectors: the vectors concatenated). */
    float[] get(int offset);

    /** The value at {@code offset} as scored: {@link #get}, each vector normalized when {@code normalize}. */
    float[] scoringVector(int offset, boolean normalize);

    /**
     * Qdrant's score of query {@code q} (normalized already for Cosine) against the value at {@code
     * offset}; for multivectors {@code q} is the query's vectors concatenated and the score is
     * max_sim.
     */
    float score(Distance distance, float[] q, int offset, boolean normalize);

    /**
     * The graph-side similarity ({@link ScoreFunction}, higher is closer) of {@code q} to the value at
     * {@code offset}: for multivectors, {@code q} is split into its vectors of {@link #dim()} and the
     * result is the max_sim sum.
     */
    float similarity(ScoreFunction f, float[][] q, int offset, boolean normalize);

    /** Whether {@code offset} is covered by the stored data. */
    boolean holds(int offset);

    /** Contiguous float32 rows of one vector per point (read-only storage), else null. */
    MemorySegment rows();

    /** Components per vector. */
    int dim();

    /** Makes written data durable (appendable storage; no-op otherwise). */
    void force();

    /** Releases file handles. */
    void close();
}
