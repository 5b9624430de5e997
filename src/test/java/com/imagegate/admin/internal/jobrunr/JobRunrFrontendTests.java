package com.imagegate.admin.internal.jobrunr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JobRunr build this version ships, moved under {@code /admin/jobrunr}: no absolute path of JobRunr's own server
 * is left in its page or its scripts (a JobRunr upgrade that quotes its paths another way fails here first), and
 * nothing outside the build can be read through it.
 */
class JobRunrFrontendTests {

    private final JobRunrFrontend frontend = new JobRunrFrontend(getClass().getClassLoader());

    @Test
    void thePageAndItsScriptsCallOnlyPathsUnderTheAdminPrefix() {
        String page = text(frontend.asset(""));
        assertThat(page)
                .contains("src=\"/admin/jobrunr/dashboard/static/js/index.")
                .doesNotContain("\"/dashboard");
        var scripts = Pattern.compile("src=\"/admin/jobrunr/dashboard/([^\"]+\\.js)\"")
                .matcher(page)
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(2);
        StringBuilder all = new StringBuilder();
        for (String script : scripts) {
            JobRunrFrontend.Asset asset = frontend.asset(script);
            assertThat(asset.page()).as(script).isFalse();
            assertThat(asset.type().toString()).contains("javascript");
            all.append(text(asset));
        }
        for (String quote : new String[] {"\"", "'", "`"}) {
            assertThat(all).doesNotContain(quote + "/api/", quote + "/sse/", quote + "/dashboard");
        }
        assertThat(all)
                .contains(
                        "\"/admin/jobrunr/api/jobs",
                        "\"/admin/jobrunr/api/servers",
                        "\"/admin/jobrunr/sse/jobstats",
                        "\"/admin/jobrunr/dashboard/jobs");
        // Calls to JobRunr's own servers on the internet are left as they are (the page's policy blocks them).
        assertThat(all).contains("https://api.jobrunr.io/api/");
    }

    @Test
    void routesGetThePageAndNoPathLeavesTheBuild() {
        assertThat(frontend.asset("jobs").page()).isTrue();
        assertThat(frontend.asset("recurring-jobs/").page()).isTrue();
        assertThat(frontend.asset("../../../../../../application.yaml").page()).isTrue();
        assertThat(frontend.asset("..%2F..%2Fapplication.yaml").page()).isTrue();
        assertThat(frontend.asset("/org/jobrunr/dashboard/JobRunrApiHandler.class")
                        .page())
                .isTrue();
        assertThat(frontend.asset("favicon.ico").page()).isFalse();
    }

    @Test
    void rewritingLeavesOtherTextAlone() {
        assertThat(JobRunrFrontend.rewrite("fetch(\"/api/jobs\");a=\"/apiary\";b='/sse/x';c=\"/v1/api/\""))
                .isEqualTo("fetch(\"/admin/jobrunr/api/jobs\");a=\"/apiary\";b='/admin/jobrunr/sse/x';c=\"/v1/api/\"");
    }

    private static String text(JobRunrFrontend.Asset asset) {
        return new String(asset.body(), StandardCharsets.UTF_8);
    }
}
