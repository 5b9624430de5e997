package com.imagegate.web.internal;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.account.SignInThrottle;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.api.CreationRateLimit;
import com.imagegate.billing.BillingProperties;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.billing.CustomTerms;
import com.imagegate.billing.PlanProperties;
import com.imagegate.billing.Plans;
import com.imagegate.generation.Gallery;
import com.imagegate.generation.GalleryPage;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.Pricing;
import com.imagegate.generation.RequestField;
import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskPage;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.web.OperationsProperties;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Every htmx endpoint of the studio and gallery answers a fragment to htmx and a whole page (or a redirect) to a plain
 * browser, and an htmx request without a session is told to load the sign-in page.
 */
@WebMvcTest(controllers = {StudioController.class, GalleryController.class})
@Import({
    WebSecurityConfiguration.class,
    CurrentMember.class,
    MemberArgumentResolver.class,
    WebMvcConfiguration.class,
    HtmxFragmentsTests.Settings.class
})
class HtmxFragmentsTests {

    static final String EMAIL = "ada@example.com";
    static final WorkspaceSummary WORKSPACE = new WorkspaceSummary("ws_1", "Ada's workspace", true, false);

    @TestConfiguration
    @EnableConfigurationProperties({
        ImagegateProperties.class,
        StorageProperties.class,
        BillingProperties.class,
        OperationsProperties.class
    })
    static class Settings {
        @Bean
        Catalog catalog() {
            return Mockito.mock(Catalog.class);
        }

        @Bean
        Plans plans() {
            return workspaceId ->
                    new CurrentPlan("free", "Free", 10, 2, null, false, false, null, null, CustomTerms.NONE, 10, 2);
        }

        /** The studio's creation window, never spent here. */
        @Bean
        CreationRateLimit creationRateLimit() {
            return (workspaceId, perMinute) ->
                    new CreationRateLimit.Window(true, perMinute, perMinute - 1, java.time.Duration.ofSeconds(30));
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    Catalog catalog;

    @MockitoBean
    Accounts accounts;

    @MockitoBean
    SignInThrottle signInThrottle;

    @MockitoBean
    Generations generations;

    @MockitoBean
    Gallery gallery;

    @MockitoBean
    Pricing pricing;

    @BeforeEach
    void signedIn() {
        when(accounts.member(eq(EMAIL), any()))
                .thenReturn(Optional.of(
                        new Member("usr_1", EMAIL, Role.USER, WORKSPACE, WorkspaceRole.OWNER, List.of(WORKSPACE))));
        when(catalog.free()).thenReturn(new PlanProperties.Free("Free", 10, 2));
        when(pricing.enhancementCredits()).thenReturn(10);
        when(pricing.creditsPerImage(any())).thenReturn(10);
        when(pricing.enhancementCredits(any())).thenReturn(10L);
        when(pricing.creditsPerImage(any(), any())).thenReturn(10L);
        when(generations.list(anyString(), any())).thenReturn(new TaskPage(List.of(), null));
    }

    static RequestPostProcessor ada() {
        return user(EMAIL);
    }

    static TaskView task(String id, TaskStatus status) {
        var images = status == TaskStatus.SUCCEEDED
                ? List.of(new TaskView.Image("http://localhost:8080/files/a.png?sig=x", 1024, 1024))
                : List.<TaskView.Image>of();
        return new TaskView(
                id,
                status,
                "gpt-image-2",
                Instant.parse("2026-11-25T10:00:00Z"),
                10,
                1,
                "1024x1024",
                "auto",
                "png",
                null,
                images,
                null,
                false,
                null,
                null,
                null,
                TaskKind.GENERATION,
                "A lighthouse at dawn",
                null);
    }

    @Test
    void aCardIsAFragmentForHtmxAndTheStudioPageOtherwise() throws Exception {
        when(generations.get("ws_1", "task_1")).thenReturn(task("task_1", TaskStatus.PROCESSING));

        mvc.perform(get("/app/studio/tasks/task_1").with(ada()).header("HX-Request", "true"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"task-task_1\"")))
                .andExpect(content().string(containsString("hx-get=\"/app/studio/tasks/task_1\"")))
                .andExpect(content().string(not(containsString("<html"))));
        mvc.perform(get("/app/studio/tasks/task_1").with(ada()))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/app/studio#task-task_1"));
    }

