package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.thirdparty.io.grpc.Attributes;
import org.apache.ratis.thirdparty.io.grpc.Server;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.ServerTransportFilter;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The peer channels leave a connection that stopped answering: a call that misses its deadline
 * moves the calls after it to a new connection (a connection a network partition left waiting for
 * TCP's next retransmission would otherwise be used until that retransmission, up to 12.8 s after
 * the heal).
 */
class PeerChannelsTest {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private Server server;
    private PeerChannels channels;

    /** A shard-service stand-in answering {@code Ping}, the first one only after {@code firstDelay}. */
    private String serve(Duration firstDelay) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(ShardCall.SERVICE)
                .addMethod(ShardCalls.PING.method(), ServerCalls.asyncUnaryCall((request, response) -> {
                    if (pings.incrementAndGet() == 1) {
                        try {
                            Thread.sleep(firstDelay.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    response.onNext(ShardCalls.PING.encodeResponse(null));
                    response.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                .addService(service)
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        connections.incrementAndGet();
                        return attributes;
                    }
                })
                .build()
                .start();
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channels != null) {
            channels.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallThatMissedItsDeadlineMovesTheNextCallsToANewConnection() throws Exception {
        String address = serve(Duration.ofMillis(1_500));
        channels = new PeerChannels();
        ShardServiceProbe probe = new ShardServiceProbe(channels, Duration.ofMillis(300));

        assertThat(probe.answers(address))
                .as("the first ping misses its deadline")
                .isFalse();
        assertThat(probe.answers(address)).isTrue();
        assertThat(connections).as("the second ping went over a new connection").hasValue(2);
        assertThat(probe.answers(address)).isTrue();
        assertThat(connections).as("answered calls keep the connection").hasValue(2);
    }

    @Test
    void reconnectAndUnavailableLeaveTheChannelUsable() throws Exception {
        String address = serve(Duration.ZERO);
        channels = new PeerChannels();
        ShardServiceProbe probe = new ShardServiceProbe(channels, Duration.ofSeconds(5));
        channels.reconnect(address); // no channel yet: nothing to do
        channels.unavailable(address);
        assertThat(probe.answers(address)).isTrue();
        channels.unavailable(address);
        assertThat(probe.answers(address)).isTrue();
        assertThat(connections).hasValue(1);
    }
}
