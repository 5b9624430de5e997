package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.Plans;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/pricing} (docs/api.md): the price table and the catalog, public (no key; its own security chain
 * in {@link ApiSecurityConfiguration}) and cacheable for five minutes. Built from the configured prices
 * ({@link Pricing}) and plans and packs ({@link Catalog}), so it says what the server charges.
 */
@RestController
class PricingController {

    static final String PATH = "/api/v1/pricing";
    private static final CacheControl CACHE =
            CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final Pricing pricing;
    private final Catalog catalog;
    private final Plans workspacePlans;
    private final ImagesController imagesApi;

    PricingController(Pricing pricing, Catalog catalog, Plans workspacePlans, ImagesController images) {
        this.pricing = pricing;
        this.catalog = catalog;
        this.workspacePlans = workspacePlans;
        this.imagesApi = images;
    }

    record SizePrice(
            String size, @JsonProperty("credits_per_image") long creditsPerImage) {}

    record Enhancement(long credits) {}

    /**
     * A plan: {@code price} in minor units of {@code currency} (cents) per {@code interval}; {@code credits} each
     * period. The free plan has price 0 and no interval or credits.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Plan(
            String id,
            String name,
            long price,
            String currency,
            Long credits,
            String interval,
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("concurrent_tasks") int concurrentTasks) {}

    /** A one-time pack: {@code price} in minor units of {@code currency}; its credits expire after {@code validity}. */
    record Pack(String id, String name, long price, String currency, long credits, String validity) {}

    /**
     * The answer. {@code price_multiplier} is there only when the request sent an API key: the calling workspace's
     * multiplier (1.00 without custom pricing), which {@code images} and {@code enhancement} are then priced at.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PricingBody(
            String object,
            List<SizePrice> images,
            Enhancement enhancement,
            List<Plan> plans,
            List<Pack> packs,
            @JsonProperty("price_multiplier") BigDecimal priceMultiplier) {}

    /**
     * Without a valid key: the list prices, public and cacheable (a bad key is ignored, as it always was). With a valid
     * key (checked by the chain's filter): the key's workspace's prices under its custom price multiplier, counted as a read,
     * {@code Cache-Control: private, no-store}. Both vary by {@code Authorization}, so no shared cache gives one the
     * other's answer.
     */
    @GetMapping(PATH)
    ResponseEntity<PricingBody> pricing(HttpServletResponse response) {
        BigDecimal multiplier = null;
        if (SecurityContextHolder.getContext().getAuthentication() instanceof ApiKeyAuthentication caller) {
            imagesApi.readLimit(caller.getPrincipal(), response);
            multiplier =
                    workspacePlans.current(caller.getPrincipal().workspaceId()).priceMultiplier();
        }
        BigDecimal applied = multiplier;
        var images = Arrays.stream(ImageSize.values())
                .map(size -> new SizePrice(size.wireValue(), pricing.creditsPerImage(size, applied)))
                .toList();
        var free = catalog.free();
        var plans = new java.util.ArrayList<Plan>();
        plans.add(new Plan("free", free.name(), 0, null, null, null, free.requestsPerMinute(), free.concurrentTasks()));
        catalog.subscriptionsById()
                .forEach((id, plan) -> plans.add(new Plan(
                        id,
                        plan.name(),
                        plan.priceCents(),
                        plan.currency(),
                        plan.creditsPerPeriod(),
                        "month",
                        plan.requestsPerMinute(),
                        plan.concurrentTasks())));
        var packs = catalog.packsById().entrySet().stream()
                .map(e -> new Pack(
                        e.getKey(),
                        e.getValue().name(),
                        e.getValue().priceCents(),
                        e.getValue().currency(),
                        e.getValue().credits(),
                        e.getValue().validity() == null
                                ? null
                                : e.getValue().validity().toString()))
                .toList();
        return ResponseEntity.ok()
                .cacheControl(
                        multiplier == null ? CACHE : CacheControl.noStore().cachePrivate())
                .varyBy(HttpHeaders.AUTHORIZATION)
                .body(new PricingBody(
                        "pricing",
                        images,
                        new Enhancement(pricing.enhancementCredits(multiplier)),
                        List.copyOf(plans),
                        packs,
                        multiplier));
    }
}
