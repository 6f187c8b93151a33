package io.sextant.bench.ann;

import io.sextant.bench.plot.PlotCanvas;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws recall@10 (x) against QPS (y, log scale) for the unfiltered runs, one line per engine and
 * thread count (solid: 1 thread, dashed: more), with Java2D into a PNG. Headless; not thread-safe.
 */
final class RecallQpsPlot {
    static final int WIDTH = 1000;
    static final int HEIGHT = 700;

    private RecallQpsPlot() {}

    static void write(List<AnnRow> rows, String title, Path png) throws IOException {
        Map<String, List<AnnRow>> series = new LinkedHashMap<>();
        List<String> engines = new ArrayList<>();
        for (AnnRow r : rows) {
            if (!r.kind().equals("search")) {
                continue;
            }
            if (!engines.contains(r.engine())) {
                engines.add(r.engine());
            }
            series.computeIfAbsent(r.engine() + " " + r.threads() + "t", k -> new ArrayList<>())
                    .add(r);
        }
        double minRecall = 1;
        double minQps = Double.MAX_VALUE;
        double maxQps = 1;
        for (List<AnnRow> s : series.values()) {
            for (AnnRow r : s) {
                minRecall = Math.min(minRecall, r.recall());
                minQps = Math.min(minQps, r.qps());
                maxQps = Math.max(maxQps, r.qps());
            }
        }
        double x0 = Math.max(0, Math.floor(minRecall * 20) / 20);
        double x1 = 1.0;
        double y0 = Math.pow(10, Math.floor(Math.log10(Math.max(1, minQps))));
        double y1 = Math.pow(10, Math.ceil(Math.log10(maxQps)));

        int left = 90;
        int right = WIDTH - 200;
        int top = 50;
        int bottom = HEIGHT - 70;
        try (PlotCanvas canvas = new PlotCanvas(WIDTH, HEIGHT, title, left)) {
            Graphics2D g = canvas.graphics();
            // grid and axes
            for (int i = 0; i <= 10; i++) {
                double x = x0 + (x1 - x0) * i / 10;
                int px = left + (int) ((right - left) * (x - x0) / (x1 - x0));
                g.setColor(PlotCanvas.GRID);
                g.drawLine(px, top, px, bottom);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3f", x), px - 16, bottom + 18);
            }
            for (double y = y0; y <= y1 * 1.0001; y *= 10) {
                for (int m = 1; m < 10; m++) {
                    double v = y * m;
                    if (v > y1 * 1.0001) {
                        break;
                    }
                    int py = yPixel(v, y0, y1, top, bottom);
                    g.setColor(m == 1 ? new Color(0xc8c8c8) : new Color(0xf0f0f0));
                    g.drawLine(left, py, right, py);
                    if (m == 1 || m == 2 || m == 5) {
                        g.setColor(Color.DARK_GRAY);
                        g.drawString(String.format(Locale.ROOT, "%,.0f", v), 10, py + 4);
                    }
                }
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, right - left, bottom - top);
            g.drawString("recall@10", (left + right) / 2 - 25, HEIGHT - 30);
            g.drawString("QPS (log)", 10, top - 10);
            // series
            int legendY = top + 10;
            for (Map.Entry<String, List<AnnRow>> e : series.entrySet()) {
                List<AnnRow> pts = new ArrayList<>(e.getValue());
                pts.sort(Comparator.comparingInt(AnnRow::ef));
                String engine = pts.get(0).engine();
                Color c = PlotCanvas.color(engines.indexOf(engine));
                Stroke stroke = pts.get(0).threads() == 1
                        ? new BasicStroke(2.2f)
                        : new BasicStroke(
                                2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f);
                g.setColor(c);
                g.setStroke(stroke);
                int px = -1;
                int py = -1;
                for (AnnRow r : pts) {
                    int x = left + (int) ((right - left) * (Math.max(x0, r.recall()) - x0) / (x1 - x0));
                    int y = yPixel(r.qps(), y0, y1, top, bottom);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    g.fillOval(x - 3, y - 3, 7, 7);
                    px = x;
                    py = y;
                }
                g.drawLine(right + 15, legendY, right + 45, legendY);
                g.setStroke(new BasicStroke(1f));
                g.setColor(Color.BLACK);
                g.drawString(e.getKey(), right + 52, legendY + 4);
                legendY += 20;
            }
            canvas.writePng(png);
        }
    }

    private static int yPixel(double qps, double y0, double y1, int top, int bottom) {
        double f = (Math.log10(Math.max(qps, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0));
        return bottom - (int) ((bottom - top) * f);
    }
}
