package io.sextant.server.api.rest;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Cross-origin resource sharing as Qdrant configures it ({@code service.enable_cors}, on by
 * default): any origin, any method, any header, no credentials. A Jetty wrapper in front of the
 * REST routes, so a preflight ({@code OPTIONS} with {@code Origin} and {@code
 * Access-Control-Request-Method}) is answered 200 here, before authentication: browsers send it
 * without the API key. Every other request with an {@code Origin} goes on to the routes (and to
 * authentication) with {@code Access-Control-Allow-Origin} set to that origin, so a browser can read
 * the answer, errors included. Requests without {@code Origin} are untouched. Thread-safe.
 */
public final class CorsHandler extends Handler.Wrapper {

    /** Headers a preflight answer depends on, for caches. */
    private static final String VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        String origin = headers.get(HttpHeader.ORIGIN);
        if (origin == null) {
            return super.handle(request, response, callback);
        }
        HttpFields.Mutable out = response.getHeaders();
        out.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.add(new HttpField(HttpHeader.VARY, VARY));
        String method = headers.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        if (!"OPTIONS".equals(request.getMethod()) || method == null) {
            return super.handle(request, response, callback);
        }
        out.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, method.trim());
        String requested = headers.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null && !requested.isBlank()) {
            out.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, requested.trim());
        }
        out.put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(200);
        callback.succeeded();
        return true;
    }
}
