package com.imagegate.web.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The signed-in user's own account: password and deletion. */
@Controller
class SettingsController {

    private final Accounts accounts;

    SettingsController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/app/settings")
    String settings(Member member, Model model) {
        model.addAttribute("member", member);
        model.addAttribute("linkedMethods", accounts.linkedSignInMethods(member.userId()));
        return "app/settings";
    }

    @PostMapping("/app/settings/password")
    String changePassword(
            Member member,
            @RequestParam(defaultValue = "") String currentPassword,
            @RequestParam(defaultValue = "") String newPassword,
            Model model,
            HttpServletResponse response) {
        try {
            accounts.changePassword(member.userId(), currentPassword, newPassword);
            return "redirect:/app/settings?password-changed";
        } catch (AccountException refused) {
            return refuse(member, refused, model, response);
        }
    }

    @PostMapping("/app/settings/delete")
    String delete(
            Member member,
            @RequestParam(defaultValue = "") String confirmEmail,
            Model model,
            HttpServletRequest request,
            HttpServletResponse response)
            throws ServletException {
        try {
            accounts.deleteAccount(member.userId(), confirmEmail);
        } catch (AccountException refused) {
            return refuse(member, refused, model, response);
        }
        request.logout();
        return "redirect:/?account-deleted";
    }

    private String refuse(Member member, AccountException refused, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        model.addAttribute("member", member);
        model.addAttribute("linkedMethods", accounts.linkedSignInMethods(member.userId()));
        model.addAttribute("errorField", refused.field());
        model.addAttribute("errorMessage", refused.getMessage());
        return "app/settings";
    }
}
