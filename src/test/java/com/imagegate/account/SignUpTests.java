package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
