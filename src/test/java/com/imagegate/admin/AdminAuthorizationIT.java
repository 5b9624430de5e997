package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every {@code /admin/**} route, read from the request mappings so a new one cannot be forgotten: a signed-in user who
 * is not an admin gets the 403 page (not a redirect), a visitor is sent to sign in, GETs and POSTs alike (POSTs with a
 * valid CSRF token, so it is the authorization that refuses them).
 */
@MariaDbIntegrationTest(
        properties = {AdminTesting.BOOTSTRAP_EMAIL, AdminTesting.BOOTSTRAP_PASSWORD, AdminTesting.FAST_SANDBOX})
class AdminAuthorizationIT {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Route(RequestMethod method, String path) {}

    List<Route> adminRoutes() {
        List<Route> routes = new ArrayList<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            Set<String> patterns = info.getPatternValues();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : patterns) {
                if (!pattern.equals("/admin") && !pattern.startsWith("/admin/")) {
                    continue;
                }
                String path = pattern.replaceAll("\\{[^}]+}", "x_1").replace("/**", "/x_1");
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    routes.add(new Route(method, path));
                }
            }
        });
        return routes;
    }

    @Test
    void theMappingsHoldTheWholeConsole() {
        assertThat(adminRoutes())
                .contains(
                        new Route(RequestMethod.GET, "/admin"),
                        new Route(RequestMethod.GET, "/admin/workspaces/x_1"),
                        new Route(RequestMethod.POST, "/admin/workspaces/x_1/grant"),
                        new Route(RequestMethod.POST, "/admin/tasks/x_1/refund"),
                        new Route(RequestMethod.GET, "/admin/usage.csv"),
                        new Route(RequestMethod.GET, "/admin/audit"),
                        new Route(RequestMethod.GET, "/admin/jobrunr/dashboard/x_1"),
                        new Route(RequestMethod.DELETE, "/admin/jobrunr/api/x_1"),
                        new Route(RequestMethod.GET, "/admin/jobrunr/sse/x_1"))
                .hasSizeGreaterThanOrEqualTo(20)
                .allSatisfy(route ->
                        assertThat(route.method()).isIn(RequestMethod.GET, RequestMethod.POST, RequestMethod.DELETE));
    }

    @Test
    void aSignedInUserGetsTheForbiddenPageOnEveryRoute() {
        var user = ApiUsers.signUpWithKey(port, "live");
        Http http = AdminTesting.signedIn(port, user.email(), "a-good-password");
        String csrf = http.csrfToken("/app/keys");
        for (Route route : adminRoutes()) {
            var response = switch (route.method()) {
                case GET -> http.getPage(route.path());
                case DELETE -> http.call("DELETE", route.path(), Map.of("X-CSRF-TOKEN", csrf));
                default ->
                    http.post(route.path(), csrf, Map.of("reason", "x", "credits", "5", "token", "adm_12345678"));
            };
            assertThat(response.statusCode()).as(route.toString()).isEqualTo(403);
            if (route.method() == RequestMethod.GET) {
                assertThat(response.body()).as(route.toString()).contains("Not allowed", "<html");
            }
        }
        // Nothing happened: no admin action was recorded.
        assertThat(AdminTesting.admin(port).get("/admin/audit").body()).doesNotContain(user.email());
    }

    @Test
    void aVisitorIsSentToSignInOnEveryRoute() {
        Http visitor = new Http(port);
        String csrf = visitor.csrfToken("/login");
        for (Route route : adminRoutes()) {
            var response = switch (route.method()) {
                case GET -> visitor.get(route.path());
                case DELETE -> visitor.call("DELETE", route.path(), Map.of("X-CSRF-TOKEN", csrf));
                default -> visitor.post(route.path(), csrf, Map.of("reason", "x"));
            };
            assertThat(response.statusCode()).as(route.toString()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location").orElseThrow())
                    .as(route.toString())
                    .endsWith("/login");
        }
    }

    @Test
    void anAdminSeesEveryPageWithoutPathVariables() {
        Http admin = AdminTesting.admin(port);
        for (Route route : adminRoutes()) {
            if (route.method() == RequestMethod.GET && !route.path().contains("x_1")) {
                var page = admin.get(route.path());
                if (page.statusCode() == 302) {
                    // A landing address (/admin/jobrunr) that sends the admin on within the console.
                    assertThat(page.headers().firstValue("Location").orElseThrow())
                            .as(route.toString())
                            .contains("/admin/");
                } else {
                    assertThat(page.statusCode()).as(route.toString()).isEqualTo(200);
                }
            }
        }
        assertThat(admin.get("/admin/workspaces/ws_nothere").statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/tasks/task_nothere").statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/users/usr_nothere").statusCode()).isEqualTo(404);
    }
}
