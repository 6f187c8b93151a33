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
 * ports of their own, only the server-protocol port gets the service. Immutable.
 */
public final class ShardServiceCustomizer implements GrpcServices.Customizer {
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
            builder.addService(
                    credential.required()
                            ? ServerInterceptors.intercept(service, credential.serverInterceptor())
                            : service.bindService());
        }
        return builder;
    }
}
