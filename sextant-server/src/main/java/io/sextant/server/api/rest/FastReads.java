package io.sextant.server.api.rest;

import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Compressor;
import io.sextant.cluster.replica.RequestGuarantees;
import io.sextant.server.api.convert.QueryJson;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAccessRules;
import io.sextant.server.auth.RestAuthHandler;
import io.sextant.shard.ThreadSlice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The REST fast path: a Jetty core handler in front of Javalin's servlet that serves {@code POST
 * /collections/{collection_name}/points/query}, {@code .../points/search} and {@code
 * .../points/query/batch}, the hot read routes, on Jetty's {@link Request} and
 * {@link Response} directly, without the servlet request/response wrappers and Javalin's context and
 * handler chain. Every other request goes on to Javalin unchanged.
 *
 * <p>It does what the Javalin route with its before and after hooks does, through the same code:
 * the collection-name check ({@link ApiExchange#checkCollectionNameInPath}), authentication and
 * authorization ({@link RestAuthHandler#authorize}), the body limit and {@code Content-Encoding}
 * ({@link ApiExchange#bodyBytes}), the search ({@link SearchRoutes#query}, {@link SearchRoutes#legacy},
 * {@link SearchRoutes#queryBatch}), errors ({@link
 * ErrorMapper#reply}), draining an unread body, metrics, audit and the slow-request log (the
 * observer, {@link #observer}), and the response compression of Javalin's own {@link
 * CompressionStrategy}. CORS headers come from {@link CorsHandler}, which wraps this handler. It
 * serves only requests whose path and query string are plain ASCII without escapes (collection
 * names of letters, digits, {@code _ - .}; no trailing slash), where the raw and decoded forms are
 * the same; anything else goes to Javalin. {@code -Dsextant.rest.fast=false} turns it off.
 * Measured in {@code docs/server-path.md}. Thread-safe.
 */
final class FastReads extends Handler.Wrapper {

    /** System property: {@code false} sends every request through Javalin. */
    static final String PROPERTY = "sextant.rest.fast";

    /** The routes served here, by the path's suffix; their templates as Javalin reports them to the observer. */
    enum Route {
        QUERY("/points/query"),
        SEARCH("/points/search"),
        QUERY_BATCH("/points/query/batch");

        final String suffix;
        final String template;

        Route(String suffix) {
            this.suffix = suffix;
            this.template = "/collections/{collection_name}" + suffix;
        }
    }

    private static final String PREFIX = "/collections/";
    private static final String JSON = "application/json";

    private final SearchRoutes search;
    private final ApiExchange io;
    private final RestAuthHandler auth;
    private final LongAdder served = new LongAdder();
    private volatile CompressionStrategy compression = CompressionStrategy.NONE;
    private volatile Consumer<FinishedRequest> observer = f -> {};

    FastReads(SearchRoutes search, ApiExchange io, RestAuthHandler auth) {
        this.search = search;
        this.io = io;
        this.auth = auth;
    }

    /** Javalin's response compression, applied the same way here. */
    void compression(CompressionStrategy c) {
        this.compression = c;
    }

    /** Requests taken by this path so far (counted as each starts). */
    long served() {
        return served.sum();
    }

    static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** Where finished requests are reported (metrics, audit, slow log); by default nowhere. */
    void observer(Consumer<FinishedRequest> o) {
        this.observer = o;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Route route = routeOf(request);
        if (route == null) {
            return super.handle(request, response, callback);
        }
        // counted before the answer goes out: a client that has its answer sees it counted
        served.increment();
        serve(request, response, callback, route);
        return true;
    }

    /** The route of a request this path serves, or null to leave it to Javalin. */
    static Route routeOf(Request request) {
        if (!"POST".equals(request.getMethod())) {
            return null;
        }
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        for (Route r : Route.values()) {
            if (path.endsWith(r.suffix) && path.length() > PREFIX.length() + r.suffix.length()) {
                String name = path.substring(PREFIX.length(), path.length() - r.suffix.length());
                return plain(name, "") && plain(request.getHttpURI().getQuery(), "=&") ? r : null;
            }
        }
        return null;
    }

    /** Whether {@code s} (null counts) has only letters, digits, {@code _ - .} and {@code extra}. */
    private static boolean plain(String s, String extra) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!plain(ch) && extra.indexOf(ch) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean plain(char ch) {
        return (ch >= 'a' && ch <= 'z')
                || (ch >= 'A' && ch <= 'Z')
                || (ch >= '0' && ch <= '9')
                || ch == '_'
                || ch == '-'
                || ch == '.';
    }

    private void serve(Request request, Response response, Callback callback, Route route) {
        long start = System.nanoTime();
        ThreadSlice.shortenCurrent();
        String path = request.getHttpURI().getPath();
        String name = path.substring(PREFIX.length(), path.length() - route.suffix.length());
        long declared = request.getLength();
        InputStream in = Content.Source.asInputStream(request);
        Fields params = Request.extractQueryParameters(request);
        RestAccessRules.Requirement[] requirement = {null};
        Principal[] principal = {null};
        boolean[] read = {false};
        // Javalin runs the path check and authentication before it matches the route: a request
        // refused there is reported as "unmatched", without its collection
        boolean matched = false;
        int status = 200;
        Long retryAfter = null;
        byte[] reply;
        RequestGuarantees.clear();
        try {
            ApiExchange.checkCollectionNameInPath(path);
            auth.authorize(
                    "POST",
                    path,
                    request.getHeaders().get("api-key"),
                    request.getHeaders().get(HttpHeader.AUTHORIZATION),
                    r -> requirement[0] = r,
                    p -> principal[0] = p);
            matched = true;
            ApiExchange.Body body = io.scratchBody(
                    declared, in, request.getHeaders().get(HttpHeader.CONTENT_ENCODING), () -> read[0] = true);
            reply = switch (route) {
                case QUERY -> {
                    var result = search.query(principal[0], name, params::getValue, ApiExchange.queryBody(body));
                    yield ApiExchange.envelope(result, (System.nanoTime() - start) / 1e9);
                }
                case SEARCH -> {
                    var result = search.legacy(
                            principal[0], name, params::getValue, ApiExchange.parse(body), QueryJson::search);
                    yield ApiExchange.envelope(result, (System.nanoTime() - start) / 1e9);
                }
                case QUERY_BATCH -> {
                    var result = search.queryBatch(principal[0], name, params::getValue, ApiExchange.parse(body));
                    yield ApiExchange.envelope(result, (System.nanoTime() - start) / 1e9);
                }
            };
        } catch (Exception e) {
            ErrorMapper.Reply r = ErrorMapper.reply(e, "POST", path);
            status = r.status();
            retryAfter = r.retryAfterSeconds();
            reply = ApiExchange.errorBody(r.message(), (System.nanoTime() - start) / 1e9);
        } catch (Error e) {
            status = 500;
            reply = ErrorMapper.errorBody(e);
        } finally {
            RequestGuarantees.clear();
        }
        if (!read[0]) {
            io.drain(declared, in);
        }
        observer.accept(new FinishedRequest(
                "POST",
                matched ? route.template : "unmatched",
                status,
                System.nanoTime() - start,
                matched ? name : null,
                requirement[0],
                principal[0],
                Request.getRemoteAddr(request),
                declared));
        response.setStatus(status);
        var headers = response.getHeaders();
        if (retryAfter != null) {
            headers.put(HttpHeader.RETRY_AFTER, Long.toString(retryAfter));
        }
        headers.put(HttpHeader.CONTENT_TYPE, JSON);
        reply = compressed(request, headers, reply);
        // as through the servlet stream: a body within Jetty's output aggregation size is sent with
        // its Content-Length, a larger one (written past the aggregation buffer) chunked
        int aggregate = request.getConnectionMetaData().getHttpConfiguration().getOutputAggregationSize();
        if (reply.length <= aggregate) {
            headers.put(HttpHeader.CONTENT_LENGTH, reply.length);
            response.write(true, ByteBuffer.wrap(reply), callback);
        } else {
            byte[] whole = reply;
            response.write(
                    false,
                    ByteBuffer.wrap(whole),
                    Callback.from(() -> response.write(true, BufferUtil.EMPTY_BUFFER, callback), callback::failed));
        }
    }

    /**
     * {@code body} compressed as Javalin's output stream would (its strategy, its minimum size, the
     * client's {@code Accept-Encoding}), with {@code Content-Encoding} set; else {@code body}.
     */
    private byte[] compressed(Request request, org.eclipse.jetty.http.HttpFields.Mutable headers, byte[] body) {
        // Javalin's rule: allowed types win over excluded ones (prefixes such as "image/")
        boolean allowed = compression.getAllowedMimeTypes().stream().anyMatch(JSON::startsWith)
                || compression.getExcludedMimeTypes().stream().noneMatch(JSON::startsWith);
        if (body.length < compression.getDefaultMinSizeForCompression() || !allowed) {
            return body;
        }
        String accepted = request.getHeaders().get(HttpHeader.ACCEPT_ENCODING);
        Compressor c = compression.findMatchingCompressor(accepted == null ? "" : accepted);
        if (c == null) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        try (OutputStream z = c.compress(out)) {
            z.write(body);
        } catch (IOException e) {
            return body; // in memory: cannot happen
        }
        headers.put(HttpHeader.CONTENT_ENCODING, c.encoding());
        return out.toByteArray();
    }
}
