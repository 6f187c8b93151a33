package io.sextant.shard.snapshot;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes at most {@code limit} bytes to the wrapped stream and silently drops the rest: copies the
 * prefix of a file that was captured at a given length while writers may still append to it. Not
 * thread-safe.
 */
public final class BoundedOutputStream extends OutputStream {
    private final OutputStream out;
    private long remaining;

    public BoundedOutputStream(OutputStream out, long limit) {
        this.out = out;
        this.remaining = limit;
    }

    @Override
    public void write(int b) throws IOException {
        if (remaining > 0) {
            out.write(b);
            remaining--;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(len, remaining);
        if (n > 0) {
            out.write(b, off, n);
            remaining -= n;
        }
    }
}
