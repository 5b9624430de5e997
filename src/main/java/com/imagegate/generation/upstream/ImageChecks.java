package com.imagegate.generation.upstream;

import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.provider.ImageEncoder;
import com.imagegate.generation.spi.GeneratedImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;

/**
 * Checks the bytes an upstream delivered: a whole PNG, JPEG or WebP file (not cut short), that decodes, of the size that
 * was asked for (unless {@code auto}). An image in another format than asked is re-encoded, not refused.
 */
final class ImageChecks {

    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private ImageChecks() {}

    /** Thrown when the bytes are not a usable image; the message is ours and safe to show. */
    static final class BadImage extends Exception {
        BadImage(String message) {
            super(message);
        }
    }

    /** Checks the bytes; the header's pixel count passes {@code guard} before anything is decoded. */
    static GeneratedImage verify(byte[] bytes, ImageSize size, OutputFormat format, ImageGuard guard) throws BadImage {
        OutputFormat found = formatOf(bytes);
        if (found == null) {
            throw new BadImage("not a PNG, JPEG or WebP image");
        }
        if (!complete(bytes, found)) {
            throw new BadImage("the " + found.wireValue() + " data is cut short");
        }
        BufferedImage image;
        try {
            image = guard.decode(bytes, null);
        } catch (ImageGuard.TooLarge e) {
            throw new BadImage("the image is over the pixel limit (" + guard.maxPixels() + " pixels)");
        } catch (IOException | RuntimeException e) {
            throw new BadImage("the " + found.wireValue() + " data does not decode");
        }
        if (image == null) {
            throw new BadImage("the " + found.wireValue() + " data does not decode");
        }
        if (size != ImageSize.AUTO && (image.getWidth() != size.width() || image.getHeight() != size.height())) {
            throw new BadImage("the image is " + image.getWidth() + "x" + image.getHeight() + ", not the "
                    + size.wireValue() + " asked for");
        }
        byte[] delivered = found == format ? bytes : ImageEncoder.encode(image, format);
        return new GeneratedImage(delivered, image.getWidth(), image.getHeight(), format);
    }

    /** The format by its signature, or null. */
    static OutputFormat formatOf(byte[] b) {
        if (b.length >= 8
                && (b[0] & 0xFF) == 0x89
                && b[1] == 'P'
                && b[2] == 'N'
                && b[3] == 'G'
                && b[4] == '\r'
                && b[5] == '\n') {
            return OutputFormat.PNG;
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return OutputFormat.JPEG;
        }
        if (b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return OutputFormat.WEBP;
        }
        return null;
    }

    /**
     * Whether the file has its end: PNG's IEND chunk, JPEG's EOI marker (trailing padding allowed), WebP's RIFF length.
     * Decoders forgive a cut-off JPEG (grey rows) or WebP, so the end is checked separately.
     */
    static boolean complete(byte[] b, OutputFormat format) {
        return switch (format) {
            case PNG ->
                b.length >= PNG_END.length + 8
                        && Arrays.equals(b, b.length - PNG_END.length, b.length, PNG_END, 0, PNG_END.length);
            case JPEG -> {
                int end = b.length;
                while (end > 2 && (b[end - 1] == 0 || b[end - 1] == '\n' || b[end - 1] == '\r')) {
                    end--;
                }
                yield end >= 4 && (b[end - 2] & 0xFF) == 0xFF && (b[end - 1] & 0xFF) == 0xD9;
            }
            case WEBP -> {
                long riff = (b[4] & 0xFFL) | (b[5] & 0xFFL) << 8 | (b[6] & 0xFFL) << 16 | (b[7] & 0xFFL) << 24;
                yield riff + 8 <= b.length;
            }
        };
    }
}
