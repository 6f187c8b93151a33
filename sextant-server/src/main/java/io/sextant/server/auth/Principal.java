package io.sextant.server.auth;

import io.sextant.segment.error.UserException;
import java.util.Map;
import java.util.Objects;

/**
 * Who is calling and what they may do, as established by {@link AccessControl#authenticate}. Three
 * levels, as in Qdrant's JWT RBAC: global manage ({@code m}: everything, including creating and
 * deleting collections, aliases and full snapshots), global read ({@code r}: read every collection,
 * change nothing) and per-collection grants ({@code r} or {@code rw} on named collections only;
 * such a caller cannot see, read or list any other collection and cannot manage anything).
 *
 * <p>The {@code check*} methods throw {@link UserException} of kind {@link
 * UserException.Kind#FORBIDDEN} (403) naming the principal and the missing right; they never
 * reveal whether a collection the caller may not see exists. Collection names are compared as
 * given: callers resolve aliases to collection names first.
 *
 * <p>Immutable and thread-safe.
 */
public final class Principal {

    /** Global access level. */
    public enum Global {
        /** Everything ({@code m}). */
        MANAGE,
        /** Read every collection ({@code r}). */
        READ,
        /** Only what the per-collection grants allow. */
        NONE
    }

    /** Access to one collection. */
    public enum CollectionAccess {
        /** Read points, search, count, info ({@code r}). */
        READ,
        /** Read and change points, payloads, vectors and payload indexes ({@code rw}). */
        READ_WRITE
    }

    /** The principal of a server without authentication configured: full access. */
    public static final Principal ANONYMOUS_ADMIN = new Principal("anonymous", Global.MANAGE, Map.of());

    private final String name;
    private final Global global;
    private final Map<String, CollectionAccess> collections;

    /**
     * @param name what the audit log and error messages call the caller (key name or JWT subject,
     *     never a secret)
     * @param global global access level
     * @param collections per-collection grants (only meaningful when {@code global} is {@link
     *     Global#NONE})
     */
    public Principal(String name, Global global, Map<String, CollectionAccess> collections) {
        this.name = Objects.requireNonNull(name, "name");
        this.global = Objects.requireNonNull(global, "global");
        this.collections = Map.copyOf(collections);
    }

    /** Full access under the given name. */
    public static Principal manager(String name) {
        return new Principal(name, Global.MANAGE, Map.of());
    }

    /** Read-only access to every collection under the given name. */
    public static Principal reader(String name) {
        return new Principal(name, Global.READ, Map.of());
    }

    /** The caller's name for logs: "api_key", "read_only_api_key", a JWT subject, or "anonymous". */
    public String name() {
        return name;
    }

    public Global global() {
        return global;
    }

    /** Per-collection grants (empty for global principals). */
    public Map<String, CollectionAccess> collections() {
        return collections;
    }

    /** Whether the caller may see (list, read) {@code collection}. */
    public boolean canSee(String collection) {
        return global != Global.NONE || collections.containsKey(collection);
    }

    /** Whether the caller may change points in {@code collection}. */
    public boolean canWrite(String collection) {
        return global == Global.MANAGE || collections.get(collection) == CollectionAccess.READ_WRITE;
    }

    /** Requires read access to {@code collection}. */
    public void checkRead(String collection) {
        if (!canSee(collection)) {
            throw forbidden("read access to collection '" + collection + "'");
        }
    }

    /** Requires write access (points, payloads, vectors, payload indexes) to {@code collection}. */
    public void checkWrite(String collection) {
        if (!canWrite(collection)) {
            throw forbidden("write access to collection '" + collection + "'");
        }
    }

    /** Requires global manage access (collections, aliases, full snapshots, cluster). */
    public void checkManage() {
        if (global != Global.MANAGE) {
            throw forbidden("manage access");
        }
    }

    /** Requires global read access (every collection, metrics, telemetry). */
    public void checkGlobalRead() {
        if (global == Global.NONE) {
            throw forbidden("global read access");
        }
    }

    private UserException forbidden(String what) {
        return new UserException(
                UserException.Kind.FORBIDDEN, "Forbidden: the caller '" + name + "' does not have " + what);
    }

    @Override
    public String toString() {
        return "Principal[" + name + ", " + global + (collections.isEmpty() ? "" : ", " + collections) + "]";
    }
}
