/**
 * Authentication and authorization, shared by REST and gRPC.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>{@link io.sextant.server.auth.AccessControl} and {@link io.sextant.server.auth.Principal}
 *       know nothing of HTTP; transports pass the raw {@code api-key} and {@code Authorization}
 *       values and map {@code UserException} kinds (UNAUTHORIZED, FORBIDDEN) to their status codes.
 *   <li>REST rules are decided from method and path before routing
 *       ({@link io.sextant.server.auth.RestAccessRules}), deny by default: an unknown change needs
 *       manage access, an unknown GET needs global read. A route added later is therefore never
 *       open to a read-only key or a collection-scoped token by accident.
 *   <li>Collection-scoped rights are checked on the collection an alias resolves to; listing
 *       collections and aliases shows only what the caller may see; an unknown collection answers
 *       403 (not 404) to a scoped caller, so existence does not leak.
 *   <li>{@code /metrics} and {@code /telemetry} need global read (either key, or an {@code r}/{@code
 *       m} token); only {@code /}, {@code /healthz}, {@code /livez} and {@code /readyz} are open.
 *   <li>JWTs: HS256 only, MAC checked with the JDK in constant time (nimbus' verifier refuses
 *       secrets under 256 bits, Qdrant accepts any api key); 30 s leeway on {@code exp}/{@code nbf};
 *       a missing {@code access} claim means manage, as in Qdrant; payload-restricted grants are
 *       refused rather than ignored.
 *   <li>A query's {@code lookup_from} (at any prefetch depth) and {@code with_lookup} collections
 *       need read access too ({@link io.sextant.server.auth.LookupAccessCheck}), checked after
 *       parsing, so a token scoped to A cannot read B through a lookup.
 * </ul>
 */
package io.sextant.server.auth;
