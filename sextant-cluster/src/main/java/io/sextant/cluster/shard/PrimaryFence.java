package io.sextant.cluster.shard;

import io.sextant.segment.error.ServiceException;

/**
 * The primary term a forwarded write carries: the peer that ordered it as the shard's primary and
 * the metadata log index of the entry that made it primary (0: unknown). A replica's peer admits a
 * forward only when its own log still names that primary and has no newer one ({@link
 * FenceCheck}); so a primary that was frozen with forwards in its queues and was replaced meanwhile
 * cannot apply them on replicas that follow the new primary.
 *
 * <p>On the wire the fence travels as the gRPC request header {@value #HEADER}, {@code
 * "<primary peer id, unsigned decimal>.<index>"} (ASCII), on the write calls of the internal shard
 * service ({@code Update}, {@code TaggedUpdate}, {@code TaggedBatch}, {@code InstallChunk}, {@code
 * InstallFinish}); a call without it (an older peer) is admitted unchecked, and an older peer
 * ignores it. A refusal is the status {@code FAILED_PRECONDITION} with the trailer {@value
 * #REFUSED_TRAILER} = the refusing peer's current primary and index in the same form, raised at the
 * caller as {@link Refused}. The sending side binds the fence to the thread that makes the call
 * ({@link #CURRENT}): the forwarding queues bind the fence captured when the write was ordered.
 * Immutable.
 *
 * @param primary the peer id of the primary that ordered the write
 * @param index the log index of the entry that made it primary; 0 when unknown
 */
public record PrimaryFence(long primary, long index) {

    /** The fence of the forwards the current thread sends (bound by the primary's forwarding queues). */
    public static final ScopedValue<PrimaryFence> CURRENT = ScopedValue.newInstance();

    /** Request header carrying the fence. */
    public static final String HEADER = "x-sextant-primary-fence";

    /** Trailer of a refusal, carrying the refusing peer's current primary term. */
    public static final String REFUSED_TRAILER = "sextant-fenced-by";

    /** The header form, {@code "<primary>.<index>"}. */
    public String encode() {
        return Long.toUnsignedString(primary) + "." + index;
    }

    /**
     * Reads the header form.
     *
     * @throws IllegalArgumentException when {@code s} is not {@code "<unsigned>.<index>"}
     */
    public static PrimaryFence decode(String s) {
        int dot = s.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("primary fence must be <peer>.<index>, got " + s);
        }
        return new PrimaryFence(Long.parseUnsignedLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
    }

    /**
     * A replica's peer refused a forward: its log names another primary, or this one with a newer
     * index, or it already applied a forward of a newer primary. The sender has been replaced: it
     * must not acknowledge the write and must not mark replicas Dead for it.
     */
    public static final class Refused extends ServiceException {
        private final PrimaryFence current;

        /** @param current the refusing peer's primary term (primary 0: none) */
        public Refused(String message, PrimaryFence current) {
            super(message);
            this.current = current;
        }

        /** The refusing peer's primary term. */
        public PrimaryFence current() {
            return current;
        }
    }
}
