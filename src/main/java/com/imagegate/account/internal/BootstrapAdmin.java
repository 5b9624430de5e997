package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.BootstrapProperties;
import com.imagegate.account.Role;
import com.imagegate.account.SessionsRevoked;
import com.imagegate.account.SignUp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the first operator at start when {@code imagegate.bootstrap.*} is set and no admin exists. Idempotent: once
 * any admin exists it does nothing, so restarts and several nodes starting at once are safe (the unique email index
 * lets only one node insert). The password is never logged.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final BootstrapProperties properties;
    private final Users users;
    private final AccountService accounts;
    private final PasswordEncoder passwordEncoder;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    BootstrapAdmin(
            ApplicationEventPublisher events,
            BootstrapProperties properties,
            Users users,
            AccountService accounts,
            PasswordEncoder passwordEncoder,
            TransactionTemplate transactions,
            Clock clock) {
        this.events = events;
        this.properties = properties;
        this.users = users;
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.isConfigured()) {
            return;
        }
        try {
            transactions.executeWithoutResult(status -> ensureAdmin());
        } catch (DataIntegrityViolationException | AccountException raced) {
            log.info("Bootstrap admin {} was created by another node", properties.adminEmail());
        }
    }

    private void ensureAdmin() {
        if (users.existsByRole(Role.ADMIN)) {
            log.debug("An admin exists; bootstrap admin settings ignored");
            return;
        }
        String email = SignUp.normalizeEmail(properties.adminEmail());
        var existing = users.findByEmail(email);
        if (existing.isPresent() && existing.get().emailVerified()) {
            existing.get().promoteToAdmin(clock.instant());
            log.info("Promoted existing user {} to admin (their password is unchanged)", email);
            return;
        }
        if (existing.isPresent()) {
            // Whoever registered this address never proved they own it (it may be someone who signed up as the
            // operator first): the account gets the operator's password, and every session of it ends.
            User user = existing.get();
            user.changePasswordHash(passwordEncoder.encode(properties.adminPassword()), clock.instant());
            user.markEmailVerified(clock.instant());
            user.promoteToAdmin(clock.instant());
            events.publishEvent(new SessionsRevoked(user.id(), user.email(), "bootstrap-takeover"));
            log.warn(
                    "Promoted existing user {} to admin: its email was never verified, so its password was replaced"
                            + " with the bootstrap admin password and its sessions ended",
                    email);
            return;
        }
        User admin = User.admin(email, passwordEncoder.encode(properties.adminPassword()), clock.instant());
        admin.markEmailVerified(clock.instant()); // the operator vouches for their own address
        accounts.register(admin);
        log.info("Created bootstrap admin {}", email);
    }
}
