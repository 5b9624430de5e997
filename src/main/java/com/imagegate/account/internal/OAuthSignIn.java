package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.Accounts;
import com.imagegate.account.SignUp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Turns a provider identity into one of our users: the identity already linked; else the account with the same
 * email, when both the provider and we have verified that email (linked, not duplicated, so nobody gets sign-up
 * credits twice); else a new account. An email the provider did not verify is refused: linking on it would let anyone
 * who registers that address at a provider take over the account. An existing account whose email we never verified
 * is refused too: whoever registered it need not own the address (an attacker may have signed up as the victim
 * first), and linking would share the account — its password and sessions — with the provider's owner.
 */
@Component
class OAuthSignIn {

    private static final Logger log = LoggerFactory.getLogger(OAuthSignIn.class);

    private final Users users;
    private final Identities identities;
    private final AccountService accounts;
    private final TransactionTemplate transactions;
    private final Clock clock;

    OAuthSignIn(
            Users users,
            Identities identities,
            AccountService accounts,
            TransactionTemplate transactions,
            Clock clock) {
        this.users = users;
        this.identities = identities;
        this.accounts = accounts;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The user this identity signs in as, created or linked on first use. */
    User signIn(String provider, String subject, String email, boolean emailVerified) {
        try {
            return transactions.execute(status -> resolve(provider, subject, email, emailVerified));
        } catch (DataIntegrityViolationException | AccountException raced) {
            // A concurrent first sign-in linked or created it; the second attempt finds it.
            return transactions.execute(status -> resolve(provider, subject, email, emailVerified));
        }
    }

    private User resolve(String provider, String subject, String rawEmail, boolean emailVerified) {
        var linked = identities.findByProviderAndSubject(provider, subject);
        if (linked.isPresent()) {
            User user = users.findById(linked.get().userId()).orElseThrow();
            if (user.deleted()) {
                throw refused("account_deleted", "This account was deleted.");
            }
            return user;
        }
        if (!emailVerified || rawEmail == null) {
            throw refused("email_not_verified", "Your email address at this provider is not verified.");
        }
        String email;
        try {
            email = SignUp.normalizeEmail(rawEmail);
        } catch (AccountException invalid) {
            throw refused("invalid_email", "This provider did not give a usable email address.");
        }
        User user = users.findByEmail(email).orElseGet(() -> {
            // A new account: the same sign-up rules as a password sign-up (disposable domains, per-address limit).
            String address = clientAddress();
            try {
                accounts.checkSignupRules(email, address);
            } catch (AccountException refusedByRules) {
                throw refused("signup_refused", refusedByRules.getMessage());
            }
            User created = User.member(email, null, clock.instant());
            created.markEmailVerified(clock.instant());
            created.recordSignupIp(address);
            return accounts.register(created);
        });
        if (!user.emailVerified()) {
            log.info("Refused to link a {} identity to user {}, whose email was never verified", provider, user.id());
            throw refused(
                    Accounts.UNVERIFIED_ACCOUNT_ERROR,
                    "An account already uses this email address, but the address was never confirmed, so this sign-in"
                            + " cannot be linked to it.");
        }
        identities.saveAndFlush(new Identity(user.id(), provider, subject, email, clock.instant()));
        log.info("Linked {} identity to user {}", provider, user.id());
        return user;
    }

    /** The address of the browser signing in, when this runs within its request. */
    private static String clientAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest().getRemoteAddr()
                : null;
    }

    private static OAuth2AuthenticationException refused(String code, String message) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, message, null), message);
    }
}
