package com.imagegate.generation.provider;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.spi.GeneratedImage;
import com.imagegate.generation.spi.ImageProvider;
import com.imagegate.generation.spi.ImageRequest;
import com.imagegate.generation.spi.PartialImages;
import com.imagegate.generation.spi.ProviderException;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A local, deterministic renderer: draws a real image of the requested size and format showing the prompt, a
 * seed-derived pattern and the size, after a configurable delay so progress is visible. A prompt containing the
 * configured fail trigger fails, so refund paths can be exercised end to end. Never calls anything outside.
 */
public class SandboxProvider implements ImageProvider {

    static final int AUTO_SIDE = 1024;

    private final GenerationProperties.Sandbox settings;
    private final ImageGuard guard;

    public SandboxProvider(GenerationProperties.Sandbox settings, ImageGuard guard) {
        this.settings = settings;
        this.guard = guard;
    }

    @Override
    public GenerationProperties.Provider name() {
        return GenerationProperties.Provider.SANDBOX;
    }

    @Override
    public List<GeneratedImage> generate(ImageRequest request) {
        pause(settings.delay().toMillis());
        return render(request);
    }

    /**
     * Generates after the same delay, but with {@code k = 1…asked} partial images along the way, one after each
     * {@code delay ÷ (asked + 1)}: the first image drawn at a fraction of its size ({@code 1/12}, {@code 1/6}, {@code
     * 1/4}) and scaled back up, so each is rougher than the next and the last is the final image.
     */
    @Override
    public List<GeneratedImage> generate(ImageRequest request, PartialImages partials) {
        int asked = Math.min(partials.asked(), 3);
        if (asked <= 0) {
            return generate(request);
        }
        long step = settings.delay().toMillis() / (asked + 1);
        for (int k = 1; k <= asked; k++) {
            pause(step);
            partials.add(rough(request, 12 / k));
        }
        pause(settings.delay().toMillis() - step * asked);
        return render(request);
    }

