package com.imagegate.web.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.Member;
import com.imagegate.account.Teams;
import com.imagegate.account.WorkspaceRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Team workspaces: create, members and roles, invitations by email. */
@Controller
class TeamController {

    private final Teams teams;
    private final CurrentMember currentMember;

    TeamController(Teams teams, CurrentMember currentMember) {
        this.teams = teams;
        this.currentMember = currentMember;
    }

    @GetMapping("/app/members")
    String members(Member member, Model model) {
        model.addAttribute("member", member);
        model.addAttribute(
                "members", teams.members(member.userId(), member.workspace().id()));
        model.addAttribute(
                "invitations",
                member.canManageWorkspace() && !member.workspace().personal()
                        ? teams.invitations(member.userId(), member.workspace().id())
                        : List.of());
        model.addAttribute("roles", WorkspaceRole.values());
        return "team/members";
    }

    @PostMapping("/app/workspaces")
    String create(
            Member member,
            @RequestParam(defaultValue = "") String name,
            HttpServletRequest request,
            RedirectAttributes redirect) {
        try {
            String id = teams.createWorkspace(member.userId(), name);
            currentMember.select(request, id);
            redirect.addFlashAttribute("noticeMessage", "Workspace created. Invite your team below.");
        } catch (AccountException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/members";
    }

    @PostMapping("/app/members/invite")
    String invite(
            Member member,
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String role,
            RedirectAttributes redirect) {
        return act(
                redirect,
                "Invitation sent to " + email.strip() + ".",
                () -> teams.invite(
                        member.userId(),
                        member.workspace().id(),
                        email,
                        parseRole(role).orElse(null)));
    }

    @PostMapping("/app/members/{userId}/role")
    String changeRole(
            Member member,
            @PathVariable String userId,
            @RequestParam(defaultValue = "") String role,
            RedirectAttributes redirect) {
        return act(
                redirect,
                "Role changed.",
                () -> teams.changeRole(
                        member.userId(),
                        member.workspace().id(),
                        userId,
                        parseRole(role).orElse(null)));
    }

    @PostMapping("/app/members/{userId}/remove")
    String remove(Member member, @PathVariable String userId, RedirectAttributes redirect) {
        return act(
                redirect,
                "Member removed.",
                () -> teams.removeMember(member.userId(), member.workspace().id(), userId));
    }

    @PostMapping("/app/invitations/{invitationId}/revoke")
    String revoke(Member member, @PathVariable String invitationId, RedirectAttributes redirect) {
        return act(
                redirect,
                "Invitation withdrawn.",
                () -> teams.revokeInvitation(member.userId(), member.workspace().id(), invitationId));
    }

    @GetMapping("/invitations/accept")
    String acceptForm(@RequestParam(defaultValue = "") String token, Member member, Model model) {
        model.addAttribute("token", token);
        model.addAttribute("member", member);
        return "team/accept";
    }

    @PostMapping("/invitations/accept")
    String accept(
            @RequestParam(defaultValue = "") String token,
            Member member,
            Model model,
            HttpServletRequest request,
            HttpServletResponse response) {
        try {
            String workspaceId = teams.acceptInvitation(member.userId(), token);
            currentMember.select(request, workspaceId);
            return "redirect:/app";
        } catch (AccountException refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("token", token);
            model.addAttribute("member", member);
            model.addAttribute("errorMessage", refused.getMessage());
            return "team/accept";
        }
    }

    private static String act(RedirectAttributes redirect, String done, Runnable action) {
        try {
            action.run();
            redirect.addFlashAttribute("noticeMessage", done);
        } catch (AccountException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/members";
    }

    private static Optional<WorkspaceRole> parseRole(String role) {
        return Arrays.stream(WorkspaceRole.values())
                .filter(r -> r.name().equalsIgnoreCase(role.strip()))
                .findFirst();
    }
}
