package io.sextant.server.cluster;

import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Test helper: {@code n} in-process peers in cluster mode on free p2p ports, peer 0 forming the
 * cluster and the others joining through it, returned once every peer is a member.
 */
public final class InProcessCluster {

    private InProcessCluster() {}

    /**
     * Starts the peers under {@code dir/peer-i}; {@code extraEnv} adds settings per peer index, and
     * {@code scheme} is the p2p URI scheme ({@code http}, or {@code https} with p2p TLS).
     */
    public static List<TestServer> start(Path dir, int n, String scheme, IntFunction<Map<String, String>> extraEnv)
            throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports.add(ClusterRoutesTest.freePort());
        }
        List<TestServer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "SEXTANT__CLUSTER__ENABLED",
                    "true",
                    "SEXTANT__CLUSTER__P2P__PORT",
                    Integer.toString(ports.get(i)),
                    "SEXTANT__CLUSTER__URI",
                    scheme + "://127.0.0.1:" + ports.get(i)));
            if (i > 0) {
                env.put("SEXTANT__CLUSTER__BOOTSTRAP", scheme + "://127.0.0.1:" + ports.get(0));
            }
            env.putAll(extraEnv.apply(i));
            peers.add(new TestServer(dir.resolve("peer-" + i), LocalShard::open, env));
            if (i == 0) {
                ClusterRoutesTest.awaitLeader(peers.get(0));
            }
        }
        for (int i = 0; i < 400; i++) {
            if (peers.get(0).get("/cluster").json().at("/result/peers").size() == n) {
                return peers;
            }
            Thread.sleep(50);
        }
        peers.forEach(TestServer::close);
        throw new AssertionError(n + " peers did not join");
    }

    /** The p2p port of a started peer, from its own {@code GET /cluster}. */
    public static int p2pPort(TestServer peer) {
        var view = peer.get("/cluster").json().get("result");
        String uri = view.at("/peers/" + view.get("peer_id").asText() + "/uri").asText();
        return java.net.URI.create(uri).getPort();
    }
}
