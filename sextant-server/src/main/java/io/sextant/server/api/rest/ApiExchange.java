package io.sextant.server.api.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sextant.cluster.replica.ReadConsistency;
import io.sextant.cluster.replica.RequestGuarantees;
import io.sextant.cluster.replica.WriteOrdering;
import io.sextant.collection.CollectionUpdateResult;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.QueryBody;
import io.sextant.server.api.convert.UpsertBody;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reading requests and writing responses with Qdrant's envelope: {@code
 * {"result":…,"status":"ok","time":seconds}} and, for errors, {@code
 * {"status":{"error":"…"},"time":seconds}}. JSON goes through one shared {@link ObjectMapper}
 * (bytes in, bytes out). Bodies larger than the configured limit are refused with 413 while
 * reading, whether or not the client sent a Content-Length; a compressed body ({@code
 * Content-Encoding: gzip}) is decoded under the same limit for its decompressed size. Thread-safe (stateless apart from the
 * immutable limit).
 */
public final class ApiExchange {

    /**
     * The shared JSON mapper; configured once, then only used for reading and writing. Numbers with a
     * fraction or exponent are parsed by Jackson's FastDoubleParser, which returns the same correctly
     * rounded doubles as {@link Double#parseDouble} ({@code ApiExchangeTest} compares them) at a
     * fraction of the cost: under search load the JDK's parser took a quarter of the REST handler's
     * time for a 384-float query vector (bench/results/serve-wordnet-bge384.md).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    /** Context attribute: request start in {@link System#nanoTime()}. */
    public static final String START_NANOS = "sextant.start";

    /** Context attribute, set once a handler has read the whole declared body: nothing to drain. */
    private static final String BODY_READ = "sextant.bodyRead";

    private final long maxBodyBytes;

    public ApiExchange(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The request body as JSON; an empty body reads as an empty object. */
    public JsonNode body(Context ctx) {
        return parse(bodyBytes(ctx));
    }

    /**
     * A {@code points/query} body: its dense query vector streamed into a float array when it is
     * one, else the whole body as a tree, parsed (and refused) exactly as {@link #body} does.
     */
    public QueryBody queryBody(Context ctx) {
        return queryBody(bodyBytes(ctx));
    }

    /**
     * A {@code PUT /points} body: each point's dense vectors streamed into float arrays when they all
     * are plain ones ({@link UpsertBody}), else the tree, parsed (and refused) exactly as {@link #body}
     * does.
     */
    public JsonNode upsertBody(Context ctx) {
        return upsertBody(bodyBytes(ctx));
    }

    static JsonNode upsertBody(byte[] bytes) {
        JsonNode streamed = bytes.length == 0 ? null : UpsertBody.read(MAPPER, bytes);
        return streamed != null ? streamed : parse(bytes);
    }

    static QueryBody queryBody(byte[] bytes) {
        return queryBody(new Body(bytes, bytes.length));
    }

    /** As {@link #queryBody(byte[])}, for {@code body.bytes()[0 .. body.length())}. */
    static QueryBody queryBody(Body body) {
        QueryBody streamed = body.length() == 0 ? null : QueryBody.read(MAPPER, body.bytes(), body.length());
        return streamed != null ? streamed : QueryBody.ofTree(parse(body));
    }

    /** The body as a JSON tree; a 400 in Qdrant's words for malformed JSON. */
    static JsonNode parse(byte[] bytes) {
        return parse(new Body(bytes, bytes.length));
    }

    /** As {@link #parse(byte[])}, for {@code body.bytes()[0 .. body.length())}. */
    static JsonNode parse(Body body) {
        if (body.length() == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(body.bytes(), 0, body.length());
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JsonProcessingException e) {
            // some errors (nesting or size limits) carry no location
            throw UserException.badRequest("Format error in JSON body: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " at line " + e.getLocation().getLineNr() + " column "
                                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw UserException.badRequest("Format error in JSON body: " + e.getMessage());
        }
    }

    private byte[] bodyBytes(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            return bodyBytes(
                    ctx.req().getContentLengthLong(),
                    in,
                    ctx.header("Content-Encoding"),
                    () -> ctx.attribute(BODY_READ, Boolean.TRUE));
        } catch (IOException e) {
            throw UserException.badRequest("Cannot read request body: " + e.getMessage());
        }
    }

    /**
     * Reads a request body of {@code declared} bytes (-1: unknown) from {@code in}, refusing it over
     * the limit and decoding {@code contentEncoding}; {@code wholeRead} runs when all the declared
     * bytes were read (nothing left to drain). Shared by the routes and {@link FastReads}.
     */
    byte[] bodyBytes(long declared, InputStream in, String contentEncoding, Runnable wholeRead) {
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        try {
            byte[] bytes;
            if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
                bytes = readDeclared(in, (int) declared);
                if (bytes.length == declared) {
                    wholeRead.run();
                }
            } else {
                bytes = readUndeclared(in);
            }
            return ContentDecoding.decode(contentEncoding, bytes, maxBodyBytes, this::tooLargeDecoded);
        } catch (IOException e) {
            throw UserException.badRequest("Cannot read request body: " + e.getMessage());
        }
    }

