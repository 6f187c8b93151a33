package io.sextant.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual TLS between peers ({@code cluster.p2p.enable_tls}, Qdrant's key), from the node's PEM
 * files {@code tls.cert} (this peer's certificate chain), {@code tls.key} (its PKCS#8 private key)
 * and {@code tls.ca_cert} (the CA every peer's certificate must chain to). Every connection on the
 * p2p port, Raft's and the internal shard service's, is TLS: a peer presents its certificate both
 * as server and as client, and accepts the other side only if that one chains to the CA. A peer
 * dials the others by the host of their {@code --uri}, which their certificate must name (a DNS or
 * IP subject alternative name). Immutable.
 *
 * @param cert PEM certificate chain of this peer
 * @param key PEM PKCS#8 private key of this peer
 * @param caCert PEM CA bundle the other peers' certificates must chain to
 */
public record PeerTls(Path cert, Path key, Path caCert) {

    public PeerTls {
        if (cert == null || key == null || caCert == null) {
            throw new IllegalArgumentException("cluster.p2p.enable_tls requires tls.cert, tls.key and tls.ca_cert");
        }
    }

    /** Fails with a message naming the setting when a file is missing or unreadable. */
    public void checkReadable() {
        check("tls.cert", cert);
        check("tls.key", key);
        check("tls.ca_cert", caCert);
    }

    private static void check(String key, Path p) {
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(
                    "cluster.p2p.enable_tls: " + key + " " + p + " does not exist or cannot be read");
        }
    }
}
