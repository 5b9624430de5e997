package com.imagegate.admin.internal;

import com.imagegate.account.MailOutbox;
import com.imagegate.web.shell.ShellPage;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The outbox: mail kept instead of sent while no SMTP server is configured (reset, verification and invitation links),
 * for admins to pass on. Admins only, like everything under {@code /admin}.
 */
@Controller
@ShellPage
class AdminMailController {

    static final int SHOWN = 100;

    private final MailOutbox outbox;

    AdminMailController(MailOutbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/admin/mail")
    String mail(Model model) {
        model.addAttribute("mails", outbox.recent(SHOWN));
        return "admin/mail";
    }
}
