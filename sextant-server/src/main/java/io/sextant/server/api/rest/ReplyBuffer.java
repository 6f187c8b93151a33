package io.sextant.server.api.rest;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A per-thread buffer a reply is serialized into, so that a request allocates only its reply's
 * exact bytes ({@link #toByteArrayAndRelease}) rather than a fresh buffer grown by doubling and then
 * copied. A buffer that grew past {@link #KEPT} (a large scroll, say) is dropped after use, so a
 * thread keeps at most that much. Not thread-safe: one per thread, one reply at a time.
 */
final class ReplyBuffer extends ByteArrayOutputStream {
    /** Buffers up to this size are kept for the thread's next reply. */
    static final int KEPT = 64 * 1024;

    private static final ThreadLocal<ReplyBuffer> MINE = new ThreadLocal<>();

    private ReplyBuffer() {
        super(2048);
    }

    /** This thread's buffer, emptied. */
    static ReplyBuffer forThisThread() {
        ReplyBuffer b = MINE.get();
        if (b == null) {
            b = new ReplyBuffer();
            MINE.set(b);
        }
        b.reset();
        return b;
    }

    /** The bytes written, as a new exactly sized array; the buffer is dropped if it grew too large. */
    byte[] toByteArrayAndRelease() {
        byte[] out = Arrays.copyOf(buf, count);
        if (buf.length > KEPT) {
            MINE.remove();
        }
        return out;
    }
}
