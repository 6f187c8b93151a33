package io.sextant.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The segment kernels of {@link PanamaKernels} use the same lanes and loop structure as the array
 * kernels, so for any length and any (unaligned) byte offset the results agree to a few ulps (the
 * Vector API does not fix the order of lane reductions across compile tiers). jqwik prints the seed
 * and the shrunk counterexample on failure.
 */
class SegmentKernelsPropertyTest {
    final PanamaKernels panama = new PanamaKernels();

    @Property(tries = 300)
    void segmentMatchesArray(
            @ForAll @IntRange(min = 0, max = 600) int n,
            @ForAll @LongRange(min = 0, max = 67) long offset,
            @ForAll @IntRange(min = 0, max = 1 << 20) int dataSeed) {
        java.util.Random rnd = new java.util.Random(dataSeed);
        float[] q = PanamaKernelsTest.randomVector(rnd, n);
        float[] v = PanamaKernelsTest.randomVector(rnd, n);
        MemorySegment seg = MemorySegment.ofArray(new byte[(int) offset + 4 * n]);
        MemorySegment.copy(v, 0, seg, ScalarKernels.LE_FLOAT, offset, n);
        // Same lanes and loop structure, but the Vector API leaves the order of lane reductions
        // unspecified and it can differ between the interpreter and C2: allow a few ulps.
        assertClose(panama.dot(q, seg, offset), panama.dot(q, v));
        assertClose(panama.squareDistance(q, seg, offset), panama.squareDistance(q, v));
        assertClose(panama.manhattan(q, seg, offset), panama.manhattan(q, v));
    }

    private static void assertClose(float actual, float expected) {
        float tolerance = 1e-5f * Math.max(1f, Math.abs(expected));
        assertThat(actual).isCloseTo(expected, org.assertj.core.api.Assertions.within(tolerance));
    }
}
