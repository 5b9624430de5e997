package com.imagegate.web.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.Accounts;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Forgotten passwords (a mailed single-use link) and email verification links. */
@Controller
class PasswordController {

    private final Accounts accounts;

    PasswordController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/forgot-password")
    String forgotForm() {
        return "auth/forgot-password";
    }

    @PostMapping("/forgot-password")
    String forgot(@RequestParam(defaultValue = "") String email, Model model) {
        accounts.requestPasswordReset(email);
        model.addAttribute("sent", true);
        return "auth/forgot-password";
    }

    @GetMapping("/reset-password")
    String resetForm(@RequestParam(defaultValue = "") String token, Model model) {
        model.addAttribute("token", token);
        return "auth/reset-password";
    }

    @PostMapping("/reset-password")
    String reset(
            @RequestParam(defaultValue = "") String token,
            @RequestParam(defaultValue = "") String password,
            Model model,
            HttpServletResponse response) {
        try {
            accounts.resetPassword(token, password);
            return "redirect:/login?reset";
        } catch (AccountException refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("token", token);
            model.addAttribute("errorField", refused.field());
            model.addAttribute("errorMessage", refused.getMessage());
            return "auth/reset-password";
        }
    }

    @GetMapping("/verify-email")
    String verify(@RequestParam(defaultValue = "") String token, Model model, HttpServletResponse response) {
        boolean verified = accounts.verifyEmail(token);
        if (!verified) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        model.addAttribute("verified", verified);
        return "auth/verify-email";
    }
}
