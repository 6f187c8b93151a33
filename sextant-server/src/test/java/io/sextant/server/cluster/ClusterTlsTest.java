package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.cluster.PeerTls;
import io.sextant.cluster.PeerTlsContexts;
import io.sextant.cluster.shard.PeerChannels;
import io.sextant.cluster.shard.PeerCredential;
import io.sextant.cluster.shard.RemoteShard;
import io.sextant.cluster.shard.ShardCallTimeouts;
import io.sextant.server.testing.TestServer;
import io.sextant.server.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.p2p.enable_tls}: two peers whose p2p port speaks only mutual TLS. Raft (the join,
 * the metadata log) and the internal shard service (replicated writes, reads of the other peer's
 * replica) work across it; a client without TLS, or with a certificate from another CA, gets
 * nothing from the shard service.
 */
class ClusterTlsTest {

    @TempDir
    static Path dir;

    private static TestPki pki;
    /** A second CA and a leaf of it, made while the peers start (keytool is slow). */
    private static java.util.concurrent.CompletableFuture<TestPki> otherPki;

    private static final List<TestServer> peers = new ArrayList<>();

    @BeforeAll
    static void startPeers() throws Exception {
        otherPki = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                TestPki other = new TestPki(Files.createDirectories(dir.resolve("other-pki")));
                other.issue("intruder", "intruder", true);
                return other;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        for (int i = 0; i < 2; i++) {
            pki.issue("peer" + i, "peer" + i, true);
        }
        peers.addAll(InProcessCluster.start(
                dir,
                2,
                "https",
                i -> Map.of(
                        "SEXTANT__CLUSTER__P2P__ENABLE_TLS", "true",
                        "SEXTANT__TLS__CERT", pki.pem("peer" + i).toString(),
                        "SEXTANT__TLS__KEY", pki.key("peer" + i).toString(),
                        "SEXTANT__TLS__CA_CERT", pki.caPem().toString())));
    }

    @AfterAll
    static void stopPeers() {
        peers.forEach(TestServer::close);
    }

    @Test
    void replicatedWritesAndReadsCrossTheTlsLink() throws Exception {
        TestServer one = peers.get(0);
        TestServer two = peers.get(1);
        assertThat(one.put(
                                "/collections/c",
                                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":2,"
                                        + "\"replication_factor\":2}")
                        .status())
                .isEqualTo(200);
        String points = IntStream.range(1, 41)
                .mapToObj(i -> "{\"id\":" + i + ",\"vector\":[" + i + ",1,0,0],\"payload\":{\"n\":" + i + "}}")
                .reduce((a, b) -> a + "," + b)
                .orElseThrow();
        assertThat(one.put("/collections/c/points?wait=true", "{\"points\":[" + points + "]}")
                        .status())
                .isEqualTo(200);
        // consistency=all needs the answer of every replica: the local one and the other peer's over TLS
        for (TestServer p : peers) {
            TestServer.Response count = p.post("/collections/c/points/count?consistency=all", "{\"exact\":true}");
            assertThat(count.status()).as(count.text()).isEqualTo(200);
            assertThat(count.json().at("/result/count").asLong()).isEqualTo(40);
        }
        JsonNode cluster = two.get("/collections/c/cluster").json().get("result");
        assertThat(cluster.get("shard_count").asInt()).isEqualTo(2);
    }

    @Test
    void theShardServiceRefusesPlaintextAndForeignCertificates() throws Exception {
        TestServer one = peers.get(0);
        assertThat(one.put(
                                "/collections/guarded",
                                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":1,\"replication_factor\":2}")
                        .status())
                .isEqualTo(200);
        // replication_factor 2: both peers hold shard 0, so peer 0 answers for it
        String address = "127.0.0.1:" + InProcessCluster.p2pPort(one);
        ShardCallTimeouts timeouts = ShardCallTimeouts.all(Duration.ofSeconds(5));

        try (PeerChannels plain = new PeerChannels(PeerCredential.NONE)) {
            RemoteShard shard = new RemoteShard(plain, address, "guarded", 0, timeouts);
            assertThatThrownBy(() -> shard.count(null, true)).hasMessageContaining(address);
        }

        TestPki other = otherPki.get();
        PeerTls foreign = new PeerTls(other.pem("intruder"), other.key("intruder"), pki.caPem());
        try (PeerChannels tls = new PeerChannels(PeerCredential.NONE, PeerTlsContexts.shardChannels(foreign))) {
            RemoteShard shard = new RemoteShard(tls, address, "guarded", 0, timeouts);
            assertThatThrownBy(() -> shard.count(null, true)).hasMessageContaining(address);
        }

        PeerTls member = new PeerTls(pki.pem("peer1"), pki.key("peer1"), pki.caPem());
        try (PeerChannels tls = new PeerChannels(PeerCredential.NONE, PeerTlsContexts.shardChannels(member))) {
            RemoteShard shard = new RemoteShard(tls, address, "guarded", 0, timeouts);
            assertThat(shard.count(null, true)).isZero();
        }
    }
}
