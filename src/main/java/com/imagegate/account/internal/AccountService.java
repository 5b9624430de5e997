package com.imagegate.account.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.FreeCreditsGranted;
import com.imagegate.account.Mailboxes;
import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.account.SessionsRevoked;
import com.imagegate.account.SignUp;
import com.imagegate.account.UserDeleted;
import com.imagegate.account.UserSignedUp;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class AccountService implements Accounts {

    static final String EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";
    static final String BAD_LINK = "This link is invalid, already used or expired. Ask for a new one.";
    static final Duration RESET_LINK_VALIDITY = Duration.ofHours(1);
    static final Duration VERIFICATION_LINK_VALIDITY = Duration.ofDays(2);
    static final int MAX_RESET_MAILS_PER_HOUR = 3;

    private final Users users;
    private final Workspaces workspaces;
    private final WorkspaceSummaries summaries;
    private final Memberships memberships;
    private final AccountTokens tokens;
    private final Identities identities;
    private final PasswordEncoder passwordEncoder;
    private final Mailer mailer;
    private final ApplicationEventPublisher events;
    private final ImagegateProperties properties;
    private final AccountProperties accountProperties;
    private final Credits credits;
    private final Clock clock;
    private final SignupPolicies signupPolicies;
    private final FreeCreditClaims freeCreditClaims;

    AccountService(
            Users users,
            Workspaces workspaces,
            Memberships memberships,
            AccountTokens tokens,
            Identities identities,
            PasswordEncoder passwordEncoder,
            Mailer mailer,
            ApplicationEventPublisher events,
            ImagegateProperties properties,
            AccountProperties accountProperties,
            Credits credits,
            Clock clock,
            SignupPolicies signupPolicies,
            WorkspaceSummaries summaries,
            FreeCreditClaims freeCreditClaims) {
        this.signupPolicies = signupPolicies;
        this.freeCreditClaims = freeCreditClaims;
        this.summaries = summaries;
        this.users = users;
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.tokens = tokens;
        this.identities = identities;
        this.passwordEncoder = passwordEncoder;
        this.mailer = mailer;
        this.events = events;
        this.properties = properties;
        this.accountProperties = accountProperties;
        this.credits = credits;
        this.clock = clock;
    }

    @Override
    public boolean mailConfigured() {
        return mailer.isConfigured();
    }

    @Override
    @Transactional
    public SignUpResult signUp(SignUp signUp) {
        return signUp(signUp, null);
    }

    @Override
    @Transactional
    public SignUpResult signUp(SignUp signUp, String clientAddress) {
        // Hashed first: the rules' per-network count row stays locked until this transaction ends.
        String passwordHash = passwordEncoder.encode(signUp.password());
        signupPolicies.check(signUp.email(), clientAddress, clock.instant());
        if (users.findByEmail(signUp.email()).isPresent()) {
            throw new AccountException("email", EMAIL_TAKEN);
        }
        User user = User.member(signUp.email(), passwordHash, clock.instant());
        user.recordSignupIp(clientAddress);
        register(user);
        if (!mailer.isConfigured()) {
            return new SignUpResult(user.id(), false);
        }
        String token = issueToken(user, AccountToken.Purpose.EMAIL_VERIFICATION, VERIFICATION_LINK_VALIDITY);
        mailer.send(
                user.email(),
                "Confirm your email for Imagegate",
                "Welcome to Imagegate!\n\nConfirm your email address to start using your account:\n"
                        + link("/verify-email?token=" + token)
                        + "\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this mail.");
        return new SignUpResult(user.id(), true);
    }

    /** The sign-up rules for a new account from this address; throws {@link AccountException} when they refuse it. */
    void checkSignupRules(String normalizedEmail, String clientAddress) {
        signupPolicies.check(normalizedEmail, clientAddress, clock.instant());
    }

    /**
     * Inserts the user (the unique email index settles races between concurrent sign-ups), gives them a personal
     * workspace they own. Runs in the caller's transaction. The free credits come now when the address needs no
     * confirmation (no mail configured, or already confirmed: a provider's verified email, the bootstrap admin), else
     * with the confirmation ({@link #confirmEmail}).
     */
    User register(User user) {
        try {
            users.saveAndFlush(user);
        } catch (DataIntegrityViolationException raced) {
            throw new AccountException("email", EMAIL_TAKEN);
        }
        Workspace personal = workspaces.save(Workspace.personalFor(user, clock.instant()));
        memberships.save(new Membership(personal.id(), user.id(), WorkspaceRole.OWNER, clock.instant()));
        events.publishEvent(new UserSignedUp(
                user.id(), personal.id(), Mailboxes.person(user.email()), user.signupIp(), clock.instant()));
        if (user.emailVerified() || !mailer.isConfigured()) {
            grantFreeCredits(user, personal.id());
        }
        return user;
    }

    /**
     * Marks the user's address confirmed (a verification link, a reset link, a provider's verified email) and, the first
     * time, gives the free credits if this person has not had them. Runs in the caller's transaction.
     */
    void confirmEmail(User user) {
        if (user.emailVerified()) {
            return;
        }
        user.markEmailVerified(clock.instant());
        if (!user.deleted()) {
            workspaces.findPersonal(user.id()).ifPresent(personal -> grantFreeCredits(user, personal.id()));
        }
    }

    /**
     * The free credits, once per person: the user's mailbox ({@link Mailboxes#person}: no +tag, no Gmail dots) is
     * claimed in {@code free_credit_claims}, whose primary key lets exactly one of any parallel sign-ups of one person
     * hold it; only its holder is granted. The ledger reference {@code signup:<user id>} is unique too, so a retried or
     * replayed grant never counts twice. Runs in the caller's transaction: no claim without its grant and user.
     */
    private void grantFreeCredits(User user, String personalWorkspaceId) {
        if (accountProperties.signupCredits() <= 0) {
            return;
        }
        if (!freeCreditClaims.claim(Mailboxes.person(user.email()), user.id(), clock.instant())) {
            return;
        }
        credits.grant(new Grant(
                personalWorkspaceId,
                accountProperties.signupCredits(),
                LotSource.SIGNUP,
                clock.instant().plus(accountProperties.signupCreditsValidity()),
                "signup:" + user.id(),
                "system",
                "Free sign-up credits"));
        events.publishEvent(new FreeCreditsGranted(user.id(), personalWorkspaceId));
    }

    @Override
    @Transactional(readOnly = true)
    public FreeCredits freeCredits(String userId) {
        var user = users.findById(userId);
        if (user.isEmpty() || accountProperties.signupCredits() <= 0) {
            return FreeCredits.NONE;
        }
        var holder = freeCreditClaims.owner(Mailboxes.person(user.get().email()));
        if (holder.isPresent()) {
            return holder.get().equals(userId) ? FreeCredits.GRANTED : FreeCredits.GIVEN_TO_ANOTHER_ACCOUNT;
        }
        return mailer.isConfigured() && !user.get().emailVerified()
                ? FreeCredits.AWAITING_VERIFICATION
                : FreeCredits.NONE;
    }

    @Override
    @Transactional
    public void requestPasswordReset(String email) {
        String normalized;
        try {
            normalized = SignUp.normalizeEmail(email);
        } catch (AccountException notAnEmail) {
            return;
        }
        var user = users.findByEmail(normalized).filter(u -> !u.deleted());
        if (user.isEmpty()
                || tokens.countByUserIdAndPurposeAndCreatedAtAfter(
                                user.get().id(),
                                AccountToken.Purpose.PASSWORD_RESET,
                                clock.instant().minus(Duration.ofHours(1)))
                        >= MAX_RESET_MAILS_PER_HOUR) {
            return;
        }
        String token = issueToken(user.get(), AccountToken.Purpose.PASSWORD_RESET, RESET_LINK_VALIDITY);
        mailer.send(
                user.get().email(),
                "Reset your Imagegate password",
                "Someone asked to reset the password of your Imagegate account.\n\nChoose a new password here:\n"
                        + link("/reset-password?token=" + token)
                        + "\n\nThe link works once and expires in 1 hour. If it was not you, ignore this mail:"
                        + " your password stays as it is.");
    }

    @Override
    @Transactional
    public void resetPassword(String token, String newPassword) {
        AccountToken stored = usableToken(token, AccountToken.Purpose.PASSWORD_RESET)
                .orElseThrow(() -> new AccountException("token", BAD_LINK));
        User user = users.findById(stored.userId())
                .filter(u -> !u.deleted())
                .orElseThrow(() -> new AccountException("token", BAD_LINK));
        SignUp.checkPassword(newPassword, user.email());
        if (tokens.use(stored.id(), clock.instant()) != 1) {
            throw new AccountException("token", BAD_LINK);
        }
        tokens.useAll(user.id(), AccountToken.Purpose.PASSWORD_RESET, clock.instant());
        user.changePasswordHash(passwordEncoder.encode(newPassword), clock.instant());
        // Whoever could read the reset mail controls the address.
        confirmEmail(user);
        // Whoever knew the old password (or held a session) is signed out everywhere.
        events.publishEvent(new SessionsRevoked(user.id(), user.email(), "password-reset"));
    }

    @Override
    @Transactional
    public boolean verifyEmail(String token) {
        var stored = usableToken(token, AccountToken.Purpose.EMAIL_VERIFICATION);
        if (stored.isEmpty() || tokens.use(stored.get().id(), clock.instant()) != 1) {
            return false;
        }
        users.findById(stored.get().userId()).ifPresent(this::confirmEmail);
        return true;
    }

    @Override
    @Transactional
    public void changePassword(String userId, String currentPassword, String newPassword) {
        User user = users.findById(userId).filter(u -> !u.deleted()).orElseThrow();
        if (user.passwordHash() != null
                && (currentPassword == null || !passwordEncoder.matches(currentPassword, user.passwordHash()))) {
            throw new AccountException("currentPassword", "Your current password is not right.");
        }
        SignUp.checkPassword(newPassword, user.email());
        user.changePasswordHash(passwordEncoder.encode(newPassword), clock.instant());
        // Every other session ends; the one that changed it stays signed in.
        events.publishEvent(new SessionsRevoked(user.id(), user.email(), "password-changed"));
    }

    @Override
    @Transactional
    public void deleteAccount(String userId, String confirmEmail) {
        User user = users.findById(userId).filter(u -> !u.deleted()).orElseThrow();
        if (confirmEmail == null || !user.email().equalsIgnoreCase(confirmEmail.strip())) {
            throw new AccountException("confirmEmail", "Type your email address exactly to confirm.");
        }
        String personalWorkspaceId =
                workspaces.findPersonal(user.id()).map(Workspace::id).orElse(null);
        String email = user.email();
        user.delete(clock.instant());
        events.publishEvent(new SessionsRevoked(user.id(), email, "account-deleted"));
        events.publishEvent(new UserDeleted(user.id(), personalWorkspaceId));
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Member> member(String email, String selectedWorkspaceId) {
        String normalized;
        try {
            normalized = SignUp.normalizeEmail(email);
        } catch (AccountException notAnEmail) {
            return Optional.empty();
        }
        return users.findByEmail(normalized).filter(user -> !user.deleted()).flatMap(user -> {
            var all = workspaces.findAllOfMember(user.id());
            if (all.isEmpty()) {
                return Optional.empty();
            }
            Workspace current = all.stream()
                    .filter(w -> w.id().equals(selectedWorkspaceId))
                    .findFirst()
                    .orElse(all.getFirst());
            WorkspaceRole role = memberships
                    .findByWorkspaceIdAndUserId(current.id(), user.id())
                    .orElseThrow()
                    .role();
            return Optional.of(new Member(
                    user.id(),
                    user.email(),
                    user.role(),
                    current.summary(),
                    role,
                    all.stream().map(Workspace::summary).toList()));
        });
    }

    @Override
    @Transactional(readOnly = true)
    public boolean isActiveAdmin(String email) {
        String normalized;
        try {
            normalized = SignUp.normalizeEmail(email);
        } catch (AccountException notAnEmail) {
            return false;
        }
        return users.findByEmail(normalized)
                .filter(user -> !user.deleted() && user.enabled() && user.role() == Role.ADMIN)
                .isPresent();
    }

    /**
     * On every API call (the suspension check): one indexed read, deliberately outside any transaction, reused for
     * {@code imagegate.auth-cache-ttl}.
     */
    @Override
    public Optional<WorkspaceSummary> workspace(String workspaceId) {
        return workspaceId == null ? Optional.empty() : summaries.find(workspaceId);
    }

    @Override
    @Transactional(readOnly = true)
    public List<Person> people(String workspaceId) {
        if (workspaceId == null) {
            return List.of();
        }
        return memberships.findByWorkspaceId(workspaceId).stream()
                .flatMap(membership -> users.findById(membership.userId()).stream())
                // A deleted user's address is gone (replaced by a placeholder shared by all deleted users).
                .filter(user -> !user.deleted())
                .map(user -> new Person(user.id(), Mailboxes.person(user.email()), user.signupIp()))
                .toList();
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> linkedSignInMethods(String userId) {
        return identities.findByUserId(userId).stream()
                .map(Identity::provider)
                .sorted()
                .toList();
    }

    private String issueToken(User user, AccountToken.Purpose purpose, Duration validity) {
        String token = Secrets.newToken();
        tokens.save(new AccountToken(
                purpose, user.id(), Secrets.sha256(token), clock.instant().plus(validity), clock.instant()));
        return token;
    }

    private Optional<AccountToken> usableToken(String token, AccountToken.Purpose purpose) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Optional.empty();
        }
        return tokens.findByTokenHashAndPurpose(Secrets.sha256(token), purpose)
                .filter(t -> t.usableAt(clock.instant()));
    }

    String link(String pathAndQuery) {
        return properties.baseUrlString() + pathAndQuery;
    }
}
