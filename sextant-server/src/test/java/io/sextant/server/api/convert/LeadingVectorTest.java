package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link QueryBody#leadingVector} takes the bodies clients send (so the byte path is really used)
 * and declines the rest; that its answers equal the parser's is {@code QueryBodyTest}'s job.
 */
class LeadingVectorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static QueryBody lead(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return QueryBody.leadingVector(MAPPER, b, b.length);
    }

    @Test
    void takesQueryFirstBodiesWithPlainNumbers() {
        QueryBody compact = lead("{\"query\":[0.5,-1,2e-3,0],\"limit\":10,\"params\":{\"hnsw_ef\":32}}");
        assertThat(compact).isNotNull();
        assertThat(compact.vector()).containsExactly(0.5f, -1f, 2e-3f, 0f);
        assertThat(compact.tree().get("limit").intValue()).isEqualTo(10);
        assertThat(compact.tree().has("query")).isFalse();
        QueryBody spaced = lead(" { \"query\" : [ 0.25 , 1E2 ] , \"limit\" : 3 }\n"); // Python's json.dumps
        assertThat(spaced).isNotNull();
        assertThat(spaced.vector()).containsExactly(0.25f, 100f);
        assertThat(spaced.tree().get("limit").intValue()).isEqualTo(3);
        assertThat(lead("{\"query\":[1,2]}").tree().size()).isZero();
    }

    @Test
    void declinesEverythingElse() {
        assertThat(lead("{\"limit\":3,\"query\":[1]}")).isNull(); // query not first
        assertThat(lead("{\"query\":[]}")).isNull();
        assertThat(lead("{\"query\":[1,2],\"query\":[3]}")).isNull(); // repeated: the parser decides
        assertThat(lead("{\"query\":[01]}")).isNull();
        assertThat(lead("{\"query\":[1.]}")).isNull();
        assertThat(lead("{\"query\":[0.12345678901234567]}")).isNull(); // beyond the exact fast path
        assertThat(lead("{\"query\":[1],}")).isNull();
        assertThat(lead("{\"query\":[1]} 2")).isNull();
        assertThat(lead("{\"query\":[1],\"limit\":3} 2")).isNull();
        assertThat(lead("{\"query\":[1,2]")).isNull();
        assertThat(lead("{\"query\":{\"nearest\":[1]}}")).isNull();
        assertThat(lead("{\"\\u0071uery\":[1]}")).isNull();
    }
}
