package com.imagegate.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.web.TrustedProxiesProperties;
import java.util.Arrays;
import java.util.List;
import org.apache.catalina.valves.AccessLogValve;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

class TrustedProxiesTests {

    final ForwardedHeadersConfiguration configuration = new ForwardedHeadersConfiguration();

    /** What Spring Boot adds for server.forward-headers-strategy=native: a valve believing every private-range peer. */
    static TomcatServletWebServerFactory factoryAsBootLeavesIt() {
        var factory = new TomcatServletWebServerFactory();
        factory.addEngineValves(new RemoteIpValve(), new AccessLogValve());
        return factory;
    }

    @Test
    void withNoTrustedProxiesNoForwardedHeaderValveIsLeftInTomcat() {
        var factory = factoryAsBootLeavesIt();

        configuration
                .trustedProxiesCustomizer(new TrustedProxiesProperties(List.of()), new MockEnvironment())
                .customize(factory);

        assertThat(factory.getEngineValves()).noneMatch(RemoteIpValve.class::isInstance);
        assertThat(factory.getEngineValves()).hasAtLeastOneElementOfType(AccessLogValve.class);
    }

    @Test
    void namedProxiesGetOneValveThatBelievesOnlyThem() {
        var factory = factoryAsBootLeavesIt();

        configuration
                .trustedProxiesCustomizer(
                        new TrustedProxiesProperties(List.of(" 172.30.0.10 ", "10.0.5.0/24", "fd00::/8")),
                        new MockEnvironment())
                .customize(factory);

        List<RemoteIpValve> valves = factory.getEngineValves().stream()
                .filter(RemoteIpValve.class::isInstance)
                .map(RemoteIpValve.class::cast)
                .toList();
        assertThat(valves).singleElement().isInstanceOf(TrustedProxiesValve.class);
        RemoteIpValve valve = valves.getFirst();
        assertThat(Arrays.stream(valve.getInternalProxies().split(",")).map(String::strip))
                .containsExactlyInAnyOrder("172.30.0.10/32", "10.0.5.0/24", "fd00:0:0:0:0:0:0:0/8");
        assertThat(valve.getTrustedProxies()).isNull();
        assertThat(valve.getHostHeader()).isNull();
        assertThat(valve.getPortHeader()).isNull();
        assertThat(valve.getRemoteIpHeader()).isEqualTo("X-Forwarded-For");
        assertThat(valve.getProtocolHeader()).isEqualTo("X-Forwarded-Proto");
    }

    @Test
    void theFrameworkStrategyWhichBelievesEveryoneIsRefused() {
        var environment = new MockEnvironment().withProperty("server.forward-headers-strategy", "framework");

        assertThatThrownBy(() ->
                        configuration.trustedProxiesCustomizer(new TrustedProxiesProperties(List.of()), environment))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("imagegate.trusted-proxies");
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1/32",
        "10.0.5.0/24, 10.0.5.0/24",
        "::1, 0:0:0:0:0:0:0:1/128",
        "fd00::/8, fd00:0:0:0:0:0:0:0/8",
        "0.0.0.0/0, 0.0.0.0/0"
    })
    void entriesBecomeCidrRanges(String entry, String cidr) {
        assertThat(TrustedProxiesValve.cidr(entry)).isEqualTo(cidr);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"nginx", "localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3", "256.1.1.1", "10.0.0.1:80"
            })
    void anEntryThatIsNotAnAddressStopsTheStartNamingIt(String entry) {
        assertThatThrownBy(() -> configuration.trustedProxiesCustomizer(
                        new TrustedProxiesProperties(List.of(entry)), new MockEnvironment()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imagegate.trusted-proxies")
                .hasMessageContaining(entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "nginx", "203.0.113.9:1234", "[2001:db8::1]", "1.2.3", "::zz", "", "a:"})
    void onlyIpLiteralsAreAddressesAndNothingIsLookedUp(String text) {
        assertThat(TrustedProxiesValve.literal(text)).isNull();
    }
}
