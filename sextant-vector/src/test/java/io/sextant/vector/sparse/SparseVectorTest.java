package io.sextant.vector.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SparseVectorTest {
    @Test
    void sortsByUnsignedIdKeepingEachWeightWithItsId() {
        SparseVector v = SparseVector.of(new int[] {-1, 5, 0, Integer.MIN_VALUE}, new float[] {1, 2, 3, 4});
        assertThat(v.indices()).containsExactly(0, 5, Integer.MIN_VALUE, -1);
        assertThat(v.values()).containsExactly(3, 2, 4, 1);
        assertThat(v.toString()).isEqualTo("{0:3.0, 5:2.0, 2147483648:4.0, 4294967295:1.0}");
    }

    @Test
    void doesNotChangeTheCallersArrays() {
        int[] ids = {3, 1};
        float[] vals = {1, 2};
        SparseVector.of(ids, vals);
        assertThat(ids).containsExactly(3, 1);
        assertThat(vals).containsExactly(1, 2);
    }

    @Test
    void rejectsDuplicatesLengthMismatchAndNonFiniteWeights() {
        assertThatThrownBy(() -> SparseVector.of(new int[] {2, 1, 2}, new float[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> SparseVector.of(new int[] {1, 2}, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same length");
        assertThatThrownBy(() -> SparseVector.of(new int[] {1}, new float[] {Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void dotSumsProductsOverSharedIdsOnly() {
        SparseVector a = SparseVector.of(new int[] {1, 3, -2}, new float[] {1, 2, 3});
        SparseVector b = SparseVector.of(new int[] {3, -2, 7}, new float[] {10, 100, 1000});
        assertThat(a.dot(b)).isEqualTo(2 * 10 + 3 * 100);
        assertThat(b.dot(a)).isEqualTo(a.dot(b));
        assertThat(a.overlaps(b)).isTrue();
        assertThat(a.overlaps(SparseVector.of(new int[] {2}, new float[] {1}))).isFalse();
        assertThat(a.dot(SparseVector.EMPTY)).isZero();
    }

    @Test
    void equalityIsByContent() {
        assertThat(SparseVector.of(new int[] {2, 1}, new float[] {1, 2}))
                .isEqualTo(new SparseVector(new int[] {1, 2}, new float[] {2, 1}))
                .hasSameHashCodeAs(new SparseVector(new int[] {1, 2}, new float[] {2, 1}));
    }
}
