package com.imagegate.account;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What operators (platform admins) may see and change about users and workspaces: search, suspension, platform
 * roles, sign-up statistics and the sign-up abuse rules. The admin console calls it; it writes its own audit log.
 */
public interface AccountAdmin {

    /** Users whose email contains the text (case-insensitive), or whose id is the text; newest first. */
    List<UserRecord> findUsers(String text, int limit);

    /** Workspaces whose name contains the text (case-insensitive), or whose id is the text; newest first. */
    List<WorkspaceRecord> findWorkspaces(String text, int limit);

    Optional<UserRecord> user(String userId);

    Optional<WorkspaceRecord> workspaceRecord(String workspaceId);

    /** Every member of a workspace, owners first. */
    List<WorkspaceMember> members(String workspaceId);

    /** The workspaces a user belongs to. */
    List<WorkspaceRecord> workspacesOf(String userId);

    /**
     * Suspends or restores a workspace: its API keys are refused with 403 {@code account_suspended} and the studio
     * says why.
     *
     * @return whether it was suspended before
     * @throws AccountException when there is no such workspace
     */
    boolean setSuspended(String workspaceId, boolean suspended);

    /**
     * Gives a user the platform role. An admin may promote anyone and demote any admin but the last one.
     *
     * @return the role they had before
     * @throws AccountException when the user does not exist or is deleted, or the last admin would be demoted
     */
    Role setRole(String userId, Role role);

    /** Users who signed up in {@code [from, to)}. */
    long signups(Instant from, Instant to);

    /** Sign-ups per UTC day, days without any left out. */
    List<DailyCount> dailySignups(LocalDate from, LocalDate to);

    /** The addresses with the most sign-ups since {@code since}, the most first. */
    List<IpSignups> signupAddresses(Instant since, int limit);

    /** Personal workspaces of the users who signed up from this address, newest first. */
    List<WorkspaceRecord> workspacesFromAddress(String address, int limit);

    /** The sign-up rules in force (the admins' setting, else the configured defaults). */
    SignupPolicy signupPolicy();

    /** Stores new sign-up rules; they apply to the next sign-up on every node. */
    void updateSignupPolicy(SignupPolicy policy, String actorUserId);

    /** The networks exempted from the per-network sign-up limit, newest first. */
    List<SignupAllowance> signupAllowances();

    /**
     * Exempts a network from the per-network sign-up limit.
     *
     * @param addressOrPrefix an IPv4 address, an IPv6 address (its /64 is allowed) or an IPv6 /64 prefix
     * @return the network as stored ({@code 203.0.113.7}, {@code 2001:db8:1:2::/64})
     * @throws AccountException when the text is not an IP address or /64 prefix, or the network is already allowed
     */
    String allowSignupNetwork(String addressOrPrefix, String reason, String actorUserId);

    /**
     * Ends a network's exemption.
     *
     * @throws AccountException when the network has none
     */
    String removeSignupAllowance(String addressOrPrefix);

    /**
     * @param network an IPv4 address or an IPv6 /64 prefix
     * @param createdBy the admin's user id
     */
    record SignupAllowance(String network, String reason, String createdBy, Instant createdAt) {}

    /**
     * @param signupIp the address the account was created from, or null (created before it was recorded, or by a
     *     provider sign-in)
     */
    record UserRecord(
            String id,
            String email,
            Role role,
            boolean emailVerified,
            boolean deleted,
            String signupIp,
            Instant createdAt) {}

    record WorkspaceRecord(
            String id,
            String name,
            boolean personal,
            boolean suspended,
            String createdBy,
            String creatorEmail,
            String creatorSignupIp,
            Instant createdAt) {}

    record DailyCount(LocalDate day, long count) {}

    record IpSignups(String address, long signups, Instant last) {}
}
