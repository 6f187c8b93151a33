package io.sextant.segment.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of one file as a length and sparse 4 KiB pages (pages of zeros are not stored, so a
 * mostly empty pre-allocated vector file costs a few pages). Used for what a {@link
 * PowerCutFileSystem} file holds on "disk" at its last fsync. Not thread-safe: guarded by the disk's
 * lock.
 */
final class PageImage {
    static final int PAGE = 4096;

    private static final int SCAN_WINDOW = 1 << 20;
    private static final MemorySegment ZEROS = Arena.global().allocate(SCAN_WINDOW);
    private static final ThreadLocal<ByteBuffer> SCAN_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SCAN_WINDOW));

    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private long length;

    long length() {
        return length;
    }

    /** Number of pages not all zero (tests, memory estimates). */
    int storedPages() {
        return pages.size();
    }

    /** A deep copy. */
    PageImage copy() {
        PageImage c = new PageImage();
        for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
            c.pages.put(e.getKey(), e.getValue().clone());
        }
        c.length = length;
        return c;
    }

    /** The bytes of page {@code index} (zeros when not stored); a fresh array. */
    byte[] page(long index) {
        byte[] p = pages.get(index);
        return p == null ? new byte[PAGE] : p.clone();
    }

    /** Stores a full page ({@link #PAGE} bytes, copied); a page of zeros is dropped. */
    void putPage(long index, byte[] page) {
        if (page.length != PAGE) {
            throw new IllegalArgumentException("Page of " + page.length + " bytes, expected " + PAGE);
        }
        if (allZero(page)) {
            pages.remove(index);
        } else {
            pages.put(index, page.clone());
        }
    }

    /** Sets the length: pages past it are dropped and the tail of the last page is zeroed. */
    void setLength(long newLength) {
        if (newLength < length) {
            long firstDropped = (newLength + PAGE - 1) / PAGE;
            pages.tailMap(firstDropped, true).clear();
            int tail = (int) (newLength % PAGE);
            if (tail != 0) {
                byte[] last = pages.get(newLength / PAGE);
                if (last != null) {
                    Arrays.fill(last, tail, PAGE, (byte) 0);
                    if (allZero(last)) {
                        pages.remove(newLength / PAGE);
                    }
                }
            }
        }
        length = newLength;
    }

    /** Reads page {@code index} of a real file through {@code ch} (zeros past its end). */
    static byte[] readPage(FileChannel ch, long index) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(PAGE);
        long pos = index * PAGE;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.array();
    }

    /**
     * The whole content of a real file read through {@code ch}: read (not mapped, so that holes of a
     * tmpfs file are not filled by the scan) a megabyte at a time, runs of zeros skipped in one
     * vectorized comparison.
     */
    static PageImage of(FileChannel ch) throws IOException {
        PageImage img = new PageImage();
        long size = ch.size();
        img.length = size;
        ByteBuffer buf = SCAN_BUFFER.get().clear();
        MemorySegment window = MemorySegment.ofBuffer(buf);
        for (long base = 0; base < size; base += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - base));
            while (buf.hasRemaining() && ch.read(buf, base + buf.position()) >= 0) {
                // read the window fully (a short read only at the end of the file)
            }
            long n = buf.position();
            long off = 0;
            while (off < n) {
                long at = MemorySegment.mismatch(window, off, n, ZEROS, 0, n - off);
                if (at < 0) {
                    break;
                }
                long start = (off + at) / PAGE * PAGE;
                byte[] page = new byte[PAGE];
                MemorySegment.copy(window, ValueLayout.JAVA_BYTE, start, page, 0, (int) Math.min(PAGE, n - start));
                img.pages.put((base + start) / PAGE, page);
                off = start + PAGE;
            }
        }
        return img;
    }

    /** Indexes of the pages whose content differs between this image and {@code other}. */
    java.util.BitSet differingPages(PageImage other) {
        java.util.BitSet out = new java.util.BitSet();
        java.util.Set<Long> keys = new java.util.HashSet<>(pages.keySet());
        keys.addAll(other.pages.keySet());
        for (long p : keys) {
            if (!Arrays.equals(pages.get(p), other.pages.get(p))) {
                out.set(Math.toIntExact(p));
            }
        }
        return out;
    }

    /** Writes this content to a new real file {@code file} (sparse: pages of zeros are holes). */
    void writeTo(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
                long pos = e.getKey() * PAGE;
                if (pos >= length) {
                    break;
                }
                int n = (int) Math.min(PAGE, length - pos);
                ByteBuffer buf = ByteBuffer.wrap(e.getValue(), 0, n);
                while (buf.hasRemaining()) {
                    ch.write(buf, pos + buf.position());
                }
            }
            if (ch.size() < length) {
                ch.write(ByteBuffer.allocate(1), length - 1); // extends with a hole; the last byte is zero
            }
        }
    }

    private static boolean allZero(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
