package com.imagegate.billing;

/**
 * A catalog product whose Stripe Price is missing or differs from the configuration.
 *
 * @param product the catalog id
 * @param stripePrice the configured price id or lookup key
 * @param problem what is wrong, in words
 */
public record PriceMismatch(String product, String stripePrice, String problem) {}
