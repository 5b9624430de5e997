package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.SignUp;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Password sign-in: looks a user up by (case-insensitive) email. */
@Service
class AccountUserDetailsService implements UserDetailsService {

    private final Users users;
    private final Mailer mailer;

    AccountUserDetailsService(Users users, Mailer mailer) {
        this.users = users;
        this.mailer = mailer;
    }

    @Override
    public UserDetails loadUserByUsername(String email) {
        String normalized;
        try {
            normalized = SignUp.normalizeEmail(email);
        } catch (AccountException notAnEmail) {
            throw new UsernameNotFoundException("unknown user");
        }
        return users.findByEmail(normalized)
                .filter(user -> user.passwordHash() != null && !user.deleted())
                .map(user -> User.withUsername(user.email())
                        .password(user.passwordHash())
                        .authorities(user.role().authority())
                        .disabled(!user.enabled() || (mailer.isConfigured() && !user.emailVerified()))
                        .build())
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }
}
