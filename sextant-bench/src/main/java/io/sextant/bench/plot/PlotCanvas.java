package io.sextant.bench.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A white, antialiased Java2D canvas for the benchmark plots (headless), with the shared series
 * palette and a title, written out as a PNG. The benchmark reports draw their own axes on {@link
 * #graphics()}; this class holds what every plot does the same way. Not thread-safe: one plot, one
 * thread.
 */
public final class PlotCanvas implements AutoCloseable {
    private static final Color[] PALETTE = {
        new Color(0xd62728),
        new Color(0x1f77b4),
        new Color(0x2ca02c),
        new Color(0x9467bd),
        new Color(0xff7f0e),
        new Color(0x8c564b),
        new Color(0xe377c2)
    };

    /** Light grey of grid lines. */
    public static final Color GRID = new Color(0xe0e0e0);

    private final BufferedImage image;
    private final Graphics2D g;

    /**
     * A {@code width} x {@code height} canvas with {@code title} in bold at the top left ({@code
     * titleX}, 30) and a 12-point plain font selected for what follows.
     */
    public PlotCanvas(int width, int height, String title, int titleX) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("canvas size must be positive, got " + width + " x " + height);
        }
        System.setProperty("java.awt.headless", "true");
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, titleX, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    /** The canvas's graphics; drawing on it after {@link #close} is not allowed. */
    public Graphics2D graphics() {
        return g;
    }

    /** The {@code i}-th series colour (the palette repeats). */
    public static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** Writes the image as a PNG to {@code png}, creating its directory when missing. */
    public void writePng(Path png) throws IOException {
        Path dir = png.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }

    @Override
    public void close() {
        g.dispose();
    }
}
