package com.imagegate.generation.storage;

import java.io.InputStream;
import java.util.Optional;

/** Where generated image files are kept: a local folder or an S3-compatible bucket. Keys are our own, never a user's. */
public interface ImageStore {

    /** Writes (or overwrites) the file under this key. */
    void put(String key, byte[] bytes, String contentType);

    /** The file, if it is there. The caller closes the stream. */
    Optional<StoredFile> open(String key);

    /** Removes the file; no error when it is already gone. */
    void delete(String key);

    /** An open stored file. */
    record StoredFile(InputStream content, long length) {}
}