    /**
     * A request body, {@code bytes[0 .. length)}. From {@link #scratchBody} the array is the
     * thread's scratch buffer: valid until the thread reads its next body, never to be kept.
     */
    record Body(byte[] bytes, int length) {}

    /** Bodies up to this size are read by {@link #scratchBody} into the thread's scratch buffer. */
    static final int SCRATCH_BODY_BYTES = 64 * 1024;

    private static final ThreadLocal<byte[]> BODY_SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    /**
     * As {@link #bodyBytes}, but a body with a Content-Length up to {@link #SCRATCH_BODY_BYTES} and
     * no Content-Encoding is read into this (platform) thread's scratch buffer, grown to the largest
     * such body it has read, instead of a new array: for the read routes of {@link FastReads}, which
     * parse the body and keep nothing of its bytes (a query's body was a third of what a search
     * allocated). A virtual thread serves one request, so it gets a new array as before.
     */
    Body scratchBody(long declared, InputStream in, String contentEncoding, Runnable wholeRead) {
        if (declared < 0
                || declared > Math.min(SCRATCH_BODY_BYTES, maxBodyBytes)
                || (contentEncoding != null && !contentEncoding.isBlank())
                || Thread.currentThread().isVirtual()) {
            byte[] bytes = bodyBytes(declared, in, contentEncoding, wholeRead);
            return new Body(bytes, bytes.length);
        }
        byte[] buf = BODY_SCRATCH.get();
        if (buf.length < declared) {
            buf = new byte[(int) Math.min(SCRATCH_BODY_BYTES, Math.max(declared, 2L * buf.length))];
            BODY_SCRATCH.set(buf);
        }
        try {
            int n = in.readNBytes(buf, 0, (int) declared);
            if (n == declared) {
                wholeRead.run();
            }
            return new Body(buf, n);
        } catch (IOException e) {
            throw UserException.badRequest("Cannot read request body: " + e.getMessage());
        }
    }

    /**
     * A body whose Content-Length is known: one array of that size, filled in place (Jetty ends the
     * stream at the declared length and fails a shorter body), instead of growing and copying
     * buffers as an unbounded read does.
     */
    private static byte[] readDeclared(InputStream in, int declared) throws IOException {
        byte[] bytes = new byte[declared];
        int n = in.readNBytes(bytes, 0, declared);
        return n == declared ? bytes : java.util.Arrays.copyOf(bytes, n);
    }

    /** A body without a Content-Length (chunked): read up to one byte past the limit. */
    private byte[] readUndeclared(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (bytes.length > maxBodyBytes) {
            throw tooLarge(-1);
        }
        return bytes;
    }

    /**
     * Bodies declared up to this many times the limit are drained too (their reply is a 413): a
     * client that uploads somewhat too much then reads the 413 instead of a connection reset, which
     * it got now and then on a loaded machine (3 of 100 PUTs of 2.6 MB against a 1 MB limit, with
     * two busy loops beside them). Larger ones are cut off.
     */
    static final int DRAIN_OVER_LIMIT_FACTOR = 8;

