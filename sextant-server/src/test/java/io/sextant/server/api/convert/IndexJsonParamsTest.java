package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import org.junit.jupiter.api.Test;

/** Index params besides text options: {@code enable_hnsw} echo and Qdrant's validation rules. */
class IndexJsonParamsTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static PayloadIndexSpec parse(String schema) throws Exception {
        return IndexJson.parseSchema(M.readTree(schema), "field_schema");
    }

    @Test
    void enableHnswIsKeptAndEchoedOnlyWhenGiven() throws Exception {
        PayloadIndexSpec on = parse("{\"type\":\"geo\",\"enable_hnsw\":true}");
        assertThat(IndexJson.writeParams(on).toString()).isEqualTo("{\"type\":\"geo\",\"enable_hnsw\":true}");
        PayloadIndexSpec off = parse("{\"type\":\"keyword\",\"is_tenant\":true,\"enable_hnsw\":false}");
        assertThat(off.linksInHnsw()).isFalse();
        assertThat(IndexJson.writeParams(off).get("enable_hnsw").asBoolean(true))
                .isFalse();
        assertThat(parse("\"keyword\"").hasParams()).isFalse();
    }

    @Test
    void integerIndexNeedsLookupOrRange() throws Exception {
        assertThatThrownBy(() -> parse("{\"type\":\"integer\",\"lookup\":false,\"range\":false}"))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.UNPROCESSABLE))
                .hasMessage("Validation error: the 'lookup' and 'range' capabilities can't be both disabled");
        assertThat(parse("{\"type\":\"integer\",\"lookup\":false,\"range\":true}")
                        .range())
                .isTrue();
    }
}
