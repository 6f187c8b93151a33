package io.sextant.server.api.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.sextant.server.auth.AccessControl;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAccessRules;
import io.sextant.server.auth.RestAuthHandler;
import java.util.function.UnaryOperator;

/**
 * Enforces {@link AccessControl} on gRPC calls with the same rules as REST: the credential comes
 * from the {@code api-key} metadata or an {@code authorization: Bearer …} metadata entry; the
 * required level comes from {@link GrpcAccessRules}; for read and write levels the collection is
 * the request message's {@code collection_name} (aliases resolved), checked when the message
 * arrives and before the handler runs. A missing or bad credential closes the call with {@code
 * UNAUTHENTICATED}, a lack of rights with {@code PERMISSION_DENIED}, and the handler never sees
 * the request. The caller's {@link Principal} is available to handlers through {@link
 * #principal()}. Thread-safe.
 */
final class GrpcAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<Principal> PRINCIPAL = Context.key("sextant.principal");

    private final AccessControl access;
    private final UnaryOperator<String> resolveAlias;

    GrpcAuthInterceptor(AccessControl access, UnaryOperator<String> resolveAlias) {
        this.access = access;
        this.resolveAlias = resolveAlias;
    }

    /** The caller of the current call; {@link Principal#ANONYMOUS_ADMIN} when auth is off or the call is open. */
    static Principal principal() {
        Principal p = PRINCIPAL.get();
        return p == null ? Principal.ANONYMOUS_ADMIN : p;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        RestAccessRules.Level level = GrpcAccessRules.level(method);
        if (level == RestAccessRules.Level.OPEN || !access.enabled()) {
            return next.startCall(call, headers);
        }
        Principal principal;
        try {
            principal = access.authenticate(headers.get(API_KEY), headers.get(AUTHORIZATION));
            if (level == RestAccessRules.Level.MANAGE || level == RestAccessRules.Level.GLOBAL_READ) {
                RestAuthHandler.check(principal, new RestAccessRules.Requirement(level, null), resolveAlias);
            }
        } catch (RuntimeException e) {
            call.close(GrpcErrors.toStatus(e, method).getStatus(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Context ctx = Context.current().withValue(PRINCIPAL, principal);
        ServerCall.Listener<Q> inner = Contexts.interceptCall(ctx, call, headers, next);
        if (level != RestAccessRules.Level.READ && level != RestAccessRules.Level.WRITE) {
            return inner;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            private boolean rejected;

            @Override
            public void onMessage(Q message) {
                if (rejected) {
                    return;
                }
                try {
                    RestAuthHandler.check(
                            principal, new RestAccessRules.Requirement(level, collectionOf(message)), resolveAlias);
                } catch (RuntimeException e) {
                    rejected = true;
                    call.close(GrpcErrors.toStatus(e, method).getStatus(), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!rejected) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** The request's {@code collection_name}, or "" when the message has none. */
    private static String collectionOf(Object message) {
        if (message instanceof Message m) {
            Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByName("collection_name");
            if (f != null && f.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
                return (String) m.getField(f);
            }
        }
        return "";
    }
}
