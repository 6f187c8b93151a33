package io.sextant.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.bench.plot.PlotCanvas;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecallQpsPlotTest {
    private static AnnRow search(String engine, int ef, double recall, double qps) {
        return new AnnRow("d", engine, "search", "", 1, ef, recall, qps, 1, 2, 0, 0, 0, 0, "");
    }

    @Test
    void drawsOneColouredLinePerEngineOnAWhiteCanvas(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("p.png");
        RecallQpsPlot.write(
                List.of(
                        search("sextant", 10, 0.90, 5000),
                        search("sextant", 80, 0.99, 1000),
                        search("lucene", 10, 0.91, 3000),
                        search("lucene", 80, 0.98, 800)),
                "title",
                png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(RecallQpsPlot.WIDTH);
        assertThat(img.getHeight()).isEqualTo(RecallQpsPlot.HEIGHT);
        assertThat(img.getRGB(2, RecallQpsPlot.HEIGHT - 2) & 0xffffff).isEqualTo(0xffffff);
        assertThat(count(img, PlotCanvas.color(0).getRGB())).isGreaterThan(50);
        assertThat(count(img, PlotCanvas.color(1).getRGB())).isGreaterThan(50);
        assertThat(count(img, PlotCanvas.color(2).getRGB())).isZero();
    }

    private static long count(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }
}
