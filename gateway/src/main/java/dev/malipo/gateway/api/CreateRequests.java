package dev.malipo.gateway.api;

import jakarta.servlet.http.HttpServletRequest;

/** The requests that create a payment or payout: those the admission bound and Server-Timing apply to. */
final class CreateRequests {
    private CreateRequests() {
    }

    static boolean isCreate(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) return false;
        String path = request.getRequestURI();
        return path.equals("/v1/payments") || path.equals("/v1/payouts");
    }
}
