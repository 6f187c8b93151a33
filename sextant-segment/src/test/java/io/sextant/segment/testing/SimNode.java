package io.sextant.segment.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * One inode of a {@link SimulatedDisk}: a directory (live and durable entries) or a regular file
 * (durable content, and what changed since its last fsync). Not thread-safe: guarded by the disk's
 * lock.
 */
final class SimNode {
    final long id;
    final boolean dir;

    /** Directory: the entries as they are now (mirrors the real directory). */
    final TreeMap<String, SimNode> live = new TreeMap<>();
    /** Directory: the entries as of the last fsync of this directory. */
    TreeMap<String, SimNode> durable = new TreeMap<>();
    /** Directory: the mutation index of its last fsync (0: never, or durable from the start). */
    long lastSync;

    /** File: the content as of the last fsync of this file. */
    PageImage durableData = new PageImage();
    /** File: pages written through a channel since the last fsync. */
    final BitSet dirtyPages = new BitSet();
    /** File: smallest size it was truncated to since the last fsync (MAX_VALUE = none). */
    long shrunkTo = Long.MAX_VALUE;
    /** File: mapped READ_WRITE at some point: any page may have changed behind the simulator's back. */
    boolean mappedWritable;
    /** Real channels open on this node (to read its live content at a cut). */
    final Set<FileChannel> openChannels = new HashSet<>();

    /** Torn mode: what survives the cut, fixed at the moment of the cut. */
    PageImage tornData;

    TreeMap<String, SimNode> tornEntries;

    SimNode(long id, boolean dir) {
        this.id = id;
        this.dir = dir;
    }

    /** Whether anything changed since the last fsync. */
    boolean pending() {
        return dir ? !live.equals(durable) : !dirtyPages.isEmpty() || shrunkTo != Long.MAX_VALUE || mappedWritable;
    }

    /** Records a write of {@code n} bytes at {@code pos}. */
    void noteWrite(long pos, long n) {
        if (n <= 0) {
            return;
        }
        int first = pageIndex(pos);
        int last = pageIndex(pos + n - 1);
        dirtyPages.set(first, last + 1);
    }

    /** Records a truncation to {@code size}. */
    void noteShrink(long size) {
        shrunkTo = Math.min(shrunkTo, size);
        dirtyPages.set(pageIndex(size));
    }

    /** An fsync of this regular file through {@code ch}: the durable content becomes the live content. */
    void persist(FileChannel ch) throws IOException {
        long size = ch.size();
        if (mappedWritable) {
            durableData = PageImage.of(ch);
        } else {
            if (shrunkTo < durableData.length()) {
                durableData.setLength(shrunkTo);
            }
            for (int p = dirtyPages.nextSetBit(0); p >= 0; p = dirtyPages.nextSetBit(p + 1)) {
                if ((long) p * PageImage.PAGE < size) {
                    durableData.putPage(p, PageImage.readPage(ch, p));
                }
            }
            durableData.setLength(size);
        }
        dirtyPages.clear();
        shrunkTo = Long.MAX_VALUE;
    }

    private static int pageIndex(long pos) {
        long p = pos / PageImage.PAGE;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + pos + " is past what the simulator tracks ("
                    + (long) Integer.MAX_VALUE * PageImage.PAGE + ")");
        }
        return (int) p;
    }

    @Override
    public String toString() {
        return (dir ? "dir#" : "file#") + id;
    }
}
