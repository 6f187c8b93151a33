package io.sextant.server.api.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.qdrant.client.grpc.Points;
import io.sextant.cluster.replica.ReadConsistency;
import io.sextant.cluster.replica.RequestGuarantees;
import io.sextant.cluster.replica.WriteOrdering;

/**
 * Binds a gRPC request's {@code read_consistency} and {@code ordering} fields (any request message
 * that has them) to the handler's thread ({@link RequestGuarantees}), as the REST layer does with
 * the query parameters: a unary handler runs inside the listener's {@code onHalfClose}, so the
 * binding covers exactly the handler and is cleared after it. A request without them runs with the
 * defaults (one replica, weak). Stateless and thread-safe.
 */
final class GrpcRequestGuarantees implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private ReadConsistency consistency;
            private WriteOrdering ordering;

            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    consistency = consistency(m);
                    ordering = ordering(m);
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                RequestGuarantees.bind(consistency, ordering);
                try {
                    super.onHalfClose();
                } finally {
                    RequestGuarantees.clear();
                }
            }
        };
    }

    /** The message's {@code read_consistency}, or null when it has none. */
    static ReadConsistency consistency(Message m) {
        if (!(field(m, "read_consistency") instanceof Points.ReadConsistency rc)) {
            return null;
        }
        return switch (rc.getValueCase()) {
            case FACTOR ->
                new ReadConsistency(ReadConsistency.Kind.FACTOR, (int) Math.max(1, Math.min(rc.getFactor(), 1 << 20)));
            case TYPE ->
                switch (rc.getType()) {
                    case All -> new ReadConsistency(ReadConsistency.Kind.ALL, 0);
                    case Majority -> new ReadConsistency(ReadConsistency.Kind.MAJORITY, 0);
                    case Quorum -> new ReadConsistency(ReadConsistency.Kind.QUORUM, 0);
                    default -> null;
                };
            case VALUE_NOT_SET -> null;
        };
    }

    /** The message's {@code ordering}, or null when it has none. */
    static WriteOrdering ordering(Message m) {
        if (!(field(m, "ordering") instanceof Points.WriteOrdering wo)) {
            return null;
        }
        return switch (wo.getType()) {
            case Medium -> WriteOrdering.MEDIUM;
            case Strong -> WriteOrdering.STRONG;
            default -> WriteOrdering.WEAK;
        };
    }

    private static Object field(Message m, String name) {
        Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        return f == null || f.isRepeated() || !m.hasField(f) ? null : m.getField(f);
    }
}
