package io.sextant.server.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of an import on stderr: points done / total, percentage, rate and ETA. On a terminal a
 * bar redrawn in place with {@code \r} (at most 10 times a second); otherwise plain lines, one every
 * {@code plainEveryNanos} (and at the end). Thread-safe (methods synchronized).
 */
final class ImportProgress {
    /** Creates the progress display once the total and the resumed count are known. */
    interface Factory {
        ImportProgress create(long total, long alreadyDone);
    }

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private final long startDone;
    private final LongSupplier nanos;
    private final long start;
    private final long everyNanos;
    private long lastPrint;
    private long done;

    /**
     * @param startDone points already imported before this run (resume): excluded from the rate
     */
    ImportProgress(
            PrintStream out, boolean terminal, long total, long startDone, LongSupplier nanos, long plainEveryNanos) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.startDone = startDone;
        this.done = startDone;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.everyNanos = terminal ? 100_000_000L : plainEveryNanos;
        this.lastPrint = start;
    }

    synchronized void advance(long points) {
        done += points;
        long now = nanos.getAsLong();
        if (now - lastPrint >= everyNanos) {
            lastPrint = now;
            print(now);
        }
    }

    synchronized void finish() {
        print(nanos.getAsLong());
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    synchronized long done() {
        return done;
    }

    /** Points per second in this run. */
    synchronized double rate() {
        double secs = (nanos.getAsLong() - start) / 1e9;
        return secs <= 0 ? 0 : (done - startDone) / secs;
    }

    private void print(long now) {
        double secs = (now - start) / 1e9;
        double rate = secs <= 0 ? 0 : (done - startDone) / secs;
        String line = line(done, total, rate);
        if (terminal) {
            out.print("\r" + bar() + " " + line + "   ");
        } else {
            out.println("import: " + line);
        }
        out.flush();
    }

    private String bar() {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
    }

    /** {@code 12,345/115,659 points (10.7%), 4,321 points/s, ETA 0:21}; total unknown: no % and ETA. */
    static String line(long done, long total, double rate) {
        if (total < 0) {
            return String.format(Locale.ROOT, "%,d points, %,.0f points/s", done, rate);
        }
        String eta = rate <= 0 ? "--:--" : clock((long) Math.ceil((total - done) / rate));
        return String.format(
                Locale.ROOT,
                "%,d/%,d points (%.1f%%), %,.0f points/s, ETA %s",
                done,
                total,
                total == 0 ? 100.0 : 100.0 * done / total,
                rate,
                eta);
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = (seconds / 60) % 60;
        long s = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
