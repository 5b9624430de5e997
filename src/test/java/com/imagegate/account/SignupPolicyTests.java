package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignupPolicyTests {

    @Test
    void normalizesTheListAndMatchesSubdomains() {
        var policy =
                new SignupPolicy(3, SignupPolicy.parseDomains(" Mailinator.com\n@yopmail.com, mailinator.com\n\n"));

        assertThat(policy.deniedEmailDomains()).containsExactly("mailinator.com", "yopmail.com");
        assertThat(policy.denies("a@mailinator.com")).isTrue();
        assertThat(policy.denies("a@eu.mailinator.com")).isTrue();
        assertThat(policy.denies("a@notmailinator.com")).isFalse();
        assertThat(policy.denies("a@example.com")).isFalse();
    }

    @Test
    void refusesBadValues() {
        assertThatThrownBy(() -> new SignupPolicy(-1, List.of()))
                .isInstanceOf(AccountException.class)
                .hasMessageContaining("0 (no limit)");
        assertThatThrownBy(() -> new SignupPolicy(1, List.of("not a domain")))
                .isInstanceOf(AccountException.class)
                .hasMessageContaining("is not a domain name");
        assertThatThrownBy(() -> new SignupPolicy(1, List.of("localhost"))).isInstanceOf(AccountException.class);
    }
}
