package io.sextant.segment.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel of a {@link PowerCutFileSystem}: a real {@link FileChannel} whose writes, truncations,
 * maps and forces are counted as mutations (any of them may be the power cut) and recorded in the
 * file's {@link SimNode}; {@link #force} makes the file's live content (or, for a directory, its
 * entries) durable. Reads pass through. After the cut every operation but {@code close} throws
 * {@link PowerCutException}. Thread-safe like {@link FileChannel}: mutating operations are
 * serialized on the disk's monitor.
 */
final class PowerCutChannel extends FileChannel {
    private static final int TRANSFER_CHUNK = 64 * 1024;
    private final SimulatedDisk disk;
    private final SimNode node; // null outside the simulated root (read-only access)
    private final FileChannel real;
    /** Reads the file's live content at an fsync or a cut: {@code real}, or a read-only twin when write-only. */
    private final FileChannel reader;

    private final Path path;

    PowerCutChannel(SimulatedDisk disk, SimNode node, FileChannel real, FileChannel reader, Path path) {
        this.disk = disk;
        this.node = node;
        this.real = real;
        this.reader = reader;
        this.path = path;
        if (node != null) {
            node.openChannels.add(reader);
        }
    }

    private void mutate(String kind) throws IOException {
        if (node == null) {
            throw new IOException("Cannot modify " + path + ": outside the simulated root " + disk.realRoot());
        }
        disk.mutate(kind, path);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        disk.checkAlive();
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        disk.checkAlive();
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        disk.checkAlive();
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (disk) {
            mutate("write");
            int n = real.write(src);
            node.noteWrite(real.position() - n, n);
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        synchronized (disk) {
            mutate("write");
            long n = real.write(srcs, offset, length);
            node.noteWrite(real.position() - n, n);
            return n;
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        synchronized (disk) {
            mutate("write");
            int n = real.write(src, position);
            node.noteWrite(position, n);
            return n;
        }
    }

    @Override
    public long position() throws IOException {
        disk.checkAlive();
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        disk.checkAlive();
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        disk.checkAlive();
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        synchronized (disk) {
            mutate("truncate");
            long old = real.size();
            real.truncate(size);
            if (size < old) {
                node.noteShrink(size);
            }
            return this;
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        synchronized (disk) {
            mutate(node != null && node.dir ? "fsync-dir" : "fsync");
            // no real fsync: the real files only back the live state, and a real fsync costs milliseconds
            if (node.dir) {
                disk.syncDir(node);
            } else {
                node.persist(reader);
            }
        }
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(1, count)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, position + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(1, count)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                done += write(buf, position + done);
            }
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        synchronized (disk) {
            mutate("map");
            if (mode != MapMode.READ_ONLY) {
                node.mappedWritable = true;
            }
            return real.map(mode, position, size);
        }
    }

    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        synchronized (disk) {
            mutate("map");
            if (mode != MapMode.READ_ONLY) {
                node.mappedWritable = true;
            }
            return real.map(mode, offset, size, arena);
        }
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        disk.checkAlive();
        return new DelegatingLock(this, real.lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        disk.checkAlive();
        FileLock l = real.tryLock(position, size, shared);
        return l == null ? null : new DelegatingLock(this, l);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        synchronized (disk) {
            if (node != null) {
                node.openChannels.remove(reader);
            }
        }
        try {
            real.close();
        } finally {
            if (reader != real) {
                reader.close();
            }
        }
    }

    /** A lock on the real channel reported as a lock on this channel. */
    private static final class DelegatingLock extends FileLock {
        private final FileLock real;

        DelegatingLock(FileChannel channel, FileLock real) {
            super(channel, real.position(), real.size(), real.isShared());
            this.real = real;
        }

        @Override
        public boolean isValid() {
            return real.isValid();
        }

        @Override
        public void release() throws IOException {
            real.release();
        }
    }
}
