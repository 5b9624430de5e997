package com.imagegate.billing.internal;

import com.imagegate.BoundedBodyFilter;
import com.imagegate.billing.BillingProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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

        /**
         * Before Spring Security and the controller: anyone can post here, so a body over the limit is refused with
         * 413 from its Content-Length, or as soon as a chunked body passes it, without being read whole.
         */
        @Bean
        FilterRegistrationBean<BoundedBodyFilter> stripeWebhookBodyLimit(BillingProperties properties) {
            var filter = new BoundedBodyFilter(
                    properties.stripe().webhookMaxBodyBytes(), request -> true, (request, response, maxBytes) -> {
                        response.setStatus(413);
                        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                        response.setCharacterEncoding("UTF-8");
                        response.getWriter()
                                .write("{\"message\":\"The webhook body is larger than " + maxBytes + " bytes.\"}");
                    });
            var registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
            registration.addUrlPatterns(PATH);
            return registration;
        }

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