    @Test
    void aFinishedCardStopsPollingAndOffersItsActions() throws Exception {
        when(generations.get("ws_1", "task_2")).thenReturn(task("task_2", TaskStatus.SUCCEEDED));

        mvc.perform(get("/app/studio/tasks/task_2").with(ada()).header("HX-Request", "true"))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("hx-trigger"))))
                .andExpect(content().string(containsString("src=\"/files/a.png?sig=x\"")))
                .andExpect(content().string(containsString("Use as reference")))
                .andExpect(content().string(containsString("Enhance (10 credits)")))
                .andExpect(content().string(containsString("Generate again")));
    }

    @Test
    void anotherWorkspacesCardIsNotFound() throws Exception {
        when(generations.get("ws_1", "task_x"))
                .thenThrow(new GenerationException(GenerationException.Reason.NOT_FOUND, "No such task."));

        mvc.perform(get("/app/studio/tasks/task_x").with(ada()).header("HX-Request", "true"))
                .andExpect(status().isNotFound())
                .andExpect(content().string(containsString("No such task in this workspace.")));
    }

    @Test
    void generatingAnswersACardToHtmxAndRedirectsAPlainForm() throws Exception {
        when(generations.accept(any(), any())).thenReturn(task("task_3", TaskStatus.PENDING));

        mvc.perform(post("/app/studio")
                        .with(ada())
                        .with(csrf())
                        .header("HX-Request", "true")
                        .param("prompt", "A lighthouse")
                        .param("n", "1"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"task-task_3\"")))
                .andExpect(content().string(not(containsString("<html"))));
        mvc.perform(post("/app/studio").with(ada()).with(csrf()).param("prompt", "A lighthouse"))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/app/studio#task-task_3"));
    }

    @Test
    void aRefusalGoesNextToTheFormWithABuyLinkOrIntoTheWholePage() throws Exception {
        when(generations.accept(any(), any()))
                .thenThrow(new GenerationException(
                        GenerationException.Reason.INSUFFICIENT_QUOTA, "Not enough credits: this costs 10."));

        mvc.perform(post("/app/studio")
                        .with(ada())
                        .with(csrf())
                        .header("HX-Request", "true")
                        .param("prompt", "A lighthouse"))
                .andExpect(status().isOk())
                .andExpect(header().string("HX-Retarget", "#problems"))
                .andExpect(content().string(containsString("Not enough credits")))
                .andExpect(content().string(containsString("href=\"/pricing\"")))
                .andExpect(content().string(not(containsString("<html"))));
        mvc.perform(post("/app/studio").with(ada()).with(csrf()).param("prompt", "A lighthouse"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("<html")))
                .andExpect(content().string(containsString("Not enough credits")));
    }

    @Test
    void aValueTheGenerationRulesRefuseIsNamedAsTheStudiosField() throws Exception {
        when(generations.accept(any(), any()))
                .thenThrow(new InvalidRequestException(
                        RequestField.INPUTS,
                        1,
                        "invalid_value",
                        names -> names.name(RequestField.INPUTS, 1) + ": no such image in this workspace."));

        mvc.perform(post("/app/studio")
                        .with(ada())
                        .with(csrf())
                        .header("HX-Request", "true")
                        .param("prompt", "A lighthouse")
                        .param("reference_result", "task_1:0", "task_2:0"))
                .andExpect(status().isOk())
                .andExpect(header().string("HX-Retarget", "#problems"))
                .andExpect(content().string(containsString("references[1]: no such image in this workspace.")));
        mvc.perform(post("/app/studio")
                        .with(ada())
                        .with(csrf())
                        .header("HX-Request", "true")
                        .param("prompt", "A lighthouse")
                        .param("n", "12"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("n must be an integer from 1 to 10.")));
    }

    @Test
    void aFormWithoutItsCsrfTokenChangesNothing() throws Exception {
        mvc.perform(post("/app/studio").with(ada()).header("HX-Request", "true").param("prompt", "A lighthouse"))
                .andExpect(status().isForbidden());
        verify(generations, never()).accept(any(), any());
    }

    @Test
    void theGalleryIsAPageResultsOrTheNextItems() throws Exception {
        var item = new GalleryPage.Item(
                task("task_4", TaskStatus.SUCCEEDED),
                "A lighthouse at dawn",
                List.of(new GalleryPage.Image(0, "http://localhost:8080/files/a.png?sig=x", 1024, 1024)));
        when(gallery.page(eq("ws_1"), any())).thenReturn(new GalleryPage(List.of(item), "cursor-2"));

        mvc.perform(get("/app/gallery").with(ada()))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<html")))
                .andExpect(content().string(containsString("id=\"results\"")));
        mvc.perform(get("/app/gallery").with(ada()).header("HX-Request", "true").param("q", "light"))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("<html"))))
                .andExpect(content().string(containsString("id=\"results\"")))
                .andExpect(content().string(containsString("/app/gallery?q=light&amp;after=cursor-2")));
        mvc.perform(get("/app/gallery").with(ada()).header("HX-Request", "true").param("after", "cursor-1"))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("id=\"results\""))))
                .andExpect(content().string(containsString("id=\"image-task_4-0\"")));
    }

    @Test
    void aBadFilterIsExplainedNotACrash() throws Exception {
        mvc.perform(get("/app/gallery").with(ada()).header("HX-Request", "true").param("from", "yesterday"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("From must be a date like 2026-11-25.")));
        verify(gallery, never()).page(anyString(), any());
    }

    @Test
    void deletingAnImageRemovesItsTileOrRedirects() throws Exception {
        mvc.perform(post("/app/gallery/task_4/images/0/delete")
                        .with(ada())
                        .with(csrf())
                        .header("HX-Request", "true"))
                .andExpect(status().isOk())
                .andExpect(content().string(emptyString()));
        doThrow(new GenerationException(GenerationException.Reason.NOT_FOUND, "No such image."))
                .when(gallery)
                .deleteImage("ws_1", "task_9", 0);
        mvc.perform(post("/app/gallery/task_9/images/0/delete").with(ada()).with(csrf()))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/app/gallery"));
        verify(gallery).deleteImage("ws_1", "task_4", 0);
        verify(gallery, never()).deleteImage(eq("ws_2"), anyString(), anyInt());
    }

    @Test
    void anHtmxRequestWithoutASessionIsSentToSignIn() throws Exception {
        mvc.perform(get("/app/studio/tasks/task_1").header("HX-Request", "true"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("HX-Redirect", "/login"));
        mvc.perform(get("/app/gallery")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
    }
}
