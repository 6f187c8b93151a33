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
 * call carries this node's {@link PeerCredential} (none without an API key).
 *
 * <p>Dead connections. A connection that held unacknowledged data while a network partition
 * dropped its packets stays open after the heal until TCP's next retransmission, whose interval
 * doubles (0.2 s, 0.4 s, ... 12.8 s): a replica was repaired 13 s after a 15 s partition healed.
 * So a call that misses its deadline moves the channel to a new connection for the calls after it
 * ({@link #reconnect}: the calls in flight finish on the old one), a call that finds the peer
 * unavailable makes the next one connect at once ({@link #unavailable}), a connect attempt gives
 * up after {@link #CONNECT_TIMEOUT}, and an HTTP/2 ping every {@link #KEEPALIVE} (gRPC's minimum),
 * with or without calls, closes a connection whose ping goes unanswered for {@link
 * #KEEPALIVE_TIMEOUT}. Thread-safe.
 */
public final class PeerChannels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerChannels.class);

    /** Largest response accepted from a peer. */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    /** How often a channel pings its connection (grpc-java raises anything shorter to 10 s). */
    static final java.time.Duration KEEPALIVE = java.time.Duration.ofSeconds(10);

    /** How long a ping may go unanswered before the connection is closed. */
    static final java.time.Duration KEEPALIVE_TIMEOUT = java.time.Duration.ofSeconds(3);

    /** How long one connect attempt may take. */
    static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(2);

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
                    .keepAliveTime(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveWithoutCalls(true)
                    .withOption(org.apache.ratis.thirdparty.io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                            CONNECT_TIMEOUT.toMillis())
                    .intercept(credential.clientInterceptor())
                    .build();
        });
    }

    /**
     * A call to {@code address} failed with {@code code}: after a missed deadline the calls after it
     * go over a new connection ({@link #reconnect}); after finding the peer unavailable the next
     * call connects at once ({@link #unavailable}); other failures change nothing.
     */
    void failed(String address, org.apache.ratis.thirdparty.io.grpc.Status.Code code) {
        switch (code) {
            case UNAVAILABLE -> unavailable(address);
            case DEADLINE_EXCEEDED -> reconnect(address);
            default -> {}
        }
    }

    /**
     * A call to {@code address} missed its deadline: the calls after it go over a new connection
     * (the channel goes idle; calls in flight finish on the old connection), so a connection that
     * a network partition left waiting for TCP's next retransmission is not used any more.
     */
    void reconnect(String address) {
        ManagedChannel c = channels.get(address);
        if (c != null) {
            c.enterIdle();
        }
    }

    /**
     * A call to {@code address} found the peer unavailable: the channel may sit in its reconnect
     * backoff (up to minutes after a long outage) although the peer is back, so the next call
     * connects at once.
     */
    void unavailable(String address) {
        ManagedChannel c = channels.get(address);
        if (c != null) {
            c.resetConnectBackoff();
        }
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
