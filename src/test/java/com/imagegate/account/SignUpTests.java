package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SignUpTests {

    @Test
    void emailIsTrimmedAndLowerCased() {
        assertThat(new SignUp("  Ada.Lovelace@Example.ORG ", "analytical-engine").email())
                .isEqualTo("ada.lovelace@example.org");
    }

    @Test
    void unicodeEmailIsNormalizedToOneForm() {
        String decomposed = "jose\u0301@example.com";
        assertThat(new SignUp(decomposed, "long-enough-pw").email()).isEqualTo("jos\u00e9@example.com");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "plainaddress",
                "@example.com",
                "a@b",
                "a b@example.com",
                "a@exa mple.com",
                "a@@example.com",
                "x@example.com\r\nBcc: victim@example.com",
                "'; drop table users; --@example.com",
                "<script>@x.y"
            })
    void notAnEmailIsRefusedWithAMessageAboutTheEmail(String email) {
        assertThatThrownBy(() -> new SignUp(email, "long-enough-pw"))
                .isInstanceOfSatisfying(
                        AccountException.class, e -> assertThat(e.field()).isEqualTo("email"))
                .hasMessageContaining("email");
    }

    @Test
    void overlongEmailIsRefused() {
        String email = "a".repeat(64) + "@" + "b".repeat(190) + ".com";
        assertThatThrownBy(() -> new SignUp(email, "long-enough-pw")).isInstanceOf(AccountException.class);
    }

    @Test
    void shortPasswordIsRefused() {
        assertThatThrownBy(() -> new SignUp("a@example.com", "1234567"))
                .isInstanceOfSatisfying(
                        AccountException.class, e -> assertThat(e.field()).isEqualTo("password"))
                .hasMessageContaining("at least 8");
    }

    @Test
    void passwordLongerThanBcryptReadsIsRefusedRatherThanCut() {
        assertThat(new SignUp("a@example.com", "x".repeat(72)).password()).hasSize(72);
        assertThatThrownBy(() -> new SignUp("a@example.com", "x".repeat(73))).hasMessageContaining("72");
        // 25 three-byte characters = 75 bytes
        assertThatThrownBy(() -> new SignUp("a@example.com", "\u20ac".repeat(25)))
                .hasMessageContaining("72");
    }

    @Test
    void passwordMustNotBeTheEmail() {
        assertThatThrownBy(() -> new SignUp("someone@example.com", "SOMEONE@example.com"))
                .hasMessageContaining("email address");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(new SignUp("a@example.com", "secret-password").toString()).doesNotContain("secret-password");
    }

    @ParameterizedTest
    @CsvSource({
        "a+1@x.test, a@x.test",
        "A@x.test, a@x.test",
        "a@x.test, a@x.test",
        "A+Promo+2@X.Test, a@x.test",
        "a.b@x.test, a.b@x.test",
        "a.b@gmail.com, ab@gmail.com",
        "ab@gmail.com, ab@gmail.com",
        "A.B+tag@GoogleMail.com, ab@gmail.com",
        "a.b@sub.gmail.com, a.b@sub.gmail.com",
        "+only@x.test, +only@x.test"
    })
    void freeCreditsAreKeyedByTheMailboxAnAddressDeliversTo(String email, String person) {
        assertThat(Mailboxes.person(email)).isEqualTo(person);
    }

    @ParameterizedTest
    @CsvSource({
        "203.0.113.7, 203.0.113.7",
        "' 203.0.113.7 ', 203.0.113.7",
        "::ffff:203.0.113.7, 203.0.113.7",
        "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 2001:db8:1:2::/64",
        "2001:db8:1:2::1, 2001:db8:1:2::/64",
        "2001:DB8:1:2::/64, 2001:db8:1:2::/64",
        "[2001:db8:1:2::9], 2001:db8:1:2::/64",
        "fe80::1%eth0, fe80:0:0:0::/64",
        "0:0:0:0:0:0:0:1, 0:0:0:0::/64"
    })
    void signUpsAreCountedPerIpv4AddressOrIpv6Slash64(String address, String network) {
        assertThat(SignupPolicy.network(address)).isEqualTo(network);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "localhost", "999.1.1.1", "1.2.3", "2001:db8::/48", ":::", "1.2.3.4/32"})
    void whatIsNotAnIpAddressHasNoNetwork(String address) {
        assertThat(SignupPolicy.network(address)).isNull();
    }

    @Test
    void signUpsPerNetworkAreLimitedToThreeADayByDefault() {
        var bound = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("imagegate.accounts", AccountProperties.class);
        assertThat(bound.signupsPerIpPerDay()).isEqualTo(3);
    }
}
