package com.imagegate.billing.internal;

import com.imagegate.billing.BillingException;
import com.imagegate.billing.BillingProperties;
import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Dispute;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Price;
import com.stripe.model.SetupIntent;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionSchedule;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.ChargeListParams;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceCreatePreviewParams;
import com.stripe.param.InvoiceRetrieveParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.SubscriptionScheduleCreateParams;
import com.stripe.param.SubscriptionScheduleUpdateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
                } catch (InvalidRequestException missing) {
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

    /**
     * An upgrade: the subscription's one item moves to another price at once, within the current period; Stripe
     * invoices the prorated difference now and applies the change only if that invoice is paid ({@code
     * payment_behavior=pending_if_incomplete}; otherwise the subscription keeps its price and shows a pending update).
     */
    Subscription upgrade(String subscriptionId, String itemId, String priceId, long prorationDate) {
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
                                        .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                                        .setProrationDate(prorationDate)
                                        .setPaymentBehavior(
                                                SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE)
                                        .build()));
    }

    /** What {@link #upgrade} would invoice now, as Stripe computes it. */
    Invoice previewUpgrade(
            String customerId, String subscriptionId, String itemId, String priceId, long prorationDate) {
        return call(
                "preview invoice of " + subscriptionId,
                () -> client().v1()
                        .invoices()
                        .createPreview(InvoiceCreatePreviewParams.builder()
                                .setCustomer(customerId)
                                .setSubscription(subscriptionId)
                                .setSubscriptionDetails(InvoiceCreatePreviewParams.SubscriptionDetails.builder()
                                        .addItem(InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder()
                                                .setId(itemId)
                                                .setPrice(priceId)
                                                .build())
                                        .setProrationBehavior(
                                                InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior
                                                        .ALWAYS_INVOICE)
                                        .setProrationDate(prorationDate)
                                        .build())
                                .build()));
    }

    /**
     * A downgrade at the period's end: a subscription schedule (made from the subscription, or its existing one) keeps
     * the current price until {@code periodEnd}, then moves to {@code nextPriceId} and releases the subscription.
     */
    SubscriptionSchedule scheduleChange(
            String subscriptionId,
            String existingSchedule,
            String currentPriceId,
            long periodStart,
            long periodEnd,
            String nextPriceId) {
        return call("schedule a change of " + subscriptionId, () -> {
            String scheduleId = existingSchedule != null
                    ? existingSchedule
                    : client().v1()
                            .subscriptionSchedules()
                            .create(SubscriptionScheduleCreateParams.builder()
                                    .setFromSubscription(subscriptionId)
                                    .build())
                            .getId();
            return client().v1()
                    .subscriptionSchedules()
                    .update(
                            scheduleId,
                            SubscriptionScheduleUpdateParams.builder()
                                    .setEndBehavior(SubscriptionScheduleUpdateParams.EndBehavior.RELEASE)
                                    .addPhase(SubscriptionScheduleUpdateParams.Phase.builder()
                                            .addItem(SubscriptionScheduleUpdateParams.Phase.Item.builder()
                                                    .setPrice(currentPriceId)
                                                    .setQuantity(1L)
                                                    .build())
                                            .setStartDate(periodStart)
                                            .setEndDate(periodEnd)
                                            .build())
                                    .addPhase(SubscriptionScheduleUpdateParams.Phase.builder()
                                            .addItem(SubscriptionScheduleUpdateParams.Phase.Item.builder()
                                                    .setPrice(nextPriceId)
                                                    .setQuantity(1L)
                                                    .build())
                                            .setDuration(SubscriptionScheduleUpdateParams.Phase.Duration.builder()
                                                    .setInterval(
                                                            SubscriptionScheduleUpdateParams.Phase.Duration.Interval
                                                                    .MONTH)
                                                    .setIntervalCount(1L)
                                                    .build())
                                            .build())
                                    .build());
        });
    }

    /** Ends a schedule's control of its subscription, dropping the change it had planned. */
    void releaseSchedule(String scheduleId) {
        call(
                "release schedule " + scheduleId,
                () -> client().v1().subscriptionSchedules().release(scheduleId));
    }

    Subscription cancelAtPeriodEnd(String subscriptionId, boolean cancel) {
        return call(
                "update subscription " + subscriptionId,
                () -> client().v1()
                        .subscriptions()
                        .update(
                                subscriptionId,
                                SubscriptionUpdateParams.builder()
                                        .setCancelAtPeriodEnd(cancel)
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

    /**
     * What Stripe answered to an off-session charge: the PaymentIntent (its status {@code succeeded}, {@code
     * processing} or {@code requires_action}), or a card error ({@code code} {@code card_declined}, {@code
     * authentication_required}, …) with the PaymentIntent it left, when Stripe names one.
     */
    record OffSessionCharge(String paymentIntentId, String status, String errorCode, String errorMessage) {

        boolean refused() {
            return errorCode != null;
        }
    }

    /**
     * Charges a saved card with the customer away ({@code off_session=true}, {@code confirm=true}). The idempotency key
     * makes every retry of this call, from any node, return the same PaymentIntent (or the same card error) instead of
     * charging again.
     *
     * @throws StripeCallException when Stripe cannot be reached or refuses the request itself (not the card)
     */
    OffSessionCharge chargeOffSession(
            String idempotencyKey,
            String customerId,
            String paymentMethodId,
            long amountCents,
            String currency,
            Map<String, String> metadata) {
        try {
            PaymentIntent intent = client().v1()
                    .paymentIntents()
                    .create(
                            PaymentIntentCreateParams.builder()
                                    .setAmount(amountCents)
                                    .setCurrency(currency)
                                    .setCustomer(customerId)
                                    .setPaymentMethod(paymentMethodId)
                                    .setOffSession(true)
                                    .setConfirm(true)
                                    .putAllMetadata(metadata)
                                    .build(),
                            RequestOptions.builder()
                                    .setIdempotencyKey(idempotencyKey)
                                    .build());
            return new OffSessionCharge(intent.getId(), intent.getStatus(), null, null);
        } catch (CardException refused) {
            var error = refused.getStripeError();
            String intent = error == null || error.getPaymentIntent() == null
                    ? null
                    : error.getPaymentIntent().getId();
            String code = refused.getCode() != null ? refused.getCode() : "card_declined";
            return new OffSessionCharge(
                    intent,
                    error == null || error.getPaymentIntent() == null
                            ? null
                            : error.getPaymentIntent().getStatus(),
                    code,
                    error != null && error.getMessage() != null ? error.getMessage() : refused.getMessage());
        } catch (StripeException e) {
            throw new StripeCallException("Stripe: off-session charge failed: " + e.getMessage(), e);
        }
    }

    PaymentIntent paymentIntent(String id) {
        return call(
                "read payment intent " + id,
                () -> client().v1().paymentIntents().retrieve(id));
    }

    SetupIntent setupIntent(String id) {
        return call(
                "read setup intent " + id, () -> client().v1().setupIntents().retrieve(id));
    }

    PaymentMethod paymentMethod(String id) {
        return call(
                "read payment method " + id,
                () -> client().v1().paymentMethods().retrieve(id));
    }

    Charge charge(String id) {
        return call("read charge " + id, () -> client().v1().charges().retrieve(id));
    }

    /**
     * The fingerprints of the cards behind every charge of a customer (succeeded or not: a card that was tried is the
     * customer's card too), all pages.
     */
    Set<String> cardFingerprints(String customerId) {
        return call("list charges of " + customerId, () -> {
            Set<String> fingerprints = new HashSet<>();
            for (Charge charge : client().v1()
                    .charges()
                    .list(ChargeListParams.builder()
                            .setCustomer(customerId)
                            .setLimit(100L)
                            .build())
                    .autoPagingIterable()) {
                var details = charge.getPaymentMethodDetails();
                if (details != null
                        && details.getCard() != null
                        && details.getCard().getFingerprint() != null) {
                    fingerprints.add(details.getCard().getFingerprint());
                }
            }
            return Set.copyOf(fingerprints);
        });
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