    /**
     * Reads and discards whatever of the request body the handler did not read, up to the body
     * limit (a declared body up to {@link #DRAIN_OVER_LIMIT_FACTOR} times it): a reply sent while the
     * client is still uploading would otherwise end in a connection reset that discards the reply.
     */
    public void drainUnreadBody(Context ctx) {
        if (ctx.attribute(BODY_READ) != null) {
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        try {
            drain(
                    declared,
                    declared == 0 || !drained(declared) ? null : ctx.req().getInputStream());
        } catch (IOException | IllegalStateException e) {
            // the body was already consumed or the client went away: nothing to drain
        }
    }

    private boolean drained(long declared) {
        return declared <= maxBodyBytes * DRAIN_OVER_LIMIT_FACTOR;
    }

    /** {@link #drainUnreadBody(Context)} for a body of {@code declared} bytes read from {@code in}. */
    void drain(long declared, InputStream in) {
        if (declared == 0 || !drained(declared) || in == null) {
            return;
        }
        try {
            // nearly always the handler read it all: find that out without allocating a buffer
            if (in.read() < 0) {
                return;
            }
            long left = Math.max(declared, maxBodyBytes);
            byte[] buf = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | IllegalStateException e) {
            // the body was already consumed or the client went away: nothing to drain
        }
    }

    private UserException tooLarge(long declared) {
        return new UserException(
                UserException.Kind.TOO_LARGE,
                "Payload too large: request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "exceeds the limit of " + maxBodyBytes + " bytes (service.max_request_size_mb)");
    }

    private UserException tooLargeDecoded() {
        return new UserException(
                UserException.Kind.TOO_LARGE,
                "Payload too large: decompressed request body exceeds the limit of " + maxBodyBytes
                        + " bytes (service.max_request_size_mb)");
    }

    /** Writes {@code {"result":result,"status":"ok","time":…}} with status 200. */
    public static void ok(Context ctx, JsonNode result) {
        ctx.status(200).contentType("application/json").result(envelope(result, elapsedSeconds(ctx)));
    }

    /** Writes the {@code result} value of a streamed reply. */
    @FunctionalInterface
    public interface ResultWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Writes {@code {"result":…,"status":"ok","time":…}} with status 200, the result streamed by
     * {@code result} into the generator: the same bytes as {@link #ok(Context, JsonNode)} with the
     * equivalent tree, without building it. Writes the body at once: call it last in a handler.
     */
    public static void okStreamed(Context ctx, ResultWriter result) {
        byte[] body = envelope(result, elapsedSeconds(ctx));
        ctx.status(200).contentType("application/json");
        // written here, in one call, through Javalin's (compressing) output stream: a result set with
        // ctx.result() is copied there after the handler through a fresh 8 KB buffer per request.
        // Must be the handler's last step: nothing can replace a body already written.
        try {
            ctx.outputStream().write(body);
        } catch (IOException e) {
            throw new ServiceException("Cannot write response: " + e.getMessage(), e);
        }
    }

    /** The success envelope around a streamed result. */
    static byte[] envelope(ResultWriter result, double seconds) {
        ReplyBuffer out = ReplyBuffer.forThisThread();
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("result");
            result.write(g);
            g.writeStringField("status", "ok");
            g.writeNumberField("time", seconds);
            g.writeEndObject();
        } catch (IOException e) {
            throw new ServiceException("Cannot serialize response: " + e.getMessage(), e);
        }
        return out.toByteArrayAndRelease();
    }

    /** The success envelope around a result tree, as {@link #ok(Context, JsonNode)} writes it. */
    static byte[] envelope(JsonNode result, double seconds) {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.set("result", result);
        env.put("status", "ok");
        env.put("time", seconds);
        try {
            return MAPPER.writeValueAsBytes(env);
        } catch (JsonProcessingException e) {
            throw new ServiceException("Cannot serialize response: " + e.getOriginalMessage(), e);
        }
    }

    public static void ok(Context ctx, boolean result) {
        ok(ctx, JsonNodeFactory.instance.booleanNode(result));
    }

    /** Writes an {@code UpdateResult}: {@code {"operation_id":N,"status":"completed"|"acknowledged"}}. */
    public static void updated(Context ctx, CollectionUpdateResult r) {
        ObjectNode res = JsonNodeFactory.instance.objectNode();
        res.put("operation_id", r.operationId());
        res.put("status", r.status().wireName());
        ok(ctx, res);
    }

    /** Writes {@code {"status":{"error":message},"time":…}} with {@code status}. */
    public static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(errorBody(message, elapsedSeconds(ctx)));
    }

    /** The error envelope {@code {"status":{"error":message},"time":seconds}}. */
    static byte[] errorBody(String message, double seconds) {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.putObject("status").put("error", message);
        env.put("time", seconds);
        try {
            return MAPPER.writeValueAsBytes(env);
        } catch (JsonProcessingException e) {
            throw new ServiceException("Cannot serialize response: " + e.getOriginalMessage(), e);
        }
    }

    private static double elapsedSeconds(Context ctx) {
        Long start = ctx.attribute(START_NANOS);
        return start == null ? 0.0 : (System.nanoTime() - start) / 1e9;
    }

    /** Query param {@code wait}: true only when given as "true" (Qdrant's default is false). */
    public static boolean waitParam(Context ctx) {
        return boolParam(ctx, "wait", false);
    }

    public static boolean boolParam(Context ctx, String name, boolean dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw UserException.badRequest(
                        "Query deserialize error: " + name + " must be true or false, got '" + v + "'");
        };
    }

