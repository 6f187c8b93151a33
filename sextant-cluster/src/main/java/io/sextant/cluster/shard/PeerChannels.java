package io.sextant.cluster.shard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC channel per peer address ({@code host:port} of its p2p port), created on first use and
 * shared by every {@link RemoteShard} of that peer (a channel multiplexes concurrent calls over one
 * HTTP/2 connection and reconnects by itself). Plaintext, like Ratis's own p2p traffic, or TLS
 * with the given client context (mutual TLS when {@code cluster.p2p.enable_tls}). Responses
 * up to {@value #MAX_MESSAGE_BYTES} bytes are accepted (pages with vectors can be large). Every
 * call carries this node's {@link PeerCredential} (none without an API key). Thread-safe.
 */
public final class PeerChannels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerChannels.class);

    /** Largest response accepted from a peer. */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final PeerCredential credential;
    /** Client TLS context, or null for plaintext. */
    private final SslContext tls;

    private volatile boolean closed;

    /** Channels whose calls carry no credential (a node without an API key). */
    public PeerChannels() {
        this(PeerCredential.NONE);
    }

    /** Plaintext channels whose calls carry {@code credential}. */
    public PeerChannels(PeerCredential credential) {
        this(credential, null);
    }

    /** Channels whose calls carry {@code credential}, over TLS with {@code tls} unless it is null. */
    public PeerChannels(PeerCredential credential, SslContext tls) {
        this.credential = credential;
        this.tls = tls;
    }

    /** The channel to {@code address} ({@code host:port}). */
    public ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("Peer channels are closed");
        }
        return channels.computeIfAbsent(address, a -> {
            NettyChannelBuilder b = NettyChannelBuilder.forTarget(a);
            if (tls == null) {
                b.usePlaintext();
            } else {
                b.useTransportSecurity().sslContext(tls);
            }
            return b.maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .intercept(credential.clientInterceptor())
                    .build();
        });
    }

    /** Closes and forgets the channel to {@code address} (a peer that left the cluster). */
    public void forget(String address) {
        ManagedChannel c = channels.remove(address);
        if (c != null) {
            shutdown(c);
        }
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(PeerChannels::shutdown);
        channels.clear();
    }

    private static void shutdown(ManagedChannel c) {
        c.shutdownNow();
        try {
            if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Channel {} did not terminate within 5 s", c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
