package com.imagegate.generation.internal;

import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.spi.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Serves generated images by signed link: a bad or expired signature is 403, an unknown file 404, a file deleted after
 * its retention 410 Gone.
 */
@Controller
class FileController {

    private final FileUrls fileUrls;
    private final ImageStore store;
    private final TaskImages images;

    FileController(FileUrls fileUrls, ImageStore store, TaskImages images) {
        this.fileUrls = fileUrls;
        this.store = store;
        this.images = images;
    }

    @GetMapping("/files/**")
    ResponseEntity<?> file(
            HttpServletRequest request,
            @RequestParam(defaultValue = "0") long expires,
            @RequestParam(defaultValue = "") String sig) {
        String key = request.getRequestURI().substring(request.getContextPath().length() + "/files/".length());
        if (!fileUrls.verify(key, expires, sig)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .contentType(MediaType.TEXT_PLAIN)
                    .body("This image link is invalid or has expired. Fetch the task again for a fresh link.");
        }
        if (key.startsWith(PARTIALS)) {
            return partial(key, expires);
        }
        var image = images.findByStorageKey(key);
        if (image.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.TEXT_PLAIN)
                    .body("No such image.");
        }
        if (image.get().deleted()) {
            return gone();
        }
        var file = store.open(key);
        if (file.isEmpty()) {
            return gone();
        }
        long maxAge = Math.max(
                0,
                Duration.between(Instant.now(), Instant.ofEpochSecond(expires)).toSeconds());
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(image.get().contentType()))
                .contentLength(file.get().length())
                .cacheControl(CacheControl.maxAge(Duration.ofSeconds(maxAge)).cachePrivate())
                .header("X-Content-Type-Options", "nosniff")
                .body(new InputStreamResource(file.get().content()));
    }

    static final String PARTIALS = "partials/";

    /**
     * A partial image (a preview streamed while its task rendered): it has no image row, the signed link alone vouches
     * for it; once the sweeper removed it, 410 Gone.
     */
    private ResponseEntity<?> partial(String key, long expires) {
        var type = OutputFormat.parse(key.substring(key.lastIndexOf('.') + 1));
        if (type.isEmpty() || key.contains("..")) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.TEXT_PLAIN)
                    .body("No such image.");
        }
        var file = store.open(key);
        if (file.isEmpty()) {
            return gone();
        }
        long maxAge = Math.max(
                0,
                Duration.between(Instant.now(), Instant.ofEpochSecond(expires)).toSeconds());
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(type.get().contentType()))
                .contentLength(file.get().length())
                .cacheControl(CacheControl.maxAge(Duration.ofSeconds(maxAge)).cachePrivate())
                .header("X-Content-Type-Options", "nosniff")
                .body(new InputStreamResource(file.get().content()));
    }

    private static ResponseEntity<String> gone() {
        return ResponseEntity.status(HttpStatus.GONE)
                .contentType(MediaType.TEXT_PLAIN)
                .body("This image was deleted after its retention period.");
    }
}
