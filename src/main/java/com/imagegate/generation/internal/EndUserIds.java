package com.imagegate.generation.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The end-user identifier sent upstream (OpenAI's {@code user} field), so the upstream can tell one abuser from the
 * operator's other customers without learning who they are: {@code ig-} and the URL-safe base64 of
 * HMAC-SHA256(server key, workspace id + NUL + the task's {@code user}), or of the workspace id alone when the task
 * has no {@code user}. Stable for the same pair on every node, different across workspaces, and not reversible
 * without the key.
 */
public class EndUserIds {

    private final byte[] key;

    public EndUserIds(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the end-user identifier key must have at least 256 bits");
        }
        this.key = key.clone();
    }

    public String of(String workspaceId, String user) {
        String input = user == null || user.isEmpty() ? workspaceId : workspaceId + '\0' + user;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
            return "ig-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
