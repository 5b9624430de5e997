package com.imagegate.credits.internal;

import com.imagegate.credits.Credits;
import com.imagegate.credits.IntegrityReport;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/credits}: the ledger's integrity report, for operators and the admin console. Exposed only to
 * requests from this machine (see the web module's operations security chain).
 */
@Component
@Endpoint(id = "credits")
class CreditsEndpoint {

    private final Credits credits;

    CreditsEndpoint(Credits credits) {
        this.credits = credits;
    }

    @ReadOperation
    public IntegrityReport integrity() {
        return credits.integrityReport();
    }
}
