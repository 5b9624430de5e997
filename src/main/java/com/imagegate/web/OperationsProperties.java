package com.imagegate.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may read the operations endpoints that are not public ({@code /actuator/prometheus}, {@code
 * /actuator/credits}).
 *
 * @param monitoringAddresses addresses or CIDR ranges besides the machine itself (loopback is always allowed), e.g.
 *     the Prometheus server's network {@code 10.0.5.0/24}
 */
@ConfigurationProperties("imagegate.operations")
public record OperationsProperties(@DefaultValue List<String> monitoringAddresses) {

    public OperationsProperties {
        monitoringAddresses = List.copyOf(monitoringAddresses);
    }
}