    private GeneratedImage rough(ImageRequest request, int divisor) {
        String prompt = request.prompt() == null ? "" : request.prompt();
        int width =
                request.size() == ImageSize.AUTO ? AUTO_SIDE : request.size().width();
        int height =
                request.size() == ImageSize.AUTO ? AUTO_SIDE : request.size().height();
        BufferedImage small = render(
                prompt, request.references().size(), 0, Math.max(16, width / divisor), Math.max(16, height / divisor));
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(small, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return new GeneratedImage(ImageEncoder.encode(image, request.format()), width, height, request.format());
    }

    private List<GeneratedImage> render(ImageRequest request) {
        String prompt = request.prompt() == null ? "" : request.prompt();
        if (!settings.failTrigger().isEmpty() && prompt.contains(settings.failTrigger())) {
            throw new ProviderException(
                    "generation_failed",
                    "The sandbox renderer was asked to fail (the prompt contains the fail trigger).",
                    false);
        }
        int width =
                request.size() == ImageSize.AUTO ? AUTO_SIDE : request.size().width();
        int height =
                request.size() == ImageSize.AUTO ? AUTO_SIDE : request.size().height();
        List<GeneratedImage> images = new ArrayList<>(request.n());
        BufferedImage reference = request.references().isEmpty()
                ? null
                : decode(request.references().getFirst());
        BufferedImage kept = reference == null || request.mask() == null
                ? null
                : keptPart(reference, decode(request.mask()), width, height);
        for (int i = 0; i < request.n(); i++) {
            BufferedImage image = render(prompt, request.references().size(), i, width, height);
            if (kept != null) {
                drawOver(image, kept);
            } else if (reference != null) {
                drawThumbnail(image, reference);
            }
            images.add(
                    new GeneratedImage(ImageEncoder.encode(image, request.format()), width, height, request.format()));
        }
        return images;
    }

    static final double MAX_ENHANCED_SIDE = 4096.0;

    /** Enlarges the image 2 or 4 times (the long side at most 4096) with bicubic scaling, then sharpens it. */
    @Override
    public GeneratedImage enhance(ImageRequest request) {
        pause(settings.delay().toMillis());
        byte[] source = request.references().getFirst();
        var format = request.format();
        BufferedImage image = decode(source);
        // 2x or 4x as asked, but never past 4096 pixels on the longer side (a 4K source is not made 16K).
        double scale = Math.min(request.scale(), MAX_ENHANCED_SIDE / Math.max(image.getWidth(), image.getHeight()));
        scale = Math.max(scale, 1.0);
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        var sharpen = new ConvolveOp(
                new Kernel(3, 3, new float[] {0, -0.25f, 0, -0.25f, 2f, -0.25f, 0, -0.25f, 0}),
                ConvolveOp.EDGE_NO_OP,
                null);
        BufferedImage sharpened = sharpen.filter(scaled, null);
        return new GeneratedImage(ImageEncoder.encode(sharpened, format), width, height, format);
    }

    /** Decodes an input only after its header passed the pixel limit (the inputs were checked when accepted too). */
    private BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = guard.decode(bytes, null);
            if (image == null) {
                throw new ProviderException("invalid_image", "The reference image could not be decoded.", false);
            }
            return image;
        } catch (ImageGuard.TooLarge e) {
            throw new ProviderException(ImageGuard.TooLarge.CODE, e.getMessage(), false);
        } catch (IOException e) {
            throw new ProviderException("invalid_image", "The reference image could not be decoded.", false);
        }
    }

    /**
     * An edit with a mask: the first image stretched to the output size, opaque where the mask is not fully
     * transparent (that part is kept) and fully transparent where it is (that part is drawn anew), as OpenAI's edits
     * read a mask.
     */
    static BufferedImage keptPart(BufferedImage reference, BufferedImage mask, int width, int height) {
        BufferedImage kept = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        BufferedImage scaledMask = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = kept.createGraphics();
        Graphics2D m = scaledMask.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(reference, 0, 0, width, height, null);
            // Nearest neighbour: a mask's edge stays an edge.
            m.setComposite(AlphaComposite.Src);
            m.drawImage(mask, 0, 0, width, height, null);
        } finally {
            g.dispose();
            m.dispose();
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean edit = (scaledMask.getRGB(x, y) >>> 24) == 0;
                int rgb = kept.getRGB(x, y) & 0x00FFFFFF;
                kept.setRGB(x, y, edit ? rgb : 0xFF000000 | rgb);
            }
        }
        return kept;
    }

    private static void drawOver(BufferedImage target, BufferedImage kept) {
        Graphics2D g = target.createGraphics();
        try {
            g.drawImage(kept, 0, 0, null);
        } finally {
            g.dispose();
        }
    }

    private static void drawThumbnail(BufferedImage target, BufferedImage reference) {
        int side = Math.min(target.getWidth(), target.getHeight()) / 4;
        double scale = (double) side / Math.max(reference.getWidth(), reference.getHeight());
        int w = (int) (reference.getWidth() * scale);
        int h = (int) (reference.getHeight() * scale);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            int margin = side / 8;
            g.setColor(Color.WHITE);
            g.fillRect(margin - 4, margin - 4, w + 8, h + 8);
            g.drawImage(reference, margin, margin, w, h, null);
        } finally {
            g.dispose();
        }
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
        }
    }

    static BufferedImage render(String prompt, int references, int index, int width, int height) {
        long seed = seed(prompt, index);
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Color from = Color.getHSBColor(random.nextFloat(), 0.55f, 0.35f);
            Color to = Color.getHSBColor(random.nextFloat(), 0.65f, 0.85f);
            g.setPaint(new GradientPaint(0, 0, from, width, height, to));
            g.fillRect(0, 0, width, height);
            int unit = Math.min(width, height);
            for (int i = 0; i < 14; i++) {
                g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 90));
                int r = (int) (unit * (0.05 + random.nextDouble() * 0.25));
                g.fillOval(random.nextInt(width) - r, random.nextInt(height) - r, 2 * r, 2 * r);
            }
            g.setStroke(new BasicStroke(Math.max(2, unit / 200f)));
            g.setColor(new Color(255, 255, 255, 60));
            for (int x = 0; x < width; x += Math.max(16, unit / 12)) {
                g.drawLine(x, 0, x, height);
            }
            int margin = unit / 16;
            g.setColor(new Color(0, 0, 0, 140));
            g.fillRoundRect(margin, height - margin - unit / 3, width - 2 * margin, unit / 3, unit / 30, unit / 30);
            g.setColor(Color.WHITE);
            Font title = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, unit / 22));
            Font body = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, unit / 34));
            g.setFont(title);
            int y = height - margin - unit / 3 + title.getSize() + unit / 40;
            g.drawString("Imagegate sandbox · " + width + "×" + height + " · #" + (index + 1), margin * 3 / 2, y);
            g.setFont(body);
            String text = prompt.isBlank() ? "(image-to-image from " + references + " reference image(s))" : prompt;
            for (String line : wrap(text, g.getFontMetrics(), width - 3 * margin, 4)) {
                y += body.getSize() * 13 / 10;
                g.drawString(line, margin * 3 / 2, y);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static long seed(String prompt, int index) {
        long hash = 1125899906842597L;
        for (byte b : prompt.getBytes(StandardCharsets.UTF_8)) {
            hash = 31 * hash + b;
        }
        return hash ^ (index * 0x9E3779B97F4A7C15L);
    }

    private static List<String> wrap(String text, FontMetrics metrics, int maxWidth, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) <= maxWidth) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
            }
            line.setLength(0);
            line.append(word);
            if (lines.size() == maxLines) {
                break;
            }
        }
        if (lines.size() < maxLines && !line.isEmpty()) {
            lines.add(line.toString());
        }
        if (lines.size() == maxLines) {
            String last = lines.get(maxLines - 1);
            lines.set(maxLines - 1, (last.length() > 3 ? last.substring(0, last.length() - 1) : last) + "…");
        }
        return lines;
    }
}
