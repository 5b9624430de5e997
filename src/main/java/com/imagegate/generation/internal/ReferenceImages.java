package com.imagegate.generation.internal;

import com.imagegate.fetch.FetchException;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.fetch.SafeFetcher;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.InvalidRequestException;
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
 * it. A failure is a 400 naming the index ({@code image_urls[2]}), or 413 when too large.
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

    /** As {@link #store(String, String, List, String, List, String, byte[])} without a mask. */
    List<String> store(
            String taskId,
            String workspaceId,
            List<URI> urls,
            String urlParam,
            List<ImageInput> inputs,
            String inputParam) {
        return store(taskId, workspaceId, urls, urlParam, inputs, inputParam, null);
    }

    /**
     * Fetches the URLs, then takes the inputs given with the request, checks each and stores them all for the job,
     * and the edit mask (a PNG) last, under its own name; returns their storage keys in order. On any refusal nothing
     * stays stored.
     */
    List<String> store(
            String taskId,
            String workspaceId,
            List<URI> urls,
            String urlParam,
            List<ImageInput> inputs,
            String inputParam,
            byte[] mask) {
        List<String> keys = new ArrayList<>();
        try {
            keys.addAll(fetchAndStore(taskId, urls, urlParam));
            for (int i = 0; i < inputs.size(); i++) {
                String name = inputs.size() == 1 ? inputParam : inputParam + "[" + i + "]";
                byte[] bytes = bytesOf(workspaceId, inputs.get(i), name);
                if (bytes.length > MAX_BYTES) {
                    throw new InvalidRequestException(
                            name, "payload_too_large", name + ": the image is larger than 20 MB.");
                }
                String format = formatOf(bytes, name);
                if (format == null) {
                    throw new InvalidRequestException(
                            name, "invalid_value", name + ": the content is not a PNG, JPEG or WebP image.");
                }
                String key = "refs/" + taskId + "/" + keys.size() + "." + format;
                store.put(key, bytes, "image/" + format);
                keys.add(key);
            }
            if (mask != null) {
                if (!"png".equals(formatOf(mask, "mask"))) {
                    throw new InvalidRequestException("mask", "invalid_value", "mask must be a PNG image.");
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

    private byte[] bytesOf(String workspaceId, ImageInput input, String name) {
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
                        .orElseThrow(() -> new InvalidRequestException(
                                name, "invalid_value", name + ": no such image in this workspace."));
        };
    }

    private static byte[] readAll(ImageStore.StoredFile file) {
        try (var in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fetches, checks and stores each image; returns their storage keys in order. */
    List<String> fetchAndStore(String taskId, List<URI> urls, String param) {
        List<String> keys = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                String name = urls.size() == 1 && !param.equals("image_urls") ? param : param + "[" + i + "]";
                byte[] bytes;
                try {
                    bytes = fetcher.fetch(urls.get(i), MAX_BYTES);
                } catch (FetchException e) {
                    throw new InvalidRequestException(
                            name,
                            e.tooLarge() ? "payload_too_large" : "invalid_value",
                            name + ": " + e.getMessage() + ".");
                }
                String format = formatOf(bytes, name);
                if (format == null) {
                    throw new InvalidRequestException(
                            name, "invalid_value", name + ": the content is not a PNG, JPEG or WebP image.");
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
    String formatOf(byte[] bytes, String param) {
        return guard.check(bytes, param)
                .map(ImageGuard.Header::format)
                .filter(FORMATS::contains)
                .orElse(null);
    }

    @Override
    public void destroy() throws IOException {
        fetcher.close();
    }
}
