package io.sextant.server.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.ValidationError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions escaping a handler into Qdrant-style error responses: {@link UserException}
 * by its {@link UserException.Kind} (400, 404, 409, 413, 403, 401; a {@link ValidationError} 422), {@link
 * IllegalArgumentException} as 400 (bad input detected by a domain constructor), Javalin's own
 * HTTP exceptions with their status, a full disk ("No space left on device" or "Disk quota
 * exceeded" in an {@code IOException} of the cause chain) as 507 Insufficient Storage with a message saying so
 * (logged without a stack trace: it is an operating condition, and the shard recovers by itself
 * once space returns), {@link ServiceException} and anything else as 500 (logged with the stack
 * trace, never shown to the client beyond its message). A {@link Error} escaping a handler (an
 * {@link OutOfMemoryError} of one request, a {@link StackOverflowError}) is answered by {@link
 * #handleError} with the same 500 envelope, never an empty body, and the server keeps serving.
 * Stateless and thread-safe.
 */
public final class ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static int status(UserException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case UNPROCESSABLE -> 422;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case FORBIDDEN -> 403;
            case UNAUTHORIZED -> 401;
            case TOO_MANY_REQUESTS -> 429;
        };
    }

    /** The operating system's words for a full disk (ENOSPC, EDQUOT), as in {@code IOException}s. */
    private static final String[] DISK_FULL = {"No space left on device", "Disk quota exceeded"};

    /**
     * Whether an {@link IOException} among {@code e} and its causes reports a full disk (only I/O
     * errors count: other messages may quote the request, e.g. a payload key).
     */
    public static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (t instanceof IOException && m != null) {
                for (String s : DISK_FULL) {
                    if (m.contains(s)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The 500 body written when even building the usual one fails (the heap is exhausted): bytes
     * prepared at class load, so answering needs no allocation.
     */
    private static final byte[] OUT_OF_MEMORY_BODY =
            "{\"status\":{\"error\":\"Service internal error: out of memory\"},\"time\":0.0}"
                    .getBytes(StandardCharsets.UTF_8);

    /**
     * Answers a request whose handler threw an {@link Error} (Javalin's {@code
     * javaLangErrorHandler}): logs it and writes Qdrant's 500 envelope {@code
     * {"status":{"error":"Service internal error: …"},"time":…}} unless the response is already
     * committed. Javalin's default writes the status with an empty body.
     */
    public static void handleError(HttpServletResponse res, Error e) {
        if (res.isCommitted()) {
            LOG.error("Fatal error while serving a request", e);
            return;
        }
        byte[] body = errorBody(e);
        try {
            res.resetBuffer();
            res.setStatus(500);
            res.setContentType("application/json");
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
        } catch (IOException | IllegalStateException gone) {
            LOG.debug("Cannot write the error response: {}", gone.toString());
        }
    }

    /** Logs {@code e} and returns the 500 body answering it (the prepared one when memory is out). */
    static byte[] errorBody(Error e) {
        LOG.error("Fatal error while serving a request", e);
        try {
            ObjectNode env = JsonNodeFactory.instance.objectNode();
            env.putObject("status").put("error", "Service internal error: " + e);
            env.put("time", 0.0);
            return ApiExchange.MAPPER.writeValueAsBytes(env);
        } catch (Throwable unavailable) { // no memory even for the message: the prepared body
            return OUT_OF_MEMORY_BODY;
        }
    }

    /**
     * The error reply for {@code e}: its status, its message, and a {@code Retry-After} in seconds
     * (or null). Logs service errors with {@code method} and {@code path}. Shared by the Javalin
     * routes ({@link #handle}) and the Jetty fast path ({@link FastReads}).
     */
    static Reply reply(Exception e, String method, String path) {
        if (!(e instanceof UserException) && diskFull(e)) {
            LOG.warn("Insufficient storage on {} {}: {}", method, path, e.getMessage());
            return new Reply(
                    507,
                    "Insufficient storage: " + e.getMessage()
                            + ". The write was not acknowledged; reads still work, and writes resume once disk"
                            + " space is freed",
                    null);
        }
        return switch (e) {
            case ValidationError v -> new Reply(422, v.getMessage(), null);
            case io.sextant.collection.strict.RateLimitedException r ->
                new Reply(429, r.getMessage(), r.retryAfterSeconds());
            case UserException u -> new Reply(status(u.kind()), u.getMessage(), null);
            case IllegalArgumentException iae -> new Reply(400, "Wrong input: " + iae.getMessage(), null);
            case HttpResponseException h -> new Reply(h.getStatus(), h.getMessage(), null);
            case ServiceException s -> {
                LOG.error("Service error on {} {}", method, path, s);
                yield new Reply(500, "Service internal error: " + s.getMessage(), null);
            }
            default -> {
                LOG.error("Unexpected error on {} {}", method, path, e);
                yield new Reply(500, "Service internal error: " + e, null);
            }
        };
    }

    /** An error reply: HTTP status, the message of Qdrant's error envelope, Retry-After seconds or null. */
    record Reply(int status, String message, Long retryAfterSeconds) {}

    public static void handle(Exception e, Context ctx) {
        Reply r = reply(e, ctx.method().name(), ctx.path());
        if (r.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
        }
        ApiExchange.error(ctx, r.status(), r.message());
    }
}
