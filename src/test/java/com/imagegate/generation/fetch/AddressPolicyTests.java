package com.imagegate.generation.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.9.9.9",
                "0.0.0.0",
                "10.1.2.3",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "224.0.0.1",
                "255.255.255.255",
                "::1",
                "::",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "ff02::1",
                "::ffff:127.0.0.1",
                "::ffff:10.0.0.1",
                "::ffff:169.254.169.254"
            })
    void privateLoopbackLinkLocalAndMetadataAddressesAreRefused(String address) throws Exception {
        assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @Test
    void theFetcherRefusesInternalTargetsWithoutConnecting() throws Exception {
        try (var fetcher = new SafeFetcher(false, Duration.ofSeconds(2))) {
            for (String url : new String[] {
                "http://127.0.0.1/x.png", "http://localhost/x.png", "http://[::1]/x.png",
                        "http://169.254.169.254/latest/meta-data",
                "http://10.0.0.1/x.png", "http://metadata.google.internal/x", "file:///etc/passwd",
                        "ftp://example.com/x.png",
                "http://user:pw@example.com/x.png"
            }) {
                assertThatThrownBy(() -> fetcher.fetch(URI.create(url), 1024))
                        .as(url)
                        .isInstanceOf(FetchException.class);
            }
        }
    }
}
