package com.imagegate.generation.spi;

import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/** Where generated image files are kept: a local folder or an S3-compatible bucket. Keys are our own, never a user's. */
public interface ImageStore {

    /** Writes (or overwrites) the file under this key. */
    void put(String key, byte[] bytes, String contentType);

    /** The file, if it is there. The caller closes the stream. */
    Optional<StoredFile> open(String key);

    /** Removes the file; no error when it is already gone. */
    void delete(String key);

    /**
     * A link that serves the file straight from the store for {@code ttl} (a presigned GET for S3); empty when the
     * store has none, and the application's own signed {@code /files/} link is used.
     */
    default Optional<String> directUrl(String key, Duration ttl) {
        return Optional.empty();
    }

    /** An open stored file. */
    record StoredFile(InputStream content, long length) {}
}
