package com.imagegate.testsupport;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small images for tests: solid colours, masks, and decoding what came back. */
public final class TestImages {

    private TestImages() {}

    /** A PNG of one colour (alpha included). */
    public static byte[] png(int width, int height, Color color) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return encode(image, "png");
    }

    /** An edit mask: opaque on the left half (kept), fully transparent on the right (drawn anew). */
    public static byte[] leftHalfOpaque(int width, int height) {
        var mask = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        var g = mask.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, width / 2, height);
        g.dispose();
        return encode(mask, "png");
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            var out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many pixels of a 16-pixel grid from column {@code fromX} rightwards have exactly this RGB colour. */
    public static long sampledPixelsOf(BufferedImage image, int rgb, int fromX) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y += 16) {
            for (int x = fromX; x < image.getWidth(); x += 16) {
                count += (image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? 1 : 0;
            }
        }
        return count;
    }
}
