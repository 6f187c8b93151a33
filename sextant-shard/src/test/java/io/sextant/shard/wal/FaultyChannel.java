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

/**
 * A {@link FileChannel} over a real file that fails like a full disk when told to: writes beyond
 * the remaining {@link Faults#spaceLeft} write what fits and then throw "No space left on device";
 * a failing {@code force} first zeroes everything written since the last successful force (the
 * kernel dropping dirty pages after a failed fsync) and then throws. Not thread-safe beyond what
 * the WAL's locks give it.
 */
final class FaultyChannel extends FileChannel {

    /** Shared switches of all channels of one test. */
    static final class Faults {
        volatile long spaceLeft = Long.MAX_VALUE;
        volatile boolean failForce;

        Wal.ChannelOpener opener() {
            return (Path file, OpenOption... options) -> new FaultyChannel(FileChannel.open(file, options), this);
        }
    }

    private final FileChannel inner;
    private final Faults faults;
    private long forcedSize;

    private FaultyChannel(FileChannel inner, Faults faults) throws IOException {
        this.inner = inner;
        this.faults = faults;
        this.forcedSize = inner.size();
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
        if (faults.failForce) {
            long size = inner.size();
            if (size > forcedSize) {
                inner.write(ByteBuffer.allocate((int) (size - forcedSize)), forcedSize);
            }
            throw new IOException("No space left on device");
        }
        inner.force(metaData);
        forcedSize = inner.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
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
