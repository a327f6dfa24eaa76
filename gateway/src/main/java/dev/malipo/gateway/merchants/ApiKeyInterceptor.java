package dev.malipo.gateway.merchants;

import dev.malipo.gateway.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** Authenticates /v1 calls by their Bearer API key; the caller is handed to controllers as {@link Caller}. */
@Component
public class ApiKeyInterceptor implements HandlerInterceptor {
    static final String ATTRIBUTE = Caller.class.getName();
    private final MerchantService merchants;

    ApiKeyInterceptor(MerchantService merchants) {
        this.merchants = merchants;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException.Authentication("missing_api_key",
                    "Send your API key as 'Authorization: Bearer sk_test_…' (or sk_live_…)");
        }
        String key = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : header.trim();
        Caller caller = merchants.authenticate(key)
                .orElseThrow(() -> new ApiException.Authentication("invalid_api_key", "The API key is not valid"));
        request.setAttribute(ATTRIBUTE, caller);
        return true;
    }
}
