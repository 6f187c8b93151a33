package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.vector.Distance;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which payload fields get payload-aware graph links. */
class SegmentIndexBuilderLinksTest {

    @Test
    void aFieldWithEnableHnswFalseGetsNoLinks() {
        VectorSpec spec = new VectorSpec(4, Distance.DOT, false);
        PayloadIndexSpec off =
                new PayloadIndexSpec(PayloadSchemaType.KEYWORD, true, null, null, null, null, null, null, null, false);
        PayloadIndexSpec on =
                new PayloadIndexSpec(PayloadSchemaType.KEYWORD, true, null, null, null, null, null, null, null, true);
        assertThat(SegmentIndexBuilder.linkFields(
                        spec, Map.of("a", off, "b", on, "c", PayloadIndexSpec.of(PayloadSchemaType.INTEGER))))
                .containsExactly("b:KEYWORD:tenant", "c:INTEGER");
    }
}
