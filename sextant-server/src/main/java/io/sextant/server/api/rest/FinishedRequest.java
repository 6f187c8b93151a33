package io.sextant.server.api.rest;

import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAccessRules;

/**
 * A finished REST request as metrics, audit and the slow-request log see it, whichever path served
 * it (Javalin's routes or {@link FastReads}).
 *
 * @param method the HTTP method
 * @param route the route template ({@code /collections/{collection_name}/points/query}), "unmatched" when none
 * @param status the HTTP status sent
 * @param nanos time from the request's start to its reply
 * @param collection the collection (or alias) named in the path, or null
 * @param requirement its access requirement, or null when not classified
 * @param principal the authenticated principal, or null when not authenticated
 * @param ip the client address
 * @param requestBytes the declared body size, -1 when unknown
 */
public record FinishedRequest(
        String method,
        String route,
        int status,
        long nanos,
        String collection,
        RestAccessRules.Requirement requirement,
        Principal principal,
        String ip,
        long requestBytes) {}
