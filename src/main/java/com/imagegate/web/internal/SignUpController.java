package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.SignUp;
import com.imagegate.account.SignupLimitException;
import com.imagegate.referral.ReferralProperties;
import com.imagegate.referral.Referrals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Sign-up with email and password; a new user is signed in at once and lands on the dashboard. */
@Controller
class SignUpController {

    private final Accounts accounts;
    private final AccountProperties accountProperties;
    private final UserDetailsService userDetailsService;
    private final Referrals referrals;
    private final ReferralProperties referralProperties;
    private final ImagegateProperties properties;
    private final SecurityContextRepository securityContextRepository = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy securityContextHolder =
            SecurityContextHolder.getContextHolderStrategy();

    SignUpController(
            Accounts accounts,
            AccountProperties accountProperties,
            UserDetailsService userDetailsService,
            Referrals referrals,
            ReferralProperties referralProperties,
            ImagegateProperties properties) {
        this.referrals = referrals;
        this.referralProperties = referralProperties;
        this.properties = properties;
        this.accounts = accounts;
        this.accountProperties = accountProperties;
        this.userDetailsService = userDetailsService;
    }

    /**
     * The sign-up form. Opened through a referral link ({@code ?ref=<code>}, when referrals are on and the code is well
     * formed), the code is remembered in a cookie (so a provider sign-in, which leaves through the provider and comes back
     * to its callback, carries it too) and in the form's hidden field; otherwise {@code ref} is ignored.
     */
    @GetMapping("/signup")
    String form(
            @RequestParam(name = Referrals.PARAMETER, required = false) String ref,
            Model model,
            HttpServletResponse response) {
        model.addAttribute("signupCredits", accountProperties.signupCredits());
        if (referrals.enabled() && Referrals.wellFormed(ref)) {
            response.addHeader(HttpHeaders.SET_COOKIE, referralCookie(ref, referralProperties.linkMaxAge()));
            model.addAttribute("ref", ref);
            model.addAttribute("referralBonus", referralProperties.bonusCredits());
        }
        return "auth/signup";
    }

    private String referralCookie(String value, Duration maxAge) {
        return ResponseCookie.from(Referrals.COOKIE, value)
                .path("/")
                .httpOnly(true)
                .sameSite("Lax")
                .secure("https".equalsIgnoreCase(properties.baseUrl().getScheme()))
                .maxAge(maxAge)
                .build()
                .toString();
    }

    @PostMapping("/signup")
    String signUp(
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String password,
            @RequestParam(name = Referrals.PARAMETER, required = false) String ref,
            Model model,
            HttpServletRequest request,
            HttpServletResponse response) {
        try {
            SignUp signUp = new SignUp(email, password);
            var result = accounts.signUp(signUp, request.getRemoteAddr());
            if (referrals.enabled()) {
                // The link did its work (the sign-up recorded it); the next sign-up on this browser is not referred.
                response.addHeader(HttpHeaders.SET_COOKIE, referralCookie("", Duration.ZERO));
            }
            if (result.verificationRequired()) {
                model.addAttribute("email", signUp.email());
                model.addAttribute("freeCredits", accounts.freeCredits(result.userId()));
                model.addAttribute("signupCredits", accountProperties.signupCredits());
                return "auth/check-email";
            }
            signIn(signUp.email(), request, response);
            return "redirect:/app?welcome";
        } catch (AccountException refused) {
            // Too many sign-ups from this network today: 429, with the form and the reason.
            response.setStatus(
                    refused instanceof SignupLimitException
                            ? HttpStatus.TOO_MANY_REQUESTS.value()
                            : HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("signupCredits", accountProperties.signupCredits());
            if (referrals.enabled() && Referrals.wellFormed(ref)) {
                model.addAttribute("ref", ref);
                model.addAttribute("referralBonus", referralProperties.bonusCredits());
            }
            model.addAttribute("email", email.length() > 320 ? "" : email);
            model.addAttribute("errorField", refused.field());
            model.addAttribute("errorMessage", refused.getMessage());
            return "auth/signup";
        }
    }

    /** Signs the new user in: a fresh session id (no fixation), the context saved to the session. */
    private void signIn(String email, HttpServletRequest request, HttpServletResponse response) {
        var user = userDetailsService.loadUserByUsername(email);
        var authentication = UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
        var context = securityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        securityContextHolder.setContext(context);
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        securityContextRepository.saveContext(context, request, response);
    }
}
