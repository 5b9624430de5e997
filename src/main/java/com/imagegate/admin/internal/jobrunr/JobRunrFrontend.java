package com.imagegate.admin.internal.jobrunr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;

/**
 * JobRunr's dashboard frontend (the React build inside the JobRunr jar), moved from the root of JobRunr's own web
 * server to {@link #BASE} in ours. The build names its routes and calls with absolute paths ({@code "/dashboard…"},
 * {@code "/api/…"}, {@code "/sse/…"}); those string literals are rewritten once, when a file is first asked for, and
 * kept. {@code JobRunrFrontendTests} checks that no absolute path is left in the build this version ships.
 */
final class JobRunrFrontend {

    /** Where the dashboard lives here; its API and event streams are under the same prefix. */
    static final String BASE = "/admin/jobrunr";

    private static final String BUILD = "org/jobrunr/dashboard/frontend/build/";
    private static final Pattern ABSOLUTE_PATHS = Pattern.compile("([\"'`])/(dashboard|api/|sse/)");

    /** A file of the build, ready to send. */
    record Asset(byte[] body, MediaType type, boolean page) {

        /** The page with this response's script nonce in its script tags. */
        byte[] withNonce(String nonce) {
            return new String(body, StandardCharsets.UTF_8)
                    .replace("%CSP_NONCE%", nonce)
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private final ClassLoader classLoader;
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    JobRunrFrontend(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * The file at {@code path} (relative to the dashboard's root, e.g. {@code static/js/index.0b5.js}); any path that
     * is not a file of the build is one of the single-page app's routes and gets the page itself.
     */
    Asset asset(String path) {
        String file = isFile(path) ? path : "index.html";
        return assets.computeIfAbsent(file, this::load);
    }

    /** The JobRunr dashboard's paths, rewritten under {@link #BASE}. */
    static String rewrite(String text) {
        return ABSOLUTE_PATHS.matcher(text).replaceAll("$1" + BASE + "/$2");
    }

    private boolean isFile(String path) {
        if (path.isEmpty() || path.contains("..") || path.contains("\\") || path.startsWith("/")) {
            return false;
        }
        return !path.endsWith("/") && new ClassPathResource(BUILD + path, classLoader).isReadable();
    }

    private Asset load(String file) {
        var resource = new ClassPathResource(BUILD + file, classLoader);
        try (InputStream in = resource.getInputStream()) {
            byte[] bytes = in.readAllBytes();
            MediaType type = MediaTypeFactory.getMediaType(file).orElse(MediaType.APPLICATION_OCTET_STREAM);
            boolean text = file.endsWith(".html") || file.endsWith(".js") || file.endsWith(".json");
            if (text) {
                bytes = rewrite(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                type = new MediaType(type, StandardCharsets.UTF_8);
            }
            return new Asset(bytes, type, file.equals("index.html"));
        } catch (IOException e) {
            throw new UncheckedIOException("JobRunr's dashboard file " + file + " cannot be read", e);
        }
    }
}
