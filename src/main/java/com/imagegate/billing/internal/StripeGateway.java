package com.imagegate.billing.internal;

import com.imagegate.billing.BillingException;
import com.imagegate.billing.BillingProperties;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Dispute;
import com.stripe.model.Invoice;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceRetrieveParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Every call to Stripe's API, through one {@link StripeClient} (its API base is configurable, so tests talk to a local
 * fake). Configured prices may be Price ids ({@code price_…}) or lookup keys; lookup keys are resolved once and cached.
 */
@Component
public class StripeGateway {

    private final BillingProperties.Stripe properties;
    private final Map<String, String> priceIds = new ConcurrentHashMap<>();
    private volatile StripeClient client;

    StripeGateway(BillingProperties properties) {
        this.properties = properties.stripe();
    }

    /** A Stripe call failed (network, Stripe's error, or an unknown object); the caller decides what that means. */
    public static class StripeCallException extends RuntimeException {
        StripeCallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    StripeClient client() {
        if (!properties.isConfigured()) {
            throw new BillingException(
                    BillingException.Reason.NOT_CONFIGURED, "Payments are not configured on this server.");
        }
        StripeClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = StripeClient.builder()
                            .setApiKey(properties.secretKey())
                            .setApiBase(properties.apiBase().toString().replaceAll("/+$", ""))
                            .setConnectTimeout(10_000)
                            .setReadTimeout(30_000)
                            .setMaxNetworkRetries(2)
                            .build();
                }
                current = client;
            }
        }
        return current;
    }

    /** The Price id of a configured price: itself when it is an id, else the active price with that lookup key. */
    String priceId(String configured) {
        if (configured.startsWith("price_")) {
            return configured;
        }
        String cached = priceIds.get(configured);
        if (cached != null) {
            return cached;
        }
        Price price = findPrice(configured)
                .orElseThrow(
                        () -> new StripeCallException("no active Stripe Price with lookup key " + configured, null));
        priceIds.put(configured, price.getId());
        return price.getId();
    }

    /** The Price id a lookup key resolved to, if it was resolved already. */
    String cachedPriceId(String configured) {
        return priceIds.get(configured);
    }

    /** The configured price as Stripe has it, if it exists. */
    Optional<Price> findPrice(String configured) {
        return call("read price " + configured, () -> {
            if (configured.startsWith("price_")) {
                try {
                    return Optional.of(client().v1().prices().retrieve(configured));
                } catch (com.stripe.exception.InvalidRequestException missing) {
                    return Optional.<Price>empty();
                }
            }
            var prices = client().v1()
                    .prices()
                    .list(PriceListParams.builder()
                            .addLookupKey(configured)
                            .setActive(true)
                            .setLimit(1L)
                            .build());
            return prices.getData().stream().findFirst();
        });
    }

    /** A new Customer for the workspace; the idempotency key makes a retried or concurrent first purchase create one. */
    String createCustomer(String workspaceId, String workspaceName, String email) {
        return call(
                        "create customer",
                        () -> client().v1()
                                .customers()
                                .create(
                                        CustomerCreateParams.builder()
                                                .setName(workspaceName)
                                                .setEmail(email)
                                                .putMetadata("workspace_id", workspaceId)
                                                .build(),
                                        RequestOptions.builder()
                                                .setIdempotencyKey("imagegate-customer-" + workspaceId)
                                                .build()))
                .getId();
    }

    Customer customer(String id) {
        return call("read customer " + id, () -> client().v1().customers().retrieve(id));
    }

    Session createCheckout(SessionCreateParams params) {
        return call(
                "create checkout session",
                () -> client().v1().checkout().sessions().create(params));
    }

    String portalUrl(String customerId, String returnUrl) {
        return call(
                        "create portal session",
                        () -> client().v1()
                                .billingPortal()
                                .sessions()
                                .create(com.stripe.param.billingportal.SessionCreateParams.builder()
                                        .setCustomer(customerId)
                                        .setReturnUrl(returnUrl)
                                        .build()))
                .getUrl();
    }

    /** Moves the subscription's one item to another price; a new billing period starts now, prorated. */
    Subscription changePrice(String subscriptionId, String itemId, String priceId, String plan) {
        return call(
                "update subscription " + subscriptionId,
                () -> client().v1()
                        .subscriptions()
                        .update(
                                subscriptionId,
                                SubscriptionUpdateParams.builder()
                                        .addItem(SubscriptionUpdateParams.Item.builder()
                                                .setId(itemId)
                                                .setPrice(priceId)
                                                .build())
                                        .setBillingCycleAnchor(SubscriptionUpdateParams.BillingCycleAnchor.NOW)
                                        .setProrationBehavior(
                                                SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS)
                                        .putMetadata("plan", plan)
                                        .build()));
    }

    Session session(String id) {
        return call(
                "read checkout session " + id,
                () -> client().v1().checkout().sessions().retrieve(id));
    }

    Subscription subscription(String id) {
        return call(
                "read subscription " + id, () -> client().v1().subscriptions().retrieve(id));
    }

    Invoice invoice(String id) {
        return call(
                "read invoice " + id,
                () -> client().v1()
                        .invoices()
                        .retrieve(
                                id,
                                InvoiceRetrieveParams.builder()
                                        .addExpand("payments")
                                        .build()));
    }

    Charge charge(String id) {
        return call("read charge " + id, () -> client().v1().charges().retrieve(id));
    }

    Dispute dispute(String id) {
        return call("read dispute " + id, () -> client().v1().disputes().retrieve(id));
    }

    private interface StripeCall<T> {
        T run() throws StripeException;
    }

    private static <T> T call(String what, StripeCall<T> call) {
        try {
            return call.run();
        } catch (StripeException e) {
            throw new StripeCallException("Stripe: " + what + " failed: " + e.getMessage(), e);
        }
    }
}
