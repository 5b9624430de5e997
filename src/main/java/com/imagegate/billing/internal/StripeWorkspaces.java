package com.imagegate.billing.internal;

import com.imagegate.account.Accounts;
import com.imagegate.account.WorkspaceSummary;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Which workspace a Stripe object belongs to: by its customer, recorded here or named in the customer's metadata. */
@Component
class StripeWorkspaces {

    private final StripeGateway stripe;
    private final BillingStore store;
    private final Accounts accounts;
    private final Clock clock;

    StripeWorkspaces(StripeGateway stripe, BillingStore store, Accounts accounts, Clock clock) {
        this.stripe = stripe;
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    Optional<String> ofCustomer(String customerId) {
        if (customerId == null) {
            return Optional.empty();
        }
        Optional<String> known = store.workspaceOfCustomer(customerId);
        if (known.isPresent()) {
            return known;
        }
        // A customer made here but not recorded (the insert after Stripe's answer failed): its metadata says whose.
        var customer = stripe.customer(customerId);
        return existing(
                        customer.getMetadata() == null
                                ? null
                                : customer.getMetadata().get("workspace_id"))
                .filter(workspaceId -> store.saveCustomer(workspaceId, customerId, clock.instant())
                        .equals(customerId));
    }

    Optional<String> existing(String workspaceId) {
        return workspaceId == null
                ? Optional.empty()
                : accounts.workspace(workspaceId).map(WorkspaceSummary::id);
    }
}
