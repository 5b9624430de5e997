/**
 * The plan and credit-pack catalog, Stripe Checkout, the customer portal, Stripe webhooks, refunds and automatic
 * top-up (a saved card charged off-session when the balance crosses below a threshold).
 */
@ApplicationModule(
        displayName = "Billing",
        allowedDependencies = {"credits", "account"})
package com.imagegate.billing;

import org.springframework.modulith.ApplicationModule;
