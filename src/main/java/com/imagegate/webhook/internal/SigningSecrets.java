package com.imagegate.webhook.internal;

import com.imagegate.webhook.WebhookProperties;
import java.time.Clock;
import java.time.Instant;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each workspace's webhook signing secret, made on first need. Kept as is (not hashed, not encrypted): signing needs
 * the secret itself, and whoever reads the database could equally read an encryption key from the same environment.
 */
@Component
class SigningSecrets {

    private final WebhookSecrets secrets;
    private final TransactionTemplate ownTransaction;
    private final WebhookProperties properties;
    private final Clock clock;

    SigningSecrets(
            WebhookSecrets secrets,
            PlatformTransactionManager transactionManager,
            WebhookProperties properties,
            Clock clock) {
        this.secrets = secrets;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
    }

    /** The workspace's secret; the first call makes it (of two racing first calls, both get the one that won). */
    WorkspaceWebhookSecret of(String workspaceId) {
        var existing = secrets.findById(workspaceId);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return ownTransaction.execute(status -> secrets.saveAndFlush(
                    new WorkspaceWebhookSecret(workspaceId, WebhookSignatures.newSecret(), clock.instant())));
        } catch (DataIntegrityViolationException anotherCallWasFirst) {
            return secrets.findById(workspaceId).orElseThrow();
        }
    }

    WorkspaceWebhookSecret rotate(String workspaceId) {
        of(workspaceId);
        return ownTransaction.execute(status -> {
            Instant now = clock.instant();
            WorkspaceWebhookSecret secret = secrets.lockById(workspaceId).orElseThrow();
            secret.rotate(WebhookSignatures.newSecret(), now, properties.rotationGrace());
            return secrets.saveAndFlush(secret);
        });
    }
}
