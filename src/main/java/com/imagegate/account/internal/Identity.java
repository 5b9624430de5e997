package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A sign-in method from an OAuth2/OIDC provider, linked to one user. */
@Entity
@Table(name = "user_identities")
class Identity extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(nullable = false)
    private String provider;

    @Column(nullable = false)
    private String subject;

    @Column(nullable = false)
    private String email;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Identity() {}

    Identity(String userId, String provider, String subject, String email, Instant now) {
        this.id = Ids.next("idn");
        this.userId = userId;
        this.provider = provider;
        this.subject = subject;
        this.email = email;
        this.createdAt = now;
    }

    String userId() {
        return userId;
    }

    String provider() {
        return provider;
    }

    String email() {
        return email;
    }

    @Override
    public String getId() {
        return id;
    }
}
