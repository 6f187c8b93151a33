package io.sextant.segment.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code slice}: disjoint slots that cover every id, numeric and UUID, roughly evenly. */
class SliceConditionTest {

    @Test
    void slicesPartitionIdsEvenly() {
        List<PointId> ids = new ArrayList<>();
        for (long i = 0; i < 2000; i++) {
            ids.add(PointId.of(i));
            ids.add(new PointId.Uuid(new UUID(0, i)));
        }
        int total = 4;
        int[] sizes = new int[total];
        for (PointId id : ids) {
            int in = 0;
            for (int index = 0; index < total; index++) {
                if (new Condition.SliceCondition(total, index).contains(id)) {
                    in++;
                    sizes[index]++;
                }
            }
            assertThat(in).as("id %s in exactly one slice", id).isEqualTo(1);
        }
        for (int s : sizes) {
            assertThat(s).isBetween(800, 1200); // 1000 expected each
        }
        assertThat(new Condition.SliceCondition(1, 0).contains(PointId.of(-5))).isTrue();
    }

    @Test
    void badSlicesAreRefused() {
        assertThatThrownBy(() -> new Condition.SliceCondition(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Condition.SliceCondition(4, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
