package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A single-use, expiring link sent by mail (password reset, email verification). Only its hash is stored. */
@Entity
@Table(name = "account_tokens")
class AccountToken extends AssignedIdEntity<String> {

    enum Purpose {
        PASSWORD_RESET,
        EMAIL_VERIFICATION
    }

    @Id
    private String id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Purpose purpose;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "token_hash", nullable = false, unique = true)
    private String tokenHash;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected AccountToken() {}

    AccountToken(Purpose purpose, String userId, String tokenHash, Instant expiresAt, Instant now) {
        this.id = Ids.next("tok");
        this.purpose = purpose;
        this.userId = userId;
        this.tokenHash = tokenHash;
        this.expiresAt = expiresAt;
        this.createdAt = now;
    }

    String id() {
        return id;
    }

    String userId() {
        return userId;
    }

    boolean usableAt(Instant now) {
        return usedAt == null && now.isBefore(expiresAt);
    }

    @Override
    public String getId() {
        return id;
    }
}
