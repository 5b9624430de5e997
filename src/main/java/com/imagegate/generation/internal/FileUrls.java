package com.imagegate.generation.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring links to stored images: {@code {base}/files/{key}?expires={epoch}&sig={HMAC-SHA256}}. Anyone with
 * the link may fetch the file until it expires; nobody can make a link for another key or a later expiry.
 */
public class FileUrls {

    private final String baseUrl;
    private final byte[] secret;
    private final Clock clock;

    public FileUrls(String baseUrl, byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the URL signing key must have at least 256 bits");
        }
        this.baseUrl = baseUrl;
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** A link to the file valid for {@code ttl}. */
    public String url(String key, Duration ttl) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        return baseUrl + "/files/" + key + "?expires=" + expires + "&sig=" + signature(key, expires);
    }

    /** True when the signature is ours for this key and expiry, and the expiry has not passed. */
    public boolean verify(String key, long expires, String signature) {
        // An expiry past Instant.MAX (or before MIN) is no expiry we ever signed: refused (403), never a 500.
        if (signature == null
                || expires > Instant.MAX.getEpochSecond()
                || expires < Instant.MIN.getEpochSecond()
                || Instant.ofEpochSecond(expires).isBefore(clock.instant())) {
            return false;
        }
        return MessageDigest.isEqual(
                signature(key, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String key, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
