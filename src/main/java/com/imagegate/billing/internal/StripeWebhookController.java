package com.imagegate.billing.internal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /webhooks/stripe}: Stripe's deliveries, authenticated by their signature alone. */
@RestController
class StripeWebhookController {

    static final String PATH = "/webhooks/stripe";

    private final StripeWebhooks webhooks;

    StripeWebhookController(StripeWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    record Answer(String message) {}

    @PostMapping(path = PATH)
    ResponseEntity<Answer> receive(
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Stripe-Signature", required = false) String signature) {
        var result = webhooks.handle(body, signature);
        return ResponseEntity.status(result.status())
                .contentType(MediaType.APPLICATION_JSON)
                .body(new Answer(result.message()));
    }

    /** No session, no CSRF token, no sign-in: the signature is checked by the controller. */
    @Configuration(proxyBeanMethods = false)
    static class WebhookSecurity {

        @Bean
        @Order(45)
        SecurityFilterChain stripeWebhookSecurity(HttpSecurity http) throws Exception {
            return http.securityMatcher(PATH)
                    .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .requestCache(cache -> cache.disable())
                    .build();
        }
    }
}
