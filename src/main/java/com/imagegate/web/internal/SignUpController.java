package com.imagegate.web.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.SignUp;
import com.imagegate.account.SignupLimitException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
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
    private final SecurityContextRepository securityContextRepository = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy securityContextHolder =
            SecurityContextHolder.getContextHolderStrategy();

    SignUpController(Accounts accounts, AccountProperties accountProperties, UserDetailsService userDetailsService) {
        this.accounts = accounts;
        this.accountProperties = accountProperties;
        this.userDetailsService = userDetailsService;
    }

    @GetMapping("/signup")
    String form(Model model) {
        model.addAttribute("signupCredits", accountProperties.signupCredits());
        return "auth/signup";
    }

    @PostMapping("/signup")
    String signUp(
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String password,
            Model model,
            HttpServletRequest request,
            HttpServletResponse response) {
        try {
            SignUp signUp = new SignUp(email, password);
            var result = accounts.signUp(signUp, request.getRemoteAddr());
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
