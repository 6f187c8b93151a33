package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster and issues endpoints of a standalone node, as Qdrant answers them. */
class StandaloneRoutesApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void clusterStatusIsDisabledAndConsensusOperationsAre405() {
        assertThat(s.get("/cluster").json().at("/result/status").asText()).isEqualTo("disabled");
        Response recover = s.post("/cluster/recover", null);
        assertThat(recover.status()).isEqualTo(405);
        assertThat(recover.json().at("/status/error").asText()).isEqualTo("Qdrant is running in standalone mode");
        Response peer = s.call("DELETE", "/cluster/peer/1", null);
        assertThat(peer.status()).isEqualTo(405);
        assertThat(peer.json().at("/status/error").asText()).contains("standalone mode");
    }

    @Test
    void issuesAreAnEmptyListAndClearAnswersTrue() {
        Response issues = s.get("/issues");
        assertThat(issues.status()).isEqualTo(200);
        assertThat(issues.json().at("/result/issues").isArray()).isTrue();
        assertThat(issues.json().at("/result/issues").size()).isZero();
        Response cleared = s.call("DELETE", "/issues", null);
        assertThat(cleared.json().at("/result").asBoolean()).isTrue();
    }

    @Test
    void buildCommitIsFortyHexOrZeros() {
        assertThat(BuildInfo.parse("ABCDEF0123456789abcdef0123456789abcdef01"))
                .isEqualTo("abcdef0123456789abcdef0123456789abcdef01");
        assertThat(BuildInfo.parse("dirty")).isEqualTo("0".repeat(40));
        assertThat(BuildInfo.parse(null)).isEqualTo(BuildInfo.UNKNOWN_COMMIT);
    }
}
