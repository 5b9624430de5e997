package com.imagegate.generation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The one check every image passes before it is decoded: its width, height and frame count are read from the file's
 * header ({@link ImageReader#getWidth}, {@link ImageReader#getHeight}, {@link ImageReader#getNumImages}, which read no
 * pixel data) and an image of more than {@link ImageProperties#maxPixels} pixels is refused. A 1 MB PNG can claim
 * 33000 × 33000 pixels; decoding it would take gigabytes of heap, so nothing here decodes before the check passes.
 *
 * <p>Used at every entry: OpenAI drop-in uploads and masks, {@code image_urls}, studio uploads, enhancement inputs, the
 * sandbox renderer's inputs and upstream answers.
 */
public final class ImageGuard {

    /** What an image's header says. */
    public record Header(String format, int width, int height, int frames) {

        /** Width × height × frames. */
        public long pixels() {
            return (long) width * height * Math.max(1, frames);
        }
    }

    /** An image over the pixel limit; {@link #getMessage()} is safe to show. */
    public static final class TooLarge extends InvalidRequestException {

        public static final String CODE = "image_too_large";

        TooLarge(String param, String message) {
            super(param, CODE, message);
        }

        TooLarge(RequestField field, int index, Function<FieldNames, String> message) {
            super(field, index, CODE, message);
        }
    }

    private final long maxPixels;

    public ImageGuard(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
        this.maxPixels = maxPixels;
    }

    public ImageGuard(ImageProperties properties) {
        this(properties.maxPixels());
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * The header of the first image format that can read these bytes, without decoding any pixel; empty when no
     * reader knows the bytes or the header is broken.
     */
    public static Optional<Header> header(byte[] bytes) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, true);
                return Optional.of(header(reader));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Refuses bytes whose header claims more than the pixel limit.
     *
     * @param param the request field the image came in, for the error ({@code mask}, {@code image_urls[1]} …)
     * @return the header, or empty when the bytes are not an image this server can read (the caller decides what that
     *     means for its input)
     * @throws TooLarge when the header claims too many pixels
     */
    public Optional<Header> check(byte[] bytes, String param) {
        Optional<Header> header = header(bytes);
        header.ifPresent(h -> checkPixels(h, param));
        return header;
    }

    /**
     * As {@link #check(byte[], String)} for an image of a generation request, the refusal naming its {@link
     * RequestField} (and list item, or -1).
     */
    public Optional<Header> check(byte[] bytes, RequestField field, int index) {
        Optional<Header> header = header(bytes);
        header.filter(h -> h.pixels() > maxPixels).ifPresent(h -> {
            throw new TooLarge(field, index, names -> tooLarge(h, names.name(field, index)));
        });
        return header;
    }

    /**
     * Decodes the bytes once the header has passed the check.
     *
     * @return the image, or null when no reader knows the bytes
     * @throws TooLarge when the header claims too many pixels (nothing was decoded)
     * @throws IOException when the data does not decode
     */
    public BufferedImage decode(byte[] bytes, String param) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixels(header(reader), param);
                return reader.read(0, reader.getDefaultReadParam());
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            if (e instanceof TooLarge tooLarge) {
                throw tooLarge;
            }
            // Readers throw unchecked exceptions on some corrupt data; to callers it is data that does not decode.
            throw new IOException("the image does not decode", e);
        }
    }

    private void checkPixels(Header header, String param) {
        if (header.pixels() > maxPixels) {
            throw new TooLarge(param, tooLarge(header, param));
        }
    }

    private String tooLarge(Header header, String param) {
        String name = param == null ? "The image" : param + ": the image";
        return name + " is " + header.width() + "x" + header.height()
                + (header.frames() > 1 ? " in " + header.frames() + " frames" : "")
                + "; at most " + maxPixels + " pixels are accepted (e.g. 4096x4096).";
    }

    private static Header header(ImageReader reader) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        // Without a search: a format that must scan the whole file to count frames answers -1, counted as one.
        int frames = reader.getNumImages(false);
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        return new Header(format.equals("jpg") ? "jpeg" : format, width, height, Math.max(1, frames));
    }
}
