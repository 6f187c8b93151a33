package io.sextant.cluster.replica;

/**
 * The read consistency and write ordering of the client request the current thread serves, bound
 * by the API layer from the request's {@code consistency} and {@code ordering} parameters and read
 * by {@link ReplicaSet} (the collection calls its shards on the request's thread). Why a thread
 * binding and not a parameter: the {@code Shard} interface is shared by local shards, which ignore
 * both, and every read and write method of the collection and query engine would otherwise grow
 * two parameters. A thread with nothing bound gets Qdrant's defaults (one replica, weak). A
 * standalone node binds them too and nothing reads them.
 */
public final class RequestGuarantees {
    private record Bound(ReadConsistency consistency, WriteOrdering ordering) {}

    private static final ThreadLocal<Bound> CURRENT = new ThreadLocal<>();

    private RequestGuarantees() {}

    /** Binds the guarantees of the request this thread now serves (null = the default). */
    public static void bind(ReadConsistency consistency, WriteOrdering ordering) {
        if (consistency == null && ordering == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(new Bound(consistency, ordering));
        }
    }

    /** Forgets the binding (when the request is answered). */
    public static void clear() {
        CURRENT.remove();
    }

    /** The current request's read consistency, {@link ReadConsistency#ONE} when none was given. */
    public static ReadConsistency consistency() {
        Bound b = CURRENT.get();
        return b == null || b.consistency == null ? ReadConsistency.ONE : b.consistency;
    }

    /** The current request's write ordering, {@link WriteOrdering#WEAK} when none was given. */
    public static WriteOrdering ordering() {
        Bound b = CURRENT.get();
        return b == null || b.ordering == null ? WriteOrdering.WEAK : b.ordering;
    }
}
