package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.account.Role;
import com.imagegate.account.SignUp;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A person who signs in. Email is stored lower-cased and is unique. */
@Entity
@Table(name = "users")
class User extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(nullable = false, unique = true)
    private String email;

    @Column(name = "password_hash")
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "email_verified", nullable = false)
    private boolean emailVerified;

    @Column(name = "deleted_at")
    private Instant deletedAt;

    @Column(name = "signup_ip")
    private String signupIp;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected User() {}

    private User(String email, String passwordHash, Role role, Instant now) {
        this.id = Ids.next("usr");
        this.email = SignUp.normalizeEmail(email);
        this.passwordHash = passwordHash;
        this.role = role;
        this.enabled = true;
        this.createdAt = now;
        this.updatedAt = now;
    }

    static User admin(String email, String passwordHash, Instant now) {
        return new User(email, passwordHash, Role.ADMIN, now);
    }

    static User member(String email, String passwordHash, Instant now) {
        return new User(email, passwordHash, Role.USER, now);
    }

    void markEmailVerified(Instant now) {
        this.emailVerified = true;
        this.updatedAt = now;
    }

    void changePasswordHash(String passwordHash, Instant now) {
        this.passwordHash = passwordHash;
        this.updatedAt = now;
    }

    /** Soft delete: the row stays for the ledger and audit; the email is freed for a new sign-up. */
    void delete(Instant now) {
        this.deletedAt = now;
        this.enabled = false;
        this.email = "deleted+" + id + "@deleted.invalid";
        this.passwordHash = null;
        this.updatedAt = now;
    }

    void promoteToAdmin(Instant now) {
        changeRole(Role.ADMIN, now);
    }

    void changeRole(Role role, Instant now) {
        this.role = role;
        this.updatedAt = now;
    }

    /** The address the sign-up came from (at most 64 characters: an IPv6 address with a zone fits). */
    void recordSignupIp(String address) {
        this.signupIp = address == null || address.isBlank()
                ? null
                : address.strip().substring(0, Math.min(64, address.strip().length()));
    }

    String signupIp() {
        return signupIp;
    }

    String id() {
        return id;
    }

    String email() {
        return email;
    }

    String passwordHash() {
        return passwordHash;
    }

    Role role() {
        return role;
    }

    boolean enabled() {
        return enabled;
    }

    boolean emailVerified() {
        return emailVerified;
    }

    boolean deleted() {
        return deletedAt != null;
    }

    Instant createdAt() {
        return createdAt;
    }

    @Override
    public String getId() {
        return id;
    }
}
