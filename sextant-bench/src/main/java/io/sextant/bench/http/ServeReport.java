package io.sextant.bench.http;

import io.sextant.bench.http.ServeBench.Point;
import io.sextant.bench.plot.PlotCanvas;
import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@link ServeBench}: a markdown table (requests/s, p50/p90/p99/max, p99/p50, recall
 * per transport and connection count, with the ratio to the in-process engine at the same thread
 * count), a CSV of the same rows and a PNG of requests/s against connections. Immutable.
 */
final class ServeReport {
    private final String dataset;
    private final List<Point> points;
    private final int ef;
    private final List<String> efTrial;

    ServeReport(String dataset, List<Point> points, int ef, List<String> efTrial) {
        this.dataset = dataset;
        this.points = List.copyOf(points);
        this.ef = ef;
        this.efTrial = List.copyOf(efTrial);
    }

    private double engineRps(int threads) {
        return points.stream()
                .filter(p -> p.transport().equals("in-process") && p.connections() == threads)
                .mapToDouble(p -> p.run().rps())
                .findFirst()
                .orElse(Double.NaN);
    }

    String markdown(
            String command,
            String date,
            String cpu,
            String serverCmd,
            String loaded,
            int rounds,
            int warmup,
            int queries,
            String[] loads,
            String notes) {
        StringBuilder md = new StringBuilder("# Search through the server vs in-process: " + dataset + "\n\n");
        md.append("- command: `").append(command).append("`\n");
        md.append("- date: ").append(date).append("\n- CPU: ").append(cpu).append(" (client and server share them)\n");
        md.append("- server: ").append(serverCmd).append("; ").append(loaded).append('\n');
        md.append("- hnsw_ef=")
                .append(ef)
                .append(", the smallest of the candidates reaching the recall target")
                .append(" (recall@10 over REST, 1 connection: ")
                .append(String.join(", ", efTrial))
                .append(")\n");
        md.append("- every point: ")
                .append(queries)
                .append(" queries x ")
                .append(rounds)
                .append(" rounds, top 10, no payload, closed loop; REST and gRPC alternate per connection count;"
                        + " in-process runs twice the rounds (after the server stopped, on the same storage);"
                        + " each transport and in-process first warmed up with ")
                .append(warmup)
                .append(" rounds at 2 connections / threads\n");
        md.append("- load average: before ")
                .append(loads[0])
                .append(" | after the server runs ")
                .append(loads[1])
                .append(" | after in-process ")
                .append(loads[2])
                .append("\n\n");
        md.append("| transport | connections / threads | requests/s | x in-process | p50 (ms) | p90 (ms) | p99 (ms)"
                + " | max (ms) | p99/p50 | recall@10 | errors | server CPU ms/req | client CPU ms/req |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : points) {
            double engine = engineRps(Math.min(2, p.connections()));
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.2f | %.3f | %.3f | %.3f | %.1f | %.1f | %.4f | %d | %.3f | %.3f |%n",
                    p.transport(),
                    p.connections(),
                    p.run().rps(),
                    p.run().rps() / engine,
                    p.run().p(0.5),
                    p.run().p(0.9),
                    p.run().p(0.99),
                    p.run().max(),
                    p.run().p(0.99) / p.run().p(0.5),
                    p.recall(),
                    p.run().errors(),
                    p.serverCpuMs(),
                    p.clientCpuMs()));
        }
        md.append("\n\"x in-process\" divides by the in-process engine's requests/s at min(connections, 2) threads")
                .append(" (2 cores). CPU ms/req: CPU time (user + system) of the server process and of the")
                .append(
                        " load generator's JVM over the run, per request; for in-process, the engine's (client column).\n");
        if (!notes.isBlank()) {
            md.append('\n').append(notes.strip()).append('\n');
        }
        return md.toString();
    }

    String csv() {
        StringBuilder csv = new StringBuilder(
                "transport,connections,ef,requests_per_s,p50_ms,p90_ms,p99_ms,max_ms,recall_at_10,errors,"
                        + "server_cpu_ms_per_req,client_cpu_ms_per_req\n");
        for (Point p : points) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%.1f,%.4f,%.4f,%.4f,%.3f,%.4f,%d,%.4f,%.4f%n",
                    p.transport(),
                    p.connections(),
                    ef,
                    p.run().rps(),
                    p.run().p(0.5),
                    p.run().p(0.9),
                    p.run().p(0.99),
                    p.run().max(),
                    p.recall(),
                    p.run().errors(),
                    p.serverCpuMs(),
                    p.clientCpuMs()));
        }
        return csv.toString();
    }

    /** Requests/s (y) against connections (x, log2 spaced), one line per transport. */
    void plot(Path png) throws IOException {
        int w = 800;
        int h = 500;
        int left = 80;
        int right = w - 160;
        int top = 60;
        int bottom = h - 60;
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Point p : points) {
            series.computeIfAbsent(p.transport(), k -> new java.util.ArrayList<>())
                    .add(p);
        }
        double maxRps = points.stream().mapToDouble(p -> p.run().rps()).max().orElse(1) * 1.1;
        int maxC = points.stream().mapToInt(Point::connections).max().orElse(1);
        double maxLog = Math.max(1, Math.log(maxC) / Math.log(2));
        try (PlotCanvas canvas =
                new PlotCanvas(w, h, "Search requests/s vs connections, " + dataset + ", hnsw_ef=" + ef, left)) {
            Graphics2D g = canvas.graphics();
            for (int i = 0; i <= 5; i++) {
                int y = bottom - (bottom - top) * i / 5;
                g.setColor(PlotCanvas.GRID);
                g.drawLine(left, y, right, y);
                g.setColor(java.awt.Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f", maxRps * i / 5), 10, y + 4);
            }
            for (int c = 1; c <= maxC; c *= 2) {
                int x = left + (int) ((right - left) * (Math.log(c) / Math.log(2)) / maxLog);
                g.setColor(PlotCanvas.GRID);
                g.drawLine(x, top, x, bottom);
                g.setColor(java.awt.Color.BLACK);
                g.drawString(Integer.toString(c), x - 4, bottom + 18);
            }
            g.drawString("connections (in-process: threads)", (left + right) / 2 - 90, bottom + 40);
            int si = 0;
            for (Map.Entry<String, List<Point>> e : series.entrySet()) {
                g.setColor(PlotCanvas.color(si));
                g.setStroke(new BasicStroke(2f));
                int px = -1;
                int py = -1;
                for (Point p : e.getValue()) {
                    int x = left + (int) ((right - left) * (Math.log(p.connections()) / Math.log(2)) / maxLog);
                    int y = bottom - (int) ((bottom - top) * p.run().rps() / maxRps);
                    g.fillOval(x - 4, y - 4, 8, 8);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
                g.drawString(e.getKey(), right + 20, top + 20 * si + 10);
                si++;
            }
            canvas.writePng(png);
        }
    }
}
