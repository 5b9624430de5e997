package com.imagegate.generation.internal;

import com.imagegate.fetch.FetchException;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.fetch.SafeFetcher;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.RequestField;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.spi.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Reference images named by {@code image_urls}: fetched at request time through the SSRF-guarded fetcher (≤ 20 MB
 * each, 10 s a read, {@code imagegate.fetch.total-timeout} in all), checked to decode as PNG, JPEG or WebP, and kept in storage for the render job on whatever node runs
 * it. A failure is a 400 naming the field and index ({@link RequestField}), or 413 when too large.
 */
@Component
class ReferenceImages implements DisposableBean {

    static final long MAX_BYTES = 20L * 1024 * 1024;
    /** The file name of a task's edit mask among its stored inputs. */
    private static final String MASK = "mask.png";

    private static final Set<String> FORMATS = Set.of("png", "jpeg", "webp");

    private final SafeFetcher fetcher;
    private final ImageStore store;
    private final Tasks tasks;
    private final TaskImages images;
    private final ImageGuard guard;

    ReferenceImages(FetchProperties properties, ImageStore store, Tasks tasks, TaskImages images, ImageGuard guard) {
        this.guard = guard;
        this.fetcher =
                new SafeFetcher(properties.allowPrivateHosts(), Duration.ofSeconds(10), properties.totalTimeout());
        this.store = store;
        this.tasks = tasks;
        this.images = images;
    }

    /**
     * Fetches the URLs, then takes the inputs given with the request, checks each and stores them all for the job,
     * and the edit mask (a PNG) last, under its own name; returns their storage keys in order. On any refusal nothing
     * stays stored. A refusal names {@code urlField} or {@code inputField}: {@link RequestField#IMAGE} as a whole (an
     * enhancement's one image), a list field with the item's index.
     */
    List<String> store(
            String taskId,
            String workspaceId,
            List<URI> urls,
            RequestField urlField,
            List<ImageInput> inputs,
            RequestField inputField,
            byte[] mask) {
        List<String> keys = new ArrayList<>();
        try {
            keys.addAll(fetchAndStore(taskId, urls, urlField));
            for (int i = 0; i < inputs.size(); i++) {
                int index = inputField == RequestField.IMAGE ? -1 : i;
                byte[] bytes = bytesOf(workspaceId, inputs.get(i), inputField, index);
                if (bytes.length > MAX_BYTES) {
                    throw refused(inputField, index, "payload_too_large", "the image is larger than 20 MB.");
                }
                String format = formatOf(bytes, inputField, index);
                if (format == null) {
                    throw refused(inputField, index, "invalid_value", "the content is not a PNG, JPEG or WebP image.");
                }
                String key = "refs/" + taskId + "/" + keys.size() + "." + format;
                store.put(key, bytes, "image/" + format);
                keys.add(key);
            }
            if (mask != null) {
                if (!"png".equals(formatOf(mask, RequestField.MASK, -1))) {
                    throw new InvalidRequestException(
                            RequestField.MASK,
                            -1,
                            "invalid_value",
                            names -> names.name(RequestField.MASK, -1) + " must be a PNG image.");
                }
                String key = "refs/" + taskId + "/" + MASK;
                store.put(key, mask, "image/png");
                keys.add(key);
            }
            return keys;
        } catch (RuntimeException e) {
            keys.forEach(store::delete);
            throw e;
        }
    }

    /** {@code "<field>: <what>"}, the field as the edge names it. */
    private static InvalidRequestException refused(RequestField field, int index, String code, String what) {
        return new InvalidRequestException(field, index, code, names -> names.name(field, index) + ": " + what);
    }

    private byte[] bytesOf(String workspaceId, ImageInput input, RequestField field, int index) {
        return switch (input) {
            case ImageInput.Upload upload -> upload.bytes();
            case ImageInput.Result result ->
                tasks.findById(result.taskId())
                        .filter(t -> t.workspaceId().equals(workspaceId) && t.status() == TaskStatus.SUCCEEDED)
                        .flatMap(t -> images.findByTaskIdOrderByPosition(t.id()).stream()
                                .filter(i -> i.position() == result.index() && !i.deleted())
                                .findFirst())
                        .flatMap(i -> store.open(i.storageKey()))
                        .map(ReferenceImages::readAll)
                        .orElseThrow(() -> refused(field, index, "invalid_value", "no such image in this workspace."));
        };
    }

    private static byte[] readAll(ImageStore.StoredFile file) {
        try (var in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fetches, checks and stores each image; returns their storage keys in order. A refusal names {@code field} with
     * the URL's index ({@link RequestField#IMAGE}, an enhancement's one URL, as a whole).
     */
    List<String> fetchAndStore(String taskId, List<URI> urls, RequestField field) {
        List<String> keys = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                int index = urls.size() == 1 && field == RequestField.IMAGE ? -1 : i;
                byte[] bytes;
                try {
                    bytes = fetcher.fetch(urls.get(i), MAX_BYTES);
                } catch (FetchException e) {
                    throw refused(
                            field, index, e.tooLarge() ? "payload_too_large" : "invalid_value", e.getMessage() + ".");
                }
                String format = formatOf(bytes, field, index);
                if (format == null) {
                    throw refused(field, index, "invalid_value", "the content is not a PNG, JPEG or WebP image.");
                }
                String key = "refs/" + taskId + "/" + i + "." + format;
                store.put(key, bytes, "image/" + format);
                keys.add(key);
            }
            return keys;
        } catch (RuntimeException e) {
            keys.forEach(store::delete);
            throw e;
        }
    }

    /** The reference images stored under these keys, in order (without the mask). */
    List<byte[]> load(List<String> keys) {
        List<byte[]> images = new ArrayList<>();
        for (String key : keys) {
            if (key.endsWith("/" + MASK)) {
                continue;
            }
            try (var in = store.open(key)
                    .orElseThrow(() -> new IllegalStateException("reference image missing: " + key))
                    .content()) {
                images.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return images;
    }

    /** The edit mask stored among these keys, or null when the task has none. */
    byte[] mask(List<String> keys) {
        return keys.stream()
                .filter(key -> key.endsWith("/" + MASK))
                .findFirst()
                .flatMap(store::open)
                .map(ReferenceImages::readAll)
                .orElse(null);
    }

    void delete(List<String> keys) {
        keys.forEach(store::delete);
    }

    /**
     * The image format, if the header reads as one we accept; nothing is decoded. An image whose header claims more
     * pixels than the limit is refused ({@link ImageGuard.TooLarge}, 400 {@code image_too_large}) before anything is
     * stored or charged.
     */
    String formatOf(byte[] bytes, RequestField field, int index) {
        return guard.check(bytes, field, index)
                .map(ImageGuard.Header::format)
                .filter(FORMATS::contains)
                .orElse(null);
    }

    @Override
    public void destroy() throws IOException {
        fetcher.close();
    }
}
