/**
 * The plan and credit-pack catalog, Stripe Checkout, the customer portal, Stripe webhooks and refunds.
 */
@ApplicationModule(
        displayName = "Billing",
        allowedDependencies = {"credits", "account"})
package com.imagegate.billing;

import org.springframework.modulith.ApplicationModule;
