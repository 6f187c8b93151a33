package io.sextant.index.sparse;

/**
 * Constants and size arithmetic of the sparse index file, shared by {@link SparseIndexWriter}
 * (which documents the layout byte by byte) and {@link MmapSparseIndex}. Stateless.
 */
final class SparseIndexFile {
    /** "SXSP" as little-endian bytes. */
    static final int MAGIC = 0x5053_5853;
    /** "SXSE" as little-endian bytes: the footer's magic. */
    static final int FOOTER_MAGIC = 0x4553_5853;

    static final int VERSION = 1;
    /** Flag bits this build understands; version 1 defines none. */
    static final int KNOWN_FLAGS = 0;

    static final int HEADER_BYTES = 64;
    static final int DIM_ID_BYTES = 4;
    static final int LIST_ENTRY_BYTES = 24;
    static final int BLOCK_ENTRY_BYTES = 16;
    static final int FOOTER_BYTES = 8;

    private SparseIndexFile() {}

    static long listTableOffset(int dims) {
        return HEADER_BYTES + (long) DIM_ID_BYTES * dims;
    }

    static long blockTableOffset(int dims) {
        return listTableOffset(dims) + (long) LIST_ENTRY_BYTES * dims;
    }

    static long dataOffset(int dims, long blocks) {
        return blockTableOffset(dims) + BLOCK_ENTRY_BYTES * blocks;
    }

    /** The exact file length for the header's counts. */
    static long fileLength(int dims, long blocks, long dataBytes) {
        return dataOffset(dims, blocks) + dataBytes + FOOTER_BYTES;
    }
}
