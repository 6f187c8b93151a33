package io.sextant.shard.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link FileChannel} over a real file that fails like a full disk when told to: writes beyond
 * the remaining {@link Faults#spaceLeft} write what fits and then throw "No space left on device";
 * a failing {@code force} first zeroes everything written since the last successful force (the
 * kernel dropping dirty pages after a failed fsync) and then throws. {@link Faults#crash} models a
 * power cut: every file is cut back to what its last successful force covered.
 *
 * <p>Forces and truncations are serialized per channel (the bookkeeping of what is durable needs
 * it); writes are not, so concurrent writers see the real channel's behaviour.
 */
final class FaultyChannel extends FileChannel {

    /** Decides per force whether it fails, and may block to order threads in a test. */
    interface ForceHook {
        /**
         * Called before the {@code nth} (1-based) force of this channel.
         *
         * @return true to make this force fail (after dropping the unforced bytes)
         */
        boolean beforeForce(Path file, int nth);

        /** Called after the force succeeded, or failed and dropped the unforced bytes. */
        default void afterForce(Path file, int nth, boolean failed) {}
    }

    /** Shared switches of all channels of one test. */
    static final class Faults {
        volatile long spaceLeft = Long.MAX_VALUE;
        volatile boolean failForce;
        volatile ForceHook forceHook;
        /** Skip the real fsync of a successful force: the crash model needs only the bookkeeping. */
        volatile boolean simulatedForce;

        private final Queue<FaultyChannel> channels = new ConcurrentLinkedQueue<>();

        Wal.ChannelOpener opener() {
            return (Path file, OpenOption... options) -> {
                FaultyChannel ch = new FaultyChannel(FileChannel.open(file, options), file, this);
                channels.add(ch);
                return ch;
            };
        }

        /**
         * A power cut: every open channel's file loses the bytes its last successful force did not
         * cover, and the channels are closed (without forcing). The log using them is abandoned.
         */
        void crash() throws IOException {
            for (FaultyChannel ch; (ch = channels.poll()) != null; ) {
                ch.cutToForced();
            }
        }
    }

    private final FileChannel inner;
    private final Path file;
    private final Faults faults;
    private long forcedSize; // guarded by this
    private int forces; // guarded by this

    private FaultyChannel(FileChannel inner, Path file, Faults faults) throws IOException {
        this.inner = inner;
        this.file = file;
        this.faults = faults;
        this.forcedSize = inner.size();
    }

    private synchronized void cutToForced() throws IOException {
        if (!inner.isOpen()) {
            return; // closed by the log: deleted, or closed after a failed start
        }
        if (inner.size() > forcedSize) {
            inner.truncate(forcedSize);
        }
        inner.close();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        long left = faults.spaceLeft;
        if (left >= src.remaining()) {
            int n = inner.write(src);
            faults.spaceLeft = left == Long.MAX_VALUE ? left : left - n;
            return n;
        }
        if (left > 0) {
            ByteBuffer part = src.slice(src.position(), (int) left);
            int n = inner.write(part);
            src.position(src.position() + n);
            faults.spaceLeft = 0;
        }
        throw new IOException("No space left on device");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ForceHook hook = faults.forceHook;
        int nth;
        boolean fail;
        synchronized (this) {
            nth = ++forces;
        }
        fail = faults.failForce || (hook != null && hook.beforeForce(file, nth));
        synchronized (this) {
            if (fail) {
                long size = inner.size();
                if (size > forcedSize) {
                    inner.write(ByteBuffer.allocate((int) (size - forcedSize)), forcedSize);
                }
            } else {
                long size = inner.size(); // bytes written before the force started are covered by it
                if (!faults.simulatedForce) {
                    inner.force(metaData);
                }
                forcedSize = Math.max(forcedSize, size);
            }
        }
        if (hook != null) {
            hook.afterForce(file, nth, fail);
        }
        if (fail) {
            throw new IOException("No space left on device");
        }
    }

    @Override
    public synchronized FileChannel truncate(long size) throws IOException {
        inner.truncate(size);
        forcedSize = Math.min(forcedSize, size);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inner.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return inner.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("gathering writes are not used by the WAL");
    }

    @Override
    public long position() throws IOException {
        return inner.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        inner.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return inner.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return inner.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("not used by the WAL");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return inner.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw new UnsupportedOperationException("positional writes are not used by the WAL");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return inner.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return inner.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return inner.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        inner.close();
    }
}
