package io.sextant.collection.strict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrictModeConfigJsonTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    @Test
    void roundTripsAndLeavesUnsetFieldsOut() throws Exception {
        JsonNode in = json("{\"enabled\":true,\"max_query_limit\":10,\"search_max_oversampling\":1.5,"
                + "\"multivector_config\":{\"m\":{\"max_vectors\":5}},\"sparse_config\":{\"s\":{\"max_length\":4}}}");
        StrictModeConfig c = StrictModeConfigJson.fromJson(in, "strict_mode_config");
        assertThat(c.maxQueryLimit()).isEqualTo(10);
        assertThat(c.multivectorMaxVectors()).containsEntry("m", 5);
        assertThat(StrictModeConfigJson.toJson(c)).isEqualTo(in);
        assertThat(StrictModeConfigJson.toJson(StrictModeConfig.DISABLED)).isEqualTo(json("{\"enabled\":false}"));
    }

    @Test
    void mergeReplacesOnlySetFieldsAndNullDoesNotUnset() throws Exception {
        StrictModeConfig base = StrictModeConfigJson.fromJson(json("{\"enabled\":true,\"write_rate_limit\":1}"), "");
        StrictModeConfig next = base.merge(
                StrictModeConfigJson.fromJson(json("{\"read_rate_limit\":2,\"write_rate_limit\":null}"), ""));
        assertThat(next.enabled()).isTrue();
        assertThat(next.readRateLimit()).isEqualTo(2);
        assertThat(next.writeRateLimit()).isEqualTo(1);
    }

    @Test
    void wrongTypeIsFormatErrorAndOutOfRangeIsValidation() throws Exception {
        assertThatThrownBy(() -> StrictModeConfigJson.fromJson(json("{\"max_query_limit\":\"x\"}"), "s"))
                .isInstanceOfSatisfying(StrictModeConfigJson.BadField.class, e -> assertThat(e.validation())
                        .isFalse());
        assertThatThrownBy(() -> StrictModeConfigJson.fromJson(json("{\"max_query_limit\":0}"), "s"))
                .isInstanceOfSatisfying(StrictModeConfigJson.BadField.class, e -> {
                    assertThat(e.validation()).isTrue();
                    assertThat(e.path()).isEqualTo("s.max_query_limit");
                });
        assertThatThrownBy(() -> StrictModeConfigJson.fromJson(json("{\"bogus\":1}"), "s"))
                .isInstanceOf(StrictModeConfigJson.BadField.class);
    }
}
