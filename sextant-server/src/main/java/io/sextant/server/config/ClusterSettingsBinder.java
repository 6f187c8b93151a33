package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.cluster.ClusterSettings;
import io.sextant.cluster.PeerLiveness;
import io.sextant.cluster.PeerTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Binds Qdrant's {@code cluster} section ({@code enabled}, {@code p2p.port}, {@code p2p.enable_tls}
 * with the {@code tls} section's files, {@code consensus.tick_period_ms}), Sextant's {@code
 * transfer.points_per_second} and {@code peer_unresponsive_ms}, Qdrant's {@code
 * storage.shard_transfer_method}, and the {@code --uri} / {@code --bootstrap} flags (also settable as
 * {@code cluster.uri} / {@code cluster.bootstrap}, e.g. {@code SEXTANT__CLUSTER__BOOTSTRAP}) into
 * {@link ClusterSettings}. Stateless.
 */
final class ClusterSettingsBinder {

    private ClusterSettingsBinder() {}

    static void defaults(ObjectNode root) {
        ObjectNode cluster = root.putObject("cluster");
        cluster.put("enabled", false);
        cluster.putObject("p2p").put("port", 6335).put("enable_tls", false);
        cluster.putObject("consensus").put("tick_period_ms", 100);
        cluster.putObject("transfer").put("points_per_second", ClusterSettings.DEFAULT_TRANSFER_POINTS_PER_SECOND);
        cluster.put("peer_unresponsive_ms", PeerLiveness.DEFAULT_UNRESPONSIVE_MILLIS);
    }

    static void applyCli(ObjectNode root, String uri, String bootstrap) {
        ObjectNode cluster = (ObjectNode) ConfigLoader.section(root, "cluster");
        if (uri != null) {
            cluster.put("uri", uri);
        }
        if (bootstrap != null) {
            cluster.put("bootstrap", bootstrap);
        }
    }

    static ClusterSettings bind(ObjectNode root) {
        JsonNode cluster = ConfigLoader.section(root, "cluster");
        JsonNode p2p = cluster.path("p2p");
        JsonNode consensus = cluster.path("consensus");
        JsonNode transfer = cluster.path("transfer");
        return new ClusterSettings(
                SecurityConfigBinder.bool(cluster, "cluster.enabled"),
                p2p.has("port") ? ConfigLoader.integer(p2p, "cluster.p2p.port") : 6335,
                consensus.has("tick_period_ms")
                        ? ConfigLoader.integer(consensus, "cluster.consensus.tick_period_ms")
                        : 100,
                uri(cluster, "uri"),
                uri(cluster, "bootstrap"),
                transfer.has("points_per_second")
                        ? ConfigLoader.integer(transfer, "cluster.transfer.points_per_second")
                        : ClusterSettings.DEFAULT_TRANSFER_POINTS_PER_SECOND,
                cluster.has("peer_unresponsive_ms")
                        ? ConfigLoader.integer(cluster, "cluster.peer_unresponsive_ms")
                        : PeerLiveness.DEFAULT_UNRESPONSIVE_MILLIS,
                SecurityConfigBinder.bool(p2p, "cluster.p2p.enable_tls")
                        ? peerTls(ConfigLoader.section(root, "tls"))
                        : null,
                transferMethod(ConfigLoader.section(root, "storage")));
    }

    /** {@code storage.shard_transfer_method}: null (or {@code null} / empty text from a variable) means none. */
    private static String transferMethod(JsonNode storage) {
        JsonNode n = storage.get("shard_transfer_method");
        if (n == null || n.isNull() || ConfigKeyCheck.normalise(n).equals("null")) {
            return null;
        }
        return n.asText().trim();
    }

    /** {@code cluster.p2p.enable_tls}: the node's {@code tls.cert}, {@code tls.key} and {@code tls.ca_cert}, all required. */
    private static PeerTls peerTls(JsonNode tls) {
        return new PeerTls(path(tls, "cert"), path(tls, "key"), path(tls, "ca_cert"));
    }

    private static Path path(JsonNode section, String key) {
        JsonNode n = section.get(key);
        return n == null || n.isNull() || n.asText().isBlank()
                ? null
                : Path.of(n.asText().trim());
    }

    private static URI uri(JsonNode cluster, String key) {
        JsonNode n = cluster.get(key);
        if (n == null || n.isNull() || n.asText().isBlank()) {
            return null;
        }
        try {
            return new URI(n.asText().trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "--" + key + " must be a URI like http://10.0.0.1:6335, got " + n.asText(), e);
        }
    }
}
