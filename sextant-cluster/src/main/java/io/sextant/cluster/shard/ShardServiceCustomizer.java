package io.sextant.cluster.shard;

import java.util.EnumSet;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.thirdparty.io.grpc.BindableService;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptors;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;

/**
 * Adds a service to the gRPC server Ratis builds for its server-to-server protocol, so the internal
 * shard service shares the p2p port with Raft (Ratis's documented extension point, set through
 * {@code GrpcConfigKeys.Server.setServicesCustomizer}). When Ratis's admin or client protocols get
 * ports of their own, only the server-protocol port gets the service, and accepts the keepalive
 * pings of {@link PeerChannels} (every {@link PeerChannels#KEEPALIVE}, with or without calls).
 * Immutable.
 */
public final class ShardServiceCustomizer implements GrpcServices.Customizer {
    /** The most frequent keepalive ping the server accepts from a peer (gRPC's default: 5 minutes). */
    static final long PERMIT_KEEPALIVE_SECONDS = 5;

    private final BindableService service;
    private final PeerCredential credential;

    /** Adds {@code service} open to any caller. */
    public ShardServiceCustomizer(BindableService service) {
        this(service, PeerCredential.NONE);
    }

    /** Adds {@code service}, refusing calls without {@code credential} when it is required. */
    public ShardServiceCustomizer(BindableService service, PeerCredential credential) {
        this.service = service;
        this.credential = credential;
    }

    @Override
    public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
        if (types.contains(GrpcServices.Type.SERVER)) {
            // the peers' shard channels ping every PeerChannels.KEEPALIVE, idle or not
            builder.permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true);
            builder.addService(
                    credential.required()
                            ? ServerInterceptors.intercept(service, credential.serverInterceptor())
                            : service.bindService());
        }
        return builder;
    }
}
