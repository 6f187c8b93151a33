package io.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.bench.load.LoadBench.Sample;
import io.sextant.bench.plot.PlotCanvas;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {
    private static final long S = 1_000_000_000L;

    @Test
    void windowCountsRequestsAndErrorsInItsIntervalOnly() {
        List<Sample> all = List.of(
                new Sample(0, false, 1_000_000, true),
                new Sample(S / 2, false, 3_000_000, true),
                new Sample(S - 1, true, 8_000_000, false),
                new Sample(S, false, 50_000_000, true));
        LoadReport.Window w = LoadReport.window(all, 0, S);
        assertThat(w.requests()).isEqualTo(3);
        assertThat(w.errors()).isEqualTo(1);
        assertThat(w.readP50()).isEqualTo(1.0);
        assertThat(w.readP99()).isEqualTo(3.0);
        assertThat(w.writeP99()).isEqualTo(8.0);
        assertThat(LoadReport.window(all, S, 2 * S).requests()).isEqualTo(1);
    }

    @Test
    void emptyIntervalHasZeroLatencies() {
        LoadReport.Window w = LoadReport.window(List.of(new Sample(5 * S, true, 1, true)), 0, S);
        assertThat(w.requests()).isZero();
        assertThat(w.readP99()).isZero();
        assertThat(w.writeP50()).isZero();
    }

    @Test
    void writesMarkdownCsvAndPlotWithVerdicts(@TempDir Path dir) throws Exception {
        LoadBench.Plan plan = LoadBench.Plan.parse(Map.of(
                "duration",
                "180",
                "rate",
                "10",
                "sample-seconds",
                "60",
                "results",
                dir.toString(),
                "out",
                "t",
                "writes",
                "overwrite"));
        List<ResourceSample> res = new ArrayList<>();
        for (long t = 0; t <= 180; t += 60) {
            // threads grow by 50 a minute: a leak; everything else constant
            res.add(new ResourceSample(
                    t,
                    200L << 20,
                    100L << 20,
                    300L << 20,
                    500L << 20,
                    40 + t * 50 / 60,
                    90,
                    10,
                    0,
                    400,
                    0,
                    5L << 20,
                    12,
                    1.5));
        }
        List<Sample> reqs = new ArrayList<>();
        for (int i = 0; i < 1800; i++) {
            reqs.add(new Sample(i * S / 10, i % 5 == 0, 2_000_000, true));
        }
        LoadBench.Outcome o = new LoadBench.Outcome(
                java.time.Instant.EPOCH, 2.5, 0, 180, reqs, List.of(), 360, 10000, 10000, 0, 0, res, 4242);
        LoadReport.write(plan, o, dir.resolve("server.log"));

        String md = Files.readString(dir.resolve("t.md"));
        assertThat(md).contains("**Verdict: FAIL**").contains("resources NOT flat");
        assertThat(md).containsPattern("\\| threads \\| [0-9.]+ \\| [0-9.]+ \\| .* \\| \\*\\*GROWS\\*\\* \\|");
        assertThat(md).containsPattern("\\| RSS \\(MB\\) \\| 500.0 \\| 500.0 \\| \\+0.0 .* \\| flat \\|");
        assertThat(md).containsPattern("\\| RSS minus committed heap \\(MB\\) \\| 200.0 \\| 200.0 \\| .* \\| flat \\|");
        assertThat(md).containsPattern("\\| open fds except sockets \\| 80.0 \\| 80.0 \\| .* \\| flat \\|");
        assertThat(md).contains("| 1.0 | 600 | 0 |");
        List<String> csv = Files.readAllLines(dir.resolve("t.csv"));
        assertThat(csv).hasSize(5);
        assertThat(csv.get(2)).startsWith("60,200.0,100.0,300.0,500.0,90,90,10,0,400,0,5.0,12,1.5,600,0,");
        assertThat(Files.readAllLines(dir.resolve("t-10s.csv"))).hasSize(19);
        BufferedImage png = ImageIO.read(dir.resolve("t.png").toFile());
        assertThat(png.getWidth()).isEqualTo(ResourcePlot.WIDTH);
        assertThat(png.getHeight()).isEqualTo(ResourcePlot.HEIGHT);
        long seriesPixels = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                seriesPixels +=
                        (png.getRGB(x, y) & 0xffffff) == (PlotCanvas.color(0).getRGB() & 0xffffff) ? 1 : 0;
            }
        }
        assertThat(seriesPixels).isGreaterThan(500); // six panels draw their first line in the first colour
    }

    @Test
    void flagsAreCheckedByName() {
        assertThat(LoadBench.parse(new String[] {"--rate", "80", "--sample-seconds", "10"}))
                .containsEntry("rate", "80")
                .containsEntry("sample-seconds", "10");
        assertThatThrownBy(() -> LoadBench.parse(new String[] {"--sample-secs", "10"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--sample-secs");
        assertThatThrownBy(() -> LoadBench.parse(new String[] {"--rate"})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadBench.Plan.parse(Map.of("writes", "append")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("append");
    }

    @Test
    void defaultServerCommandUsesThePortsAndStorage() {
        LoadBench.Plan p = LoadBench.Plan.parse(
                Map.of("http-port", "6499", "grpc-port", "6498", "storage-path", "bench/work/soak-storage"));
        assertThat(p.url()).isEqualTo("http://127.0.0.1:6499");
        assertThat(p.serverCmd())
                .isEqualTo("bin/sextant serve --host 127.0.0.1 --http-port 6499 --grpc-port 6498"
                        + " --storage-path bench/work/soak-storage");
        assertThat(LoadBench.Plan.parse(Map.of("url", "http://h:1")).serverCmd())
                .isNull();
    }

    @Test
    void pointCarriesItsVersionOnlyForWrites() {
        var rnd = new java.util.SplittableRandom(1);
        assertThat(LoadBench.point(13, 7, 2, rnd))
                .startsWith("{\"id\":13,")
                .endsWith("\"payload\":{\"group\":3,\"v\":7}}");
        assertThat(LoadBench.point(13, -1, 2, rnd)).endsWith("\"payload\":{\"group\":3}}");
    }

    @Test
    void plotAxisEndsOnARoundNumber() {
        assertThat(ResourcePlot.niceCeiling(37)).isEqualTo(50);
        assertThat(ResourcePlot.niceCeiling(1284)).isEqualTo(2000);
        assertThat(ResourcePlot.niceCeiling(2.1)).isEqualTo(2.5);
        assertThat(ResourcePlot.niceCeiling(100)).isEqualTo(100);
        assertThat(ResourcePlot.niceCeiling(0)).isEqualTo(1);
    }
}
