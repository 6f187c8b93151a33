package io.sextant.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Linux process's resources for the soak test: RSS and threads from {@code
 * /proc/<pid>/status}, open descriptors from {@code /proc/<pid>/fd}, mappings from {@code
 * /proc/<pid>/maps}, and the Java heap in use before and after a full collection through one
 * {@code jcmd <pid> -f} call ({@code GC.heap_info}, {@code GC.run}, {@code GC.heap_info}), plus the
 * size of a storage directory. The forced collection makes "heap after GC" the live data, which is
 * what a leak makes grow. Thread-safe only in the sense that every call is independent; the caller
 * samples from one thread.
 */
final class ProcessSampler {
    private static final Pattern USED = Pattern.compile("used\\s+(\\d+)([KMG]?)");
    private static final Pattern CAPACITY = Pattern.compile("(?<!max )(?:capacity|committed)\\s+(\\d+)([KMG]?)");
    private static final String GC_DONE = "Command executed successfully";

    private final long pid;
    private final Path storage;
    private final Path jcmd;
    private final Path jcmdScript;

    /**
     * Samples process {@code pid} and the files under {@code storage}, using the {@code jcmd} of
     * the JDK running this class.
     */
    ProcessSampler(long pid, Path storage) throws IOException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
        this.pid = pid;
        this.storage = storage;
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        this.jcmdScript = Files.createTempFile("soak-jcmd", ".txt");
        Files.writeString(jcmdScript, "GC.heap_info\nGC.run\nGC.heap_info\n");
        jcmdScript.toFile().deleteOnExit();
    }

    /**
     * The Java process behind {@code process}: itself when it runs {@code java}, otherwise its
     * newest descendant that does (a launcher script that did not {@code exec}).
     */
    static long javaPid(ProcessHandle process) {
        if (isJava(process)) {
            return process.pid();
        }
        return process.descendants()
                .filter(ProcessSampler::isJava)
                .mapToLong(ProcessHandle::pid)
                .max()
                .orElseThrow(() -> new IllegalStateException("no java process under pid " + process.pid()));
    }

    private static boolean isJava(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    long pid() {
        return pid;
    }

    /** One reading, stamped {@code atSeconds}; a figure that cannot be read is -1. */
    ResourceSample sample(long atSeconds) throws InterruptedException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = -1;
        long threads = -1;
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return new ResourceSample(atSeconds, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, loadAverage());
        }
        long[] fds = fds(proc.resolve("fd"));
        long[] maps = maps(proc.resolve("maps"));
        long[] heap = heap();
        long[] disk = diskUsage(storage);
        return new ResourceSample(
                atSeconds,
                heap[0],
                heap[1],
                heap[2],
                rss,
                threads,
                fds[0],
                fds[1],
                fds[2],
                maps[0],
                maps[1],
                disk[0],
                disk[1],
                loadAverage());
    }

    /** The machine's one-minute load average, -1 when unreadable. */
    static double loadAverage() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Open descriptors, of which sockets, of which deleted files. */
    static long[] fds(Path fdDir) {
        long all = 0;
        long sockets = 0;
        long deleted = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fdDir)) {
            for (Path fd : s) {
                all++;
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while listing
                }
                if (target.startsWith("socket:")) {
                    sockets++;
                } else if (target.endsWith(" (deleted)")) {
                    deleted++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return new long[] {-1, -1, -1};
        }
        return new long[] {all, sockets, deleted};
    }

    /** Mappings, of which mappings of deleted files. */
    static long[] maps(Path mapsFile) {
        try {
            List<String> lines = Files.readAllLines(mapsFile, StandardCharsets.ISO_8859_1);
            long deleted = lines.stream().filter(l -> l.endsWith(" (deleted)")).count();
            return new long[] {lines.size(), deleted};
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * Writes the top of the process's class histogram ({@code jcmd GC.class_histogram}, 40 lines)
     * and its native memory summary ({@code VM.native_memory summary}, when the JVM runs with
     * {@code -XX:NativeMemoryTracking}) to {@code file}, for comparing the start of a soak with its
     * end. Failures are written into the file instead.
     */
    void saveDiagnostics(Path file) throws InterruptedException {
        StringBuilder b = new StringBuilder();
        for (String cmd : List.of("GC.class_histogram", "VM.native_memory summary")) {
            b.append("## jcmd ").append(pid).append(' ').append(cmd).append('\n');
            jcmd(List.of(cmd.split(" ")))
                    .lines()
                    .limit(cmd.startsWith("GC") ? 43 : 200)
                    .forEach(l -> b.append(l).append('\n'));
            b.append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, b);
        } catch (IOException e) {
            System.out.println("load: could not write " + file + ": " + e);
        }
    }

    /** Heap used before the collection, used after it, and capacity after it. */
    private long[] heap() throws InterruptedException {
        return parseHeapInfo(jcmd(List.of("-f", jcmdScript.toString())));
    }

    /**
     * Runs {@code jcmd <pid> args} with its output in a temporary file, not a pipe: a VM operation
     * streams its output while the target is at a safepoint, so a target that reads its own jcmd's
     * pipe (a test sampling itself) would deadlock. Returns the output, or "failed: ..." on error
     * or after 120 s.
     */
    private String jcmd(List<String> args) throws InterruptedException {
        Path out = null;
        try {
            out = Files.createTempFile("soak-jcmd", ".out");
            List<String> command = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            command.addAll(args);
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "failed: jcmd " + args + " did not finish in 120 s";
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "failed: " + e;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /**
     * Parses the output of {@code GC.heap_info; GC.run; GC.heap_info}: the first heap line (the
     * one naming "used", not Metaspace or class space) before and after the {@code GC.run}
     * acknowledgement. Returns used before, used after and capacity after (ZGC's "capacity", G1's
     * "committed"), in bytes (-1 unread).
     */
    static long[] parseHeapInfo(String out) {
        int split = out.indexOf(GC_DONE);
        if (split < 0) {
            return new long[] {-1, -1, -1};
        }
        String before = heapLine(out.substring(0, split));
        String after = heapLine(out.substring(split + GC_DONE.length()));
        return new long[] {bytes(USED, before), bytes(USED, after), bytes(CAPACITY, after)};
    }

    private static String heapLine(String block) {
        for (String line : block.split("\n")) {
            if (USED.matcher(line).find() && !line.contains("Metaspace") && !line.contains("class space")) {
                return line;
            }
        }
        return "";
    }

    private static long bytes(Pattern p, String line) {
        Matcher m = p.matcher(line);
        if (!m.find()) {
            return -1;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            case "G" -> v << 30;
            default -> v;
        };
    }

    /** Total bytes and number of the regular files under {@code dir}; files deleted meanwhile are skipped. */
    static long[] diskUsage(Path dir) {
        long[] total = {0, 0};
        if (dir == null || !Files.isDirectory(dir)) {
            return new long[] {-1, -1};
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                        total[1]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed by the optimizer while walking
                }
            });
        } catch (NoSuchFileException e) {
            return total;
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
        return total;
    }
}
