package com.imagegate.generation.provider;

import com.imagegate.generation.OutputFormat;
import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes an image as PNG, JPEG or WebP through ImageIO (WebP through the webp-imageio codec). */
public final class ImageEncoder {

    private ImageEncoder() {}

    public static byte[] encode(BufferedImage image, OutputFormat format) {
        try {
            return switch (format) {
                case PNG -> write(image, "png", null);
                case JPEG -> write(opaque(image), "jpeg", jpegParam());
                case WEBP -> write(opaque(image), "webp", null);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JPEG has no alpha: ImageIO writes nothing for an ARGB image, so draw it onto an RGB one first. */
    private static BufferedImage opaque(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static ImageWriteParam jpegParam() {
        ImageWriteParam param =
                ImageIO.getImageWritersByFormatName("jpeg").next().getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        return param;
    }

    private static byte[] write(BufferedImage image, String formatName, ImageWriteParam param) throws IOException {
        var writers = ImageIO.getImageWritersByFormatName(formatName);
        if (!writers.hasNext()) {
            throw new IllegalStateException("No ImageIO writer for " + formatName);
        }
        ImageWriter writer = writers.next();
        ImageWriteParam writeParam = param;
        if (writeParam == null && "webp".equals(formatName)) {
            WebPWriteParam webp = new WebPWriteParam(writer.getLocale());
            webp.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            webp.setCompressionType(webp.getCompressionTypes()[WebPWriteParam.LOSSY_COMPRESSION]);
            webp.setCompressionQuality(0.85f);
            writeParam = webp;
        }
        var bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), writeParam);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
