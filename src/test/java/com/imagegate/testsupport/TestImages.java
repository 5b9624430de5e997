package com.imagegate.testsupport;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
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

    /**
     * A real, valid 8-bit greyscale PNG of {@code width} × {@code height} black pixels, made without ever holding the
     * image: the IDAT is the deflate of {@code (width + 1) × height} zero bytes, streamed through a {@link Deflater}.
     * 33000 × 33000 gives ~1 MB of file that decodes to ~1 GB of pixels: an image bomb.
     */
    public static byte[] pngBomb(int width, int height) {
        return BOMBS.computeIfAbsent(width + "x" + height, size -> makePngBomb(width, height))
                .clone();
    }

    private static final Map<String, byte[]> BOMBS = new ConcurrentHashMap<>();

    private static byte[] makePngBomb(int width, int height) {
        var idat = new ByteArrayOutputStream();
        var deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[1 << 16];
        long remaining = (long) (width + 1) * height;
        while (remaining > 0) {
            int chunk = (int) Math.min(zeros.length, remaining);
            deflater.setInput(zeros, 0, chunk);
            remaining -= chunk;
            while (!deflater.needsInput()) {
                idat.write(out, 0, deflater.deflate(out));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        var png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        var ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8) // bit depth
                .put((byte) 0) // greyscale
                .put((byte) 0) // deflate
                .put((byte) 0) // adaptive filtering
                .put((byte) 0) // no interlace
                .array();
        chunk(png, "IHDR", ihdr);
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(name);
        png.writeBytes(data);
        var crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
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
