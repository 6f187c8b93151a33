package io.sextant.server.auth;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sextant.segment.error.UserException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The REST "before" hook that enforces {@link AccessControl} and {@link RestAccessRules}: it
 * classifies the request, authenticates it (unless open), checks the principal's rights on the
 * collection named in the path (aliases resolved to their collection first) and stores the
 * principal and the requirement on the context for the routes ({@link #principal}) and for the
 * audit log. Failures propagate as {@link UserException} (401/403) to the error mapper. Thread-safe.
 */
public final class RestAuthHandler implements Handler {

    /** Context attribute holding the request's {@link Principal}. */
    public static final String PRINCIPAL = "sextant.principal";

    /** Context attribute holding the request's {@link RestAccessRules.Requirement}. */
    public static final String REQUIREMENT = "sextant.requirement";

    private final AccessControl access;
    private final UnaryOperator<String> resolveAlias;

    /**
     * @param access authentication
     * @param resolveAlias maps a collection name or alias to the collection's name (unknown names
     *     map to themselves)
     */
    public RestAuthHandler(AccessControl access, UnaryOperator<String> resolveAlias) {
        this.access = access;
        this.resolveAlias = resolveAlias;
    }

    @Override
    public void handle(Context ctx) {
        authorize(
                ctx.method().name(),
                ctx.req().getRequestURI(),
                ctx.header("api-key"),
                ctx.header("Authorization"),
                req -> ctx.attribute(REQUIREMENT, req),
                p -> ctx.attribute(PRINCIPAL, p));
    }

    /**
     * Classifies and authorizes a request: hands its requirement to {@code requirement}, then (unless
     * the path is open) authenticates it from its {@code api-key} and {@code Authorization} headers,
     * hands the principal to {@code principal} and checks its rights, throwing {@link UserException}
     * (401/403). Both sinks are called before a refusal, for the audit log. Shared by the Javalin
     * routes and the REST fast path.
     */
    public void authorize(
            String method,
            String uri,
            String apiKey,
            String authorization,
            Consumer<RestAccessRules.Requirement> requirement,
            Consumer<Principal> principal) {
        RestAccessRules.Requirement req = RestAccessRules.classify(method, uri);
        requirement.accept(req);
        if (req.level() == RestAccessRules.Level.OPEN) {
            return;
        }
        Principal p = access.authenticate(apiKey, authorization);
        principal.accept(p);
        check(p, req, resolveAlias);
    }

    /** Applies a requirement to a principal (aliases resolved with {@code resolveAlias}). */
    public static void check(Principal p, RestAccessRules.Requirement req, UnaryOperator<String> resolveAlias) {
        switch (req.level()) {
            case OPEN, AUTHENTICATED -> {}
            case GLOBAL_READ -> p.checkGlobalRead();
            case READ -> p.checkRead(resolveAlias.apply(req.collection()));
            case WRITE -> p.checkWrite(resolveAlias.apply(req.collection()));
            case MANAGE -> p.checkManage();
        }
    }

    /**
     * The principal of this request: the authenticated one, or {@link Principal#ANONYMOUS_ADMIN}
     * when authentication is off or the path is open.
     */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? Principal.ANONYMOUS_ADMIN : p;
    }
}
