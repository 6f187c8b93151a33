package io.sextant.cluster;

import io.sextant.segment.error.ServiceException;
import javax.net.ssl.SSLException;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext;

/**
 * Turns {@link PeerTls} into what the two users of the p2p port need: Ratis's {@link
 * GrpcTlsConfig} (mutual TLS for its server, its peer-to-peer client, and the Ratis client and
 * admin calls this node makes to join, propose and probe), and a client {@link SslContext} of
 * Ratis's shaded Netty for the internal shard service channels ({@code PeerChannels}). The server
 * side of the shard service needs nothing more: it runs on the gRPC server Ratis builds. A
 * {@code null} {@code PeerTls} gives plaintext everywhere. Stateless.
 */
public final class PeerTlsContexts {

    private PeerTlsContexts() {}

    /** Ratis server parameters: TLS with client certificates required (and for its own clients), or none. */
    static Parameters ratisServer(PeerTls tls) {
        Parameters p = ratisClient(tls);
        if (tls != null) {
            GrpcConfigKeys.Server.setTlsConf(p, GrpcConfigKeys.TLS.conf(p));
        }
        return p;
    }

    /** Ratis client parameters (client and admin calls): TLS presenting this peer's certificate, or none. */
    static Parameters ratisClient(PeerTls tls) {
        Parameters p = new Parameters();
        if (tls != null) {
            GrpcTlsConfig conf = ratisConfig(tls);
            GrpcConfigKeys.TLS.setConf(p, conf);
            GrpcConfigKeys.Client.setTlsConf(p, conf);
            GrpcConfigKeys.Admin.setTlsConf(p, conf);
        }
        return p;
    }

    private static GrpcTlsConfig ratisConfig(PeerTls tls) {
        tls.checkReadable();
        return new GrpcTlsConfig(
                tls.key().toFile(), tls.cert().toFile(), tls.caCert().toFile(), true);
    }

    /**
     * The client context for shard-service channels to other peers: presents this peer's
     * certificate and trusts only the CA; null without TLS.
     */
    public static SslContext shardChannels(PeerTls tls) {
        if (tls == null) {
            return null;
        }
        tls.checkReadable();
        try {
            return GrpcSslContexts.forClient()
                    .keyManager(tls.cert().toFile(), tls.key().toFile())
                    .trustManager(tls.caCert().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServiceException(
                    "cluster.p2p.enable_tls: cannot load tls.cert / tls.key / tls.ca_cert: " + e.getMessage(), e);
        }
    }
}
