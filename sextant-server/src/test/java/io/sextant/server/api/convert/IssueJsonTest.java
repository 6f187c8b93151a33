package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.server.issues.IssueBoard;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IssueJsonTest {

    @Test
    void uriEncodesTheCollectionNameAsAPathSegment() {
        assertThat(IssueJson.pathSegment("a b~c*d/é")).isEqualTo("a%20b~c%2Ad%2F%C3%A9");
        ObjectNode i = IssueJson.write(new IssueBoard.UnindexedField(
                "my coll", "a.b", Set.of("keyword"), Instant.parse("2026-01-02T03:04:05.123Z")));
        assertThat(i.get("id").asText()).isEqualTo("UNINDEXED_FIELD/my coll/a.b");
        assertThat(i.at("/solution/immediate/action/uri").asText()).isEqualTo("/collections/my%20coll/index");
        assertThat(i.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05.123Z");
    }
}
