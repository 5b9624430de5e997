package com.imagegate.api.internal;

import com.imagegate.generation.ImageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import tools.jackson.core.Base64Variants;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;

/**
 * A stored image written into a JSON answer as base64 straight from its file: the encoder reads the file in small
 * chunks and writes them to the response, so a {@code b64_json} answer of several 4K images never sits in memory as
 * bytes plus their base64 text. Closing it closes the file (also when the answer is never written).
 */
final class StreamedBase64 implements AutoCloseable {

    private final ImageFiles.Opened file;

    StreamedBase64(ImageFiles.Opened file) {
        this.file = file;
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // Nothing was written to it; a failed close of a read stream changes nothing for the caller.
        }
    }

    /** Writes the file as a base64 JSON string (standard alphabet, padded, no line breaks). */
    static final class Serializer extends ValueSerializer<StreamedBase64> {

        @Override
        public void serialize(StreamedBase64 value, JsonGenerator generator, SerializationContext context) {
            try (var in = value.file.content()) {
                generator.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, in, -1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
