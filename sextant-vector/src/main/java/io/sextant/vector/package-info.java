/**
 * Distances and their kernels.
 *
 * <p>{@link io.sextant.vector.VectorKernels#get()} is the one entry point: {@link
 * io.sextant.vector.PanamaKernels} (Vector API, preferred species, four FMA accumulators, scalar
 * tail) when {@code jdk.incubator.vector} is loaded and C2 is on, else {@link
 * io.sextant.vector.ScalarKernels} with one warning. {@code -Dsextant.vector.kernels=scalar}
 * forces the fall-back (for comparisons and for diagnosing a suspected SIMD bug).
 *
 * <p>Decisions: stored vectors are little-endian float32 whatever the platform, so files move
 * between machines; kernels accumulate in float (as Qdrant and Lucene do), so scores differ from a
 * double-precision sum by float rounding only; a segment that is too short throws {@link
 * java.lang.IndexOutOfBoundsException} from the memory access itself rather than a pre-check, to
 * keep the hot path short. Benchmarks: {@code bin/bench kernels} (results in {@code bench/results}).
 */
package io.sextant.vector;
