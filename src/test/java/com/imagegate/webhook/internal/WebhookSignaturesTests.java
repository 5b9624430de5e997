package com.imagegate.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTests {

    static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    /** The test vector the Standard Webhooks reference libraries check against. */
    @Test
    void matchesTheStandardWebhooksTestVector() {
        assertThat(WebhookSignatures.header(
                        List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265330,
                        PAYLOAD))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void oneSignaturePerSecretSpaceSeparated() {
        String a = WebhookSignatures.newSecret();
        String b = WebhookSignatures.newSecret();
        String header = WebhookSignatures.header(List.of(a, b), "msg_1", 1, PAYLOAD);
        assertThat(header.split(" "))
                .containsExactly(
                        "v1," + WebhookSignatures.sign(a, "msg_1", 1, PAYLOAD),
                        "v1," + WebhookSignatures.sign(b, "msg_1", 1, PAYLOAD));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void newSecretsAre256RandomBitsInTheWhsecForm() {
        String secret = WebhookSignatures.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    }
}
