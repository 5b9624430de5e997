package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FileUrlsTests {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    final Clock now = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    final FileUrls urls = new FileUrls("https://img.example.com", KEY, now);

    static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getQuery().split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1]));
    }

    @Test
    void aFreshLinkVerifiesUntilItExpires() {
        String url = urls.url("2026/11/25/img_abc.png", Duration.ofHours(1));
        var q = query(url);

        assertThat(url).startsWith("https://img.example.com/files/2026/11/25/img_abc.png?expires=");
        assertThat(urls.verify("2026/11/25/img_abc.png", Long.parseLong(q.get("expires")), q.get("sig")))
                .isTrue();

        var later = new FileUrls("https://img.example.com", KEY, Clock.offset(now, Duration.ofMinutes(61)));
        assertThat(later.verify("2026/11/25/img_abc.png", Long.parseLong(q.get("expires")), q.get("sig")))
                .isFalse();
    }

    @Test
    void aSignatureDoesNotFitAnotherKeyOrALaterExpiry() {
        var q = query(urls.url("a/img_1.png", Duration.ofHours(1)));
        long expires = Long.parseLong(q.get("expires"));

        assertThat(urls.verify("a/img_2.png", expires, q.get("sig"))).isFalse();
        assertThat(urls.verify("a/img_1.png", expires + 3600, q.get("sig"))).isFalse();
        assertThat(urls.verify("a/img_1.png", expires, q.get("sig").substring(1) + "A"))
                .isFalse();
        assertThat(urls.verify("a/img_1.png", expires, null)).isFalse();
        var otherKey = new FileUrls("https://img.example.com", "another-key-another-key-another-k".getBytes(), now);
        assertThat(otherKey.verify("a/img_1.png", expires, q.get("sig"))).isFalse();
    }

    @Test
    void anExpiryPastWhatAnInstantHoldsIsRefusedNotAnError() {
        String url = urls.url("2026/11/25/img_abc.png", Duration.ofHours(1));
        String sig = query(url).get("sig");
        assertThat(urls.verify("2026/11/25/img_abc.png", 9_000_000_000_000_000_000L, sig))
                .isFalse();
        assertThat(urls.verify("2026/11/25/img_abc.png", Long.MAX_VALUE, sig)).isFalse();
        assertThat(urls.verify("2026/11/25/img_abc.png", Long.MIN_VALUE, sig)).isFalse();
    }
}
