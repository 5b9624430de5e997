package com.imagegate.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * IPv6 forms that carry an IPv4 address are refused outright, whatever that address is: a NAT64 gateway, a 6to4
     * relay or a Teredo server on the way would otherwise take the connection to it (here: the metadata service, a
     * private host, and a public one — refused all the same).
     */
    @ParameterizedTest
    @CsvSource({
        "64:ff9b::a9fe:a9fe, nat64", // NAT64 well-known prefix → 169.254.169.254
        "64:ff9b::a00:1, nat64", // → 10.0.0.1
        "64:ff9b::808:808, nat64", // → 8.8.8.8
        "64:ff9b:1::a9fe:a9fe, nat64", // local-use NAT64 prefix
        "2002:a9fe:a9fe::1, 6to4", // 6to4 of 169.254.169.254
        "2002:7f00:1::, 6to4", // 6to4 of 127.0.0.1
        "2002:808:808::1, 6to4",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2, teredo",
        "2001::1, teredo",
        "::127.0.0.1, ipv4-compatible",
        "::169.254.169.254, ipv4-compatible",
        "::8.8.8.8, ipv4-compatible",
        "2001:db8::1, documentation",
        "2001:100::1, ietf-protocol-assignments",
        "100::1, not-global-unicast", // discard-only
        "fec0::1, private", // deprecated site-local
        "4000::1, not-global-unicast"
    })
    void ipv6FormsThatCarryOrReachAnIpv4AddressAreRefused(String address, String reason) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);
        assertThat(parsed).isInstanceOf(Inet6Address.class);

        assertThat(AddressPolicy.refusal(parsed)).isEqualTo(reason);
        assertThat(AddressPolicy.isPublic(parsed)).isFalse();
    }

    /** Java turns a textual ::ffff:a.b.c.d into IPv4; an IPv6 object holding that form is refused outright too. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "8.8.8.8"})
    void ipv4MappedAddressesAsIpv6AreRefused(String ipv4) throws Exception {
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);

        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(AddressPolicy.refusal(address)).isEqualTo("ipv4-mapped");
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:169.254.169.254"})
    void textualIpv4MappedAddressesAreJudgedAsTheirIpv4(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);

        assertThat(AddressPolicy.refusal(parsed)).isIn("loopback", "link-local");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "172.32.0.1",
                "100.128.0.1",
                "2606:4700:4700::1111",
                "2001:4860:4860::8888",
                "2a00:1450:4001::200e"
            })
    void publicAddressesAreAllowed(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);
        assertThat(AddressPolicy.refusal(parsed)).isNull();
        assertThat(AddressPolicy.isPublic(parsed)).isTrue();
    }

    @Test
    void theFetcherRefusesInternalTargetsWithoutConnecting() throws Exception {
        try (var fetcher = new SafeFetcher(false, Duration.ofSeconds(2), Duration.ofSeconds(5))) {
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

    /** The fetcher's own resolver applies the policy: these are refused as addresses, before any connection. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
                "http://[2002:a9fe:a9fe::1]/x.png",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x.png",
                "http://[::169.254.169.254]/x.png",
                "http://[::ffff:169.254.169.254]/x.png",
                "http://[::ffff:7f00:1]/x.png"
            })
    void theFetcherRefusesIpv4CarryingIpv6Targets(String url) throws Exception {
        try (var fetcher = new SafeFetcher(false, Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> fetcher.fetch(URI.create(url), 1024))
                    .isInstanceOf(FetchException.class)
                    .hasMessage("the URL's host is not a public address");
        }
    }
}
