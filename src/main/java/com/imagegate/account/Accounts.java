package com.imagegate.account;

import java.util.List;
import java.util.Optional;

/** The account module's public service: sign-up, who is signed in, and workspaces. */
public interface Accounts {

    /**
     * The OAuth2 error code of a provider sign-in refused because an existing account has the same email but never
     * verified it (linking would share that account with whoever registered it).
     */
    String UNVERIFIED_ACCOUNT_ERROR = "account_email_not_verified";

    /**
     * Creates a user with a personal workspace. When mail is configured the new user must verify their email before
     * signing in, and a verification link is sent; the free credits then come with the confirmation. Either way they
     * are given once per person ({@link #freeCredits(String)}).
     *
     * @return the new user and whether they can sign in now
     * @throws AccountException when the email is already registered
     */
    SignUpResult signUp(SignUp signUp);

    /**
     * As {@link #signUp(SignUp)}, from this client address: it is recorded with the user, and the sign-up rules
     * ({@link SignupPolicy}: disposable-email domains, sign-ups per address per day) are checked first.
     *
     * @throws AccountException when the email is already registered or the rules refuse the sign-up
     */
    SignUpResult signUp(SignUp signUp, String clientAddress);

    /** @param userId the new user @param verificationRequired true when a verification link was mailed instead */
    record SignUpResult(String userId, boolean verificationRequired) {}

    /**
     * Whether the user's personal workspace got the free sign-up credits, and if not, why. They are given once per
     * person ({@link Mailboxes#person}), and where mail is configured only once the address is confirmed.
     */
    FreeCredits freeCredits(String userId);

    /** What became of a user's free sign-up credits. */
    enum FreeCredits {
        /** Granted to this user. */
        GRANTED,
        /** Granted when they confirm their email address (mail is configured and it is not confirmed yet). */
        AWAITING_VERIFICATION,
        /** Not granted: another account with the same mailbox (the same person) already received them. */
        GIVEN_TO_ANOTHER_ACCOUNT,
        /** None: free credits are off ({@code imagegate.accounts.signup-credits=0}), or the user is unknown. */
        NONE
    }

    /** True when outgoing mail is configured (SMTP); without it, accounts are active at once and mail goes to the log. */
    boolean mailConfigured();

    /** Mails a single-use reset link if an account has this email; says nothing either way (no account probing). */
    void requestPasswordReset(String email);

    /**
     * Sets a new password with a reset link's token; the token then stops working.
     *
     * @throws AccountException on an invalid, used or expired token, or a password the rules refuse
     */
    void resetPassword(String token, String newPassword);

    /**
     * Confirms an email address with a verification link's token, and gives the free credits if this person has not had
     * them yet; false when the token is invalid or spent.
     */
    boolean verifyEmail(String token);

    /**
     * Changes a signed-in user's password.
     *
     * @throws AccountException when the current password is wrong or the new one is refused
     */
    void changePassword(String userId, String currentPassword, String newPassword);

    /**
     * Deletes the user's account (soft delete) and publishes {@link UserDeleted}.
     *
     * @throws AccountException when the confirmation does not match their email
     */
    void deleteAccount(String userId, String confirmEmail);

    /**
     * The signed-in user (by the email their session carries) in the workspace they selected, or in their personal
     * workspace when the selection is missing or no longer theirs.
     */
    Optional<Member> member(String email, String selectedWorkspaceId);

    /**
     * True when this signed-in name (an email) belongs to a live, enabled account whose platform role is admin right
     * now in the database. Checked on every admin request, so a demoted admin's open session loses the console at once.
     */
    boolean isActiveAdmin(String email);

    /** A workspace by id, if it exists. */
    Optional<WorkspaceSummary> workspace(String workspaceId);

    /**
     * Who the members of a workspace are, as the anti-abuse rules compare people: each live member's
     * mailbox ({@link Mailboxes#person}) and the address they signed up from. Empty for an unknown workspace.
     */
    List<Person> people(String workspaceId);

    /** @param mailbox {@link Mailboxes#person} of the address @param signupIp the sign-up address, when recorded */
    record Person(String userId, String mailbox, String signupIp) {}

    /** The providers (registration ids, e.g. {@code google}) this user can sign in with besides a password. */
    List<String> linkedSignInMethods(String userId);
}
