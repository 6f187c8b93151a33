package io.sextant.segment.storage;

import io.sextant.segment.error.ServiceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The 8-byte header every Sextant storage file starts with: a 4-byte ASCII magic followed by a
 * big-endian u32 format version. A reader rejects a wrong magic (not this kind of file) and a
 * version newer than it knows, with a message naming the file. Stateless and thread-safe.
 *
 * <pre>
 * offset 0  u8[4]  magic, e.g. "SXPT"
 * offset 4  u32    format version (big-endian)
 * </pre>
 */
public final class FileHeader {
    public static final int SIZE = 8;

    private FileHeader() {}

    /** Writes {@code magic} and {@code version} at the buffer's position. */
    public static void write(ByteBuffer buf, String magic, int version) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (m.length != 4) {
            throw new IllegalArgumentException("magic must be 4 ASCII bytes, got " + magic);
        }
        buf.put(m).putInt(version);
    }

    /**
     * Reads and checks the header at the buffer's position.
     *
     * @return the file's format version (1..maxVersion)
     * @throws ServiceException when the magic differs or the version is unknown
     */
    public static int check(ByteBuffer buf, String magic, int maxVersion, Path file) {
        if (buf.remaining() < SIZE) {
            throw new ServiceException("Corrupt file " + file + ": " + buf.remaining() + " bytes is shorter than the "
                    + SIZE + "-byte header");
        }
        byte[] m = new byte[4];
        buf.get(m);
        String found = new String(m, StandardCharsets.ISO_8859_1);
        if (!found.equals(magic)) {
            throw new ServiceException(
                    "Corrupt file " + file + ": magic is '" + printable(found) + "', expected '" + magic + "'");
        }
        int version = buf.getInt();
        if (version < 1 || version > maxVersion) {
            throw new ServiceException("Unsupported file " + file + ": format version " + version
                    + ", this binary reads versions 1.." + maxVersion);
        }
        return version;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