    /**
     * The {@code timeout} query param in seconds, or null when absent: not a non-negative integer is
     * a deserialize error (400), 0 a validation error (422), as in Qdrant.
     */
    public static Long timeoutParam(Context ctx) {
        return timeoutParam(ctx::queryParam);
    }

    /** {@link #timeoutParam(Context)} over a query-parameter lookup. */
    static Long timeoutParam(java.util.function.UnaryOperator<String> params) {
        String timeout = params.apply("timeout");
        if (timeout == null || timeout.isEmpty()) {
            return null;
        }
        long t;
        try {
            t = Long.parseLong(timeout);
            if (t < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw UserException.badRequest(
                    "Query deserialize error: timeout must be a positive integer of seconds, got '" + timeout + "'");
        }
        if (t == 0) {
            throw UserException.unprocessable(
                    "Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]");
        }
        return t;
    }

    /**
     * Refuses a {@code /collections/{name}/…} path whose name is longer than a collection name can
     * be, before any handler or lookup runs: a validation error (422) as in Qdrant, not a 404.
     */
    public static void checkCollectionNameInPath(Context ctx) {
        checkCollectionNameInPath(ctx.path());
    }

    /** {@link #checkCollectionNameInPath(Context)} for a request path. */
    static void checkCollectionNameInPath(String path) {
        String prefix = "/collections/";
        if (!path.startsWith(prefix)) {
            return;
        }
        int end = path.indexOf('/', prefix.length());
        String raw = end < 0 ? path.substring(prefix.length()) : path.substring(prefix.length(), end);
        String name = java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        if (name.length() > io.sextant.collection.NameValidator.MAX_LENGTH) {
            throw UserException.unprocessable("Validation error in path parameters: [collection_name: length "
                    + name.length() + " invalid, must be from 1 to " + io.sextant.collection.NameValidator.MAX_LENGTH
                    + "]");
        }
    }

    /**
     * Validates the common query params ({@code timeout}, {@code ordering}, {@code consistency}) and
     * binds {@code consistency} and {@code ordering} to this request's thread ({@link
     * RequestGuarantees}) for the replica sets of cluster mode; a standalone node ignores them.
     */
    public static void checkCommonParams(Context ctx) {
        checkCommonParams(ctx::queryParam);
    }

    /** {@link #checkCommonParams(Context)} over a query-parameter lookup. */
    static void checkCommonParams(java.util.function.UnaryOperator<String> params) {
        timeoutParam(params);
        String ordering = params.apply("ordering");
        WriteOrdering order = null;
        if (ordering != null && !ordering.isEmpty()) {
            try {
                order = WriteOrdering.parse(ordering);
            } catch (IllegalArgumentException e) {
                throw UserException.badRequest("Query deserialize error: " + e.getMessage());
            }
        }
        String consistency = params.apply("consistency");
        ReadConsistency read = null;
        if (consistency != null && !consistency.isEmpty()) {
            try {
                read = ReadConsistency.parse(consistency);
            } catch (IllegalArgumentException e) {
                throw UserException.badRequest("Query deserialize error: " + e.getMessage());
            }
        }
        RequestGuarantees.bind(read, order);
    }
}
