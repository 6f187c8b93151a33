package io.sextant.bench.load;

/**
 * One reading of a server process's resources, taken by {@link ProcessSampler}. Sizes are bytes;
 * a figure that could not be read is -1.
 *
 * @param atSeconds seconds since the load started (0 = just before the first request)
 * @param heapBeforeGc Java heap in use when the sample was taken
 * @param heapAfterGc Java heap in use right after a full collection ({@code jcmd GC.run})
 * @param heapCapacity Java heap committed after that collection
 * @param rss resident set size ({@code VmRSS} of {@code /proc/<pid>/status})
 * @param threads OS threads of the process ({@code Threads} of {@code /proc/<pid>/status})
 * @param fds open file descriptors ({@code /proc/<pid>/fd})
 * @param socketFds of those, sockets
 * @param deletedFds of those, files already deleted from the directory tree (held open)
 * @param maps memory mappings ({@code /proc/<pid>/maps} lines)
 * @param deletedMaps of those, mappings of deleted files
 * @param storage total size of the files under the storage directory
 * @param storageFiles number of files under the storage directory
 * @param loadAverage the machine's one-minute load average ({@code /proc/loadavg}), -1 unread
 */
record ResourceSample(
        long atSeconds,
        long heapBeforeGc,
        long heapAfterGc,
        long heapCapacity,
        long rss,
        long threads,
        long fds,
        long socketFds,
        long deletedFds,
        long maps,
        long deletedMaps,
        long storage,
        long storageFiles,
        double loadAverage) {

    static final String CSV_HEADER = "t_s,heap_before_gc_mb,heap_after_gc_mb,heap_capacity_mb,rss_mb,threads,fds,"
            + "socket_fds,deleted_fds,maps,deleted_maps,storage_mb,storage_files,load_average";

    /** RSS minus the committed heap: the native and mapped-file part of the memory; -1 unread. */
    long offHeapRss() {
        return rss < 0 || heapCapacity < 0 ? -1 : rss - heapCapacity;
    }

    /** Open descriptors other than sockets (files, pipes, event fds); -1 unread. */
    long nonSocketFds() {
        return fds < 0 || socketFds < 0 ? -1 : fds - socketFds;
    }

    /** The sample as a CSV row in the order of {@link #CSV_HEADER}. */
    String csv() {
        return atSeconds + "," + mb(heapBeforeGc) + "," + mb(heapAfterGc) + "," + mb(heapCapacity) + "," + mb(rss)
                + "," + threads + "," + fds + "," + socketFds + "," + deletedFds + "," + maps + "," + deletedMaps + ","
                + mb(storage) + "," + storageFiles + "," + loadAverage;
    }

    static String mb(long bytes) {
        return bytes < 0 ? "" : String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
