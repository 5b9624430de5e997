package com.imagegate.web.internal;

import com.imagegate.web.TrustedProxiesProperties;
import java.util.List;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.RemoteIpValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Who may tell us the client's address and scheme: only the proxies named in {@code imagegate.trusted-proxies}
 * ({@link TrustedProxiesValve}). Spring Boot's own {@code RemoteIpValve} ({@code server.forward-headers-strategy:
 * native}, or deduced on a cloud platform) would believe any peer on a private, loopback or link-local address, so it is
 * taken out; {@code framework} (Spring's filter, which believes everyone) is refused at start.
 */
@Configuration(proxyBeanMethods = false)
class ForwardedHeadersConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> trustedProxiesCustomizer(
            TrustedProxiesProperties properties, Environment environment) {
        String strategy = environment.getProperty("server.forward-headers-strategy", "");
        if (strategy.equalsIgnoreCase("framework")) {
            throw new IllegalStateException("server.forward-headers-strategy=framework believes X-Forwarded-* from"
                    + " anyone: leave it at none and name the proxies in imagegate.trusted-proxies");
        }
        // Parsed now, so a wrong entry stops the start with its name rather than at the first request.
        List<String> proxies = List.copyOf(properties.trustedProxies());
        proxies.forEach(TrustedProxiesValve::cidr);
        return new TrustedProxiesCustomizer(proxies);
    }

    /** Runs after Spring Boot's customizers, so it sees (and removes) any valve they added. */
    static final class TrustedProxiesCustomizer
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final List<String> proxies;

        TrustedProxiesCustomizer(List<String> proxies) {
            this.proxies = proxies;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            List<Valve> kept = factory.getEngineValves().stream()
                    .filter(valve -> !(valve instanceof RemoteIpValve))
                    .toList();
            factory.setEngineValves(kept);
            if (!proxies.isEmpty()) {
                factory.addEngineValves(new TrustedProxiesValve(proxies));
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
