package io.sextant.bench.load;

import io.sextant.bench.plot.PlotCanvas;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Draws a soak run's resource samples as six panels over minutes of load (heap before/after GC and
 * capacity, RSS, threads, file descriptors with sockets and deleted files, storage size, memory
 * mappings), each with a linear y axis from 0, into a PNG. Headless; not thread-safe.
 */
final class ResourcePlot {
    static final int WIDTH = 1200;
    static final int HEIGHT = 900;
    private static final double MIB = 1.0 / (1 << 20);

    /** One line of a panel: its label and how to read it (scaled) from a sample. */
    record Line(String label, ToLongFunction<ResourceSample> value, double scale) {}

    private ResourcePlot() {}

    static void write(List<ResourceSample> samples, String title, Path png) throws IOException {
        List<List<Line>> panels = List.of(
                List.of(
                        new Line("heap after GC MB", ResourceSample::heapAfterGc, MIB),
                        new Line("heap before GC MB", ResourceSample::heapBeforeGc, MIB),
                        new Line("heap capacity MB", ResourceSample::heapCapacity, MIB)),
                List.of(
                        new Line("RSS MB", ResourceSample::rss, MIB),
                        new Line("RSS minus committed heap MB", ResourceSample::offHeapRss, MIB)),
                List.of(new Line("threads", ResourceSample::threads, 1)),
                List.of(
                        new Line("open fds", ResourceSample::fds, 1),
                        new Line("socket fds", ResourceSample::socketFds, 1),
                        new Line("deleted-file fds", ResourceSample::deletedFds, 1)),
                List.of(new Line("storage MB", ResourceSample::storage, MIB)),
                List.of(
                        new Line("memory maps", ResourceSample::maps, 1),
                        new Line("maps of deleted files", ResourceSample::deletedMaps, 1)));
        double minutes = Math.max(1, samples.getLast().atSeconds() / 60.0);
        try (PlotCanvas canvas = new PlotCanvas(WIDTH, HEIGHT, title, 20)) {
            Graphics2D g = canvas.graphics();
            int cols = 2;
            int cellW = WIDTH / cols;
            int cellH = (HEIGHT - 50) / 3;
            for (int i = 0; i < panels.size(); i++) {
                int x = (i % cols) * cellW;
                int y = 50 + (i / cols) * cellH;
                panel(g, samples, panels.get(i), minutes, x + 70, x + cellW - 20, y + 25, y + cellH - 40);
            }
            canvas.writePng(png);
        }
    }

    private static void panel(
            Graphics2D g,
            List<ResourceSample> samples,
            List<Line> lines,
            double minutes,
            int left,
            int right,
            int top,
            int bottom) {
        double max = 0;
        for (Line l : lines) {
            for (ResourceSample s : samples) {
                max = Math.max(max, l.value().applyAsLong(s) * l.scale());
            }
        }
        double yMax = niceCeiling(max);
        String tick = yMax >= 5 ? "%,.0f" : "%.1f";
        for (int i = 0; i <= 5; i++) {
            int py = bottom - (bottom - top) * i / 5;
            g.setColor(PlotCanvas.GRID);
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, tick, yMax * i / 5), left - 60, py + 4);
        }
        int step = minutes > 30 ? 10 : minutes > 10 ? 5 : 1;
        for (int m = 0; m <= minutes; m += step) {
            int px = left + (int) ((right - left) * m / minutes);
            g.setColor(PlotCanvas.GRID);
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Integer.toString(m), px - 6, bottom + 15);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("minutes of load", (left + right) / 2 - 45, bottom + 30);
        int legendX = left;
        for (int li = 0; li < lines.size(); li++) {
            Line l = lines.get(li);
            g.setColor(PlotCanvas.color(li));
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (ResourceSample s : samples) {
                long v = l.value().applyAsLong(s);
                if (v < 0) {
                    continue;
                }
                int x = left + (int) ((right - left) * (s.atSeconds() / 60.0) / minutes);
                int y = bottom - (int) ((bottom - top) * (v * l.scale()) / yMax);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.setStroke(new BasicStroke(1f));
            g.fillRect(legendX, top - 14, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(l.label(), legendX + 14, top - 4);
            legendX += 14 + g.getFontMetrics().stringWidth(l.label()) + 16;
        }
    }

    /** The smallest of 1, 2, 2.5, 5 x 10^k at or above {@code v} (1 for v <= 0): fifths are round. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
