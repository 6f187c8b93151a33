package io.sextant.cluster.shard;

import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server interceptor of the internal shard service: a call whose {@value PeerCredential#HEADER}
 * header is missing or wrong is closed with {@code UNAUTHENTICATED} before its request is read, so
 * it reaches no shard and changes nothing. The status carries no user-error trailer, so the caller's
 * {@link RemoteShard} reports a service error naming the peer (a misconfigured cluster, not a client
 * mistake). Immutable, thread-safe.
 */
final class PeerCredentialCheck implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCredentialCheck.class);

    private final PeerCredential credential;

    PeerCredentialCheck(PeerCredential credential) {
        this.credential = credential;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String presented = headers.get(PeerCredential.KEY);
        if (credential.accepts(presented)) {
            return next.startCall(call, headers);
        }
        String why = presented == null ? "no peer credential" : "a wrong peer credential";
        LOG.warn(
                "Refused internal call {} from {}: {}",
                call.getMethodDescriptor().getFullMethodName(),
                call.getAttributes().get(org.apache.ratis.thirdparty.io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                why);
        call.close(
                Status.UNAUTHENTICATED.withDescription(
                        "Internal API call with " + why + " (peers must share service.api_key)"),
                new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
