package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.generation.Gallery;
import com.imagegate.generation.GalleryQuery;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The gallery: the workspace's images, newest first, searchable and filterable, 24 tasks a page. The same URL answers
 * the whole page, the results alone (htmx filter changes) or the next page's items (htmx infinite scroll).
 */
@Controller
class GalleryController {

    static final int PAGE_SIZE = 24;

    private final Gallery gallery;
    private final ImagegateProperties properties;

    GalleryController(Gallery gallery, ImagegateProperties properties) {
        this.gallery = gallery;
        this.properties = properties;
    }

    @GetMapping("/app/gallery")
    String gallery(
            Member member,
            @RequestParam(defaultValue = "") String q,
            @RequestParam(defaultValue = "") String status,
            @RequestParam(defaultValue = "") String size,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            @RequestParam(defaultValue = "") String after,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        var filters = new Filters(q.strip(), status, size, from, to);
        model.addAttribute("filters", filters);
        model.addAttribute(
                "statuses",
                Arrays.stream(TaskStatus.values()).map(TaskStatus::wireValue).toList());
        model.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        model.addAttribute("files", new StudioController.Files(properties.baseUrlString()));
        try {
            var page = gallery.page(member.workspace().id(), filters.query(after, PAGE_SIZE));
            model.addAttribute("items", page.items());
            model.addAttribute("nextUrl", page.nextCursor() == null ? null : filters.url(page.nextCursor()));
        } catch (IllegalArgumentException invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errorMessage", invalid.getMessage());
            model.addAttribute("items", List.of());
            model.addAttribute("nextUrl", null);
        }
        if (htmx == null) {
            return "gallery/gallery";
        }
        return after.isBlank() ? "gallery/gallery :: results" : "gallery/gallery :: page";
    }

    @PostMapping("/app/gallery/{taskId}/images/{index}/delete")
    String delete(
            Member member,
            @PathVariable String taskId,
            @PathVariable int index,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            RedirectAttributes redirect) {
        try {
            gallery.deleteImage(member.workspace().id(), taskId, index);
        } catch (GenerationException notFound) {
            if (htmx != null) {
                // Gone either way: its place on the page is removed too.
                return "gallery/gallery :: gone";
            }
            redirect.addFlashAttribute("errorMessage", "That image is not in this workspace's gallery any more.");
            return "redirect:/app/gallery";
        }
        if (htmx != null) {
            return "gallery/gallery :: gone";
        }
        redirect.addFlashAttribute("notice", "Image deleted.");
        return "redirect:/app/gallery";
    }

    /** The filters as typed, turned into a query (a bad value is a message for the person, not a crash). */
    record Filters(String q, String status, String size, String from, String to) {

        GalleryQuery query(String after, int limit) {
            TaskStatus taskStatus = status.isBlank() ? null : parseStatus(status);
            ImageSize imageSize = size.isBlank() ? null : parseSize(size);
            LocalDate fromDay = day(from, "From");
            LocalDate toDay = day(to, "To");
            if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
                throw new IllegalArgumentException("The end date is before the start date.");
            }
            try {
                return new GalleryQuery(
                        q, taskStatus, imageSize, fromDay, toDay, after.isBlank() ? null : after, limit);
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        /** This page's URL with a cursor: what the next page is fetched from. */
        String url(String after) {
            var uri = UriComponentsBuilder.fromPath("/app/gallery");
            if (!q.isBlank()) uri.queryParam("q", q);
            if (!status.isBlank()) uri.queryParam("status", status);
            if (!size.isBlank()) uri.queryParam("size", size);
            if (!from.isBlank()) uri.queryParam("from", from);
            if (!to.isBlank()) uri.queryParam("to", to);
            return uri.queryParam("after", after).encode().build().toUriString();
        }

        private static TaskStatus parseStatus(String value) {
            return Arrays.stream(TaskStatus.values())
                    .filter(s -> s.wireValue().equals(value))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Unknown status: choose one from the list."));
        }

        private static ImageSize parseSize(String value) {
            return ImageSize.parse(value)
                    .orElseThrow(() -> new IllegalArgumentException("Unknown size: choose one from the list."));
        }

        private static LocalDate day(String value, String label) {
            if (value.isBlank()) {
                return null;
            }
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(label + " must be a date like 2026-11-25.", e);
            }
        }
    }
}
