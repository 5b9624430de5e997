package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiEdgeTests {

    @Test
    void bearerTokenIsTheSingleWordAfterTheScheme() {
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Bearer ig_live_abc")).hasValue("ig_live_abc");
        assertThat(ApiKeyAuthenticationFilter.bearerToken("bearer  ig_live_abc "))
                .hasValue("ig_live_abc");
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Bearer")).isEmpty();
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Bearer ")).isEmpty();
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Basic dXNlcjpwYXNz")).isEmpty();
        assertThat(ApiKeyAuthenticationFilter.bearerToken("ig_live_abc")).isEmpty();
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Bearer a b")).isEmpty();
        assertThat(ApiKeyAuthenticationFilter.bearerToken("Bearer " + "a".repeat(600)))
                .isEmpty();
    }

    @Test
    void saneIncomingRequestIdsAreKeptOthersReplaced() {
        assertThat(RequestIdFilter.requestId("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
        assertThat(RequestIdFilter.requestId("3f2b8c1e-6f1a-4c1e-9d7e-2b8f0c9a1d2e"))
                .isEqualTo("3f2b8c1e-6f1a-4c1e-9d7e-2b8f0c9a1d2e");
        assertThat(RequestIdFilter.requestId(null)).startsWith("req_");
        assertThat(RequestIdFilter.requestId("")).startsWith("req_");
        assertThat(RequestIdFilter.requestId("x".repeat(129))).startsWith("req_");
        assertThat(RequestIdFilter.requestId("evil\r\nSet-Cookie: a=b")).startsWith("req_");
        assertThat(RequestIdFilter.requestId("<script>")).startsWith("req_");
        assertThat(RequestIdFilter.requestId(null)).isNotEqualTo(RequestIdFilter.requestId(null));
    }

    @Test
    void genericErrorsHaveTheOpenAiShapeAndNoDetails() {
        var notFound = ApiError.forStatus(404, "GET", "/api/v1/nope").error();
        assertThat(notFound.type()).isEqualTo("invalid_request_error");
        assertThat(notFound.code()).isEqualTo("not_found");
        assertThat(notFound.message()).contains("GET /api/v1/nope");
        assertThat(notFound.param()).isNull();

        var server = ApiError.forStatus(503, "GET", "/api/v1/account").error();
        assertThat(server.type()).isEqualTo("server_error");
        assertThat(server.message()).contains("x-request-id");
        assertThat(ApiError.forStatus(405, "POST", "/x").error().code()).isEqualTo("method_not_allowed");
        assertThat(ApiError.forStatus(418, "GET", "/x").error().code()).isEqualTo("invalid_request");
    }
}
