package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.web.shell.ShellPage;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page's header needs: who is signed in, if anyone, and their workspaces for the switcher. Only for the
 * controllers that render pages, this module's own and the other modules' {@link ShellPage} ones (the admin
 * console's): API calls and image files skip the lookup.
 */
@ControllerAdvice(basePackageClasses = LayoutModelAdvice.class, annotations = ShellPage.class)
class LayoutModelAdvice {

    private final CurrentMember currentMember;

    LayoutModelAdvice(CurrentMember currentMember) {
        this.currentMember = currentMember;
    }

    @ModelAttribute("currentMember")
    Member currentMember(HttpServletRequest request) {
        return currentMember.find(request).orElse(null);
    }

    @ModelAttribute("signedInAs")
    String signedInAs(HttpServletRequest request) {
        var principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }
}
