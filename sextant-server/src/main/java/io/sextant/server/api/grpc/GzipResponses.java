package io.sextant.server.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * gzip for gRPC responses: a call whose request arrived gzip-compressed ({@code grpc-encoding:
 * gzip}) is answered gzip-compressed. Compressed requests are accepted by grpc-java's default
 * decompressor registry; clients that do not compress their requests get uncompressed answers
 * and pay no CPU for compression. Stateless and thread-safe.
 */
final class GzipResponses implements ServerInterceptor {

    static final Metadata.Key<String> GRPC_ENCODING =
            Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if ("gzip".equals(headers.get(GRPC_ENCODING))) {
            call.setCompression("gzip");
        }
        return next.startCall(call, headers);
    }
}
