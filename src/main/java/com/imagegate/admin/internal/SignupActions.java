package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.AccountException;
import com.imagegate.account.Member;
import com.imagegate.account.SignupPolicy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's changes to the sign-up rules (the abuse page): the per-network daily limit and denied e-mail domains, and
 * the networks exempt from that limit. Each runs in one transaction with its audit entry ({@link AdminAudit});
 * refusals are {@link AdminException}s that change nothing.
 */
@Service
class SignupActions {

    private final AdminAudit audit;
    private final AccountAdmin accounts;

    SignupActions(AdminAudit audit, AccountAdmin accounts) {
        this.audit = audit;
        this.accounts = accounts;
    }

    @Transactional
    void updateSignupPolicy(Member admin, String maxPerIp, String domains, String reason) {
        String why = requireReason(reason);
        int max;
        try {
            max = Integer.parseInt(maxPerIp == null ? "" : maxPerIp.strip());
        } catch (NumberFormatException notANumber) {
            throw new AdminException("Sign-ups per address per day must be a whole number (0 for no limit).");
        }
        SignupPolicy policy;
        try {
            policy = new SignupPolicy(max, SignupPolicy.parseDomains(domains));
        } catch (AccountException invalid) {
            throw new AdminException(invalid.getMessage());
        }
        SignupPolicy before = accounts.signupPolicy();
        accounts.updateSignupPolicy(policy, admin.userId());
        audit.record(
                admin,
                "signup_policy.update",
                "signup_policy",
                "signup_policy",
                null,
                describe(before),
                describe(policy),
                why,
                null);
    }

    /** Exempts a network from the per-network sign-up limit, audited; returns the network as stored. */
    @Transactional
    String allowSignupNetwork(Member admin, String addressOrPrefix, String reason) {
        String why = requireReason(reason);
        String network;
        try {
            network = accounts.allowSignupNetwork(addressOrPrefix, why, admin.userId());
        } catch (AccountException refused) {
            throw new AdminException(refused.getMessage());
        }
        audit.record(admin, "signup_network.allow", "signup_network", network, null, "limited", "allowed", why, null);
        return network;
    }

    /** Ends a network's exemption from the per-network sign-up limit, audited; returns the network. */
    @Transactional
    String removeSignupAllowance(Member admin, String addressOrPrefix, String reason) {
        String why = requireReason(reason);
        String network;
        try {
            network = accounts.removeSignupAllowance(addressOrPrefix);
        } catch (AccountException refused) {
            throw new AdminException(refused.getMessage());
        }
        audit.record(admin, "signup_network.remove", "signup_network", network, null, "allowed", "limited", why, null);
        return network;
    }

    private static String describe(SignupPolicy policy) {
        return "max " + policy.maxSignupsPerIpPerDay() + "/address/day; "
                + policy.deniedEmailDomains().size() + " denied domains: "
                + String.join(", ", policy.deniedEmailDomains());
    }
}
