package com.imagegate.api.internal;

import jakarta.servlet.http.HttpServletRequest;

/** The public API's URL space: {@code /api/**} (v1) and {@code /v1/**} (the OpenAI drop-in). */
final class ApiPaths {

    static final String[] PATTERNS = {"/api/**", "/v1/**"};

    private ApiPaths() {}

    static boolean isApi(HttpServletRequest request) {
        String path = path(request);
        return path.equals("/api") || path.startsWith("/api/") || path.equals("/v1") || path.startsWith("/v1/");
    }

    static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
