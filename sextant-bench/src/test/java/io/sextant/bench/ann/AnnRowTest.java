package io.sextant.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnnRowTest {
    @Test
    void csvRoundTripKeepsQuotedNotes() {
        AnnRow build = AnnRow.build("wordnet-bge384", "lucene", 12.5, 1.25, 300, 180, "M=16, \"beam\"=100");
        assertThat(AnnRow.parse(build.toCsv())).isEqualTo(build);
        AnnRow search = AnnRow.search("wordnet-bge384", "sextant", "pos-verb", 2, 80, 0.9712, 1234.5, 0.5, 2.25, "");
        AnnRow parsed = AnnRow.parse(search.toCsv());
        assertThat(parsed).isEqualTo(search);
        assertThat(parsed.kind()).isEqualTo("filtered");
    }

    @Test
    void rejectsWrongFieldCount() {
        assertThatThrownBy(() -> AnnRow.parse("a,b,c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 3");
    }
}
