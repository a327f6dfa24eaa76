package dev.malipo.gateway.merchants;

import dev.malipo.core.crypto.Hmac;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.JsonBody;
import dev.malipo.gateway.support.MalipoProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Operator endpoint: creates a merchant and shows its keys once. Enabled only when
 * malipo.security.admin-token (MALIPO_ADMIN_TOKEN) is set.
 */
@RestController
class AdminController {
    private final MerchantService merchants;
    private final MalipoProperties properties;
    private final JsonMapper json;

    AdminController(MerchantService merchants, MalipoProperties properties, JsonMapper json) {
        this.merchants = merchants;
        this.properties = properties;
        this.json = json;
    }

    @PostMapping("/admin/merchants")
    ResponseEntity<Map<String, Object>> create(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @RequestBody(required = false) byte[] body) {
        String token = properties.security().adminToken();
        if (token == null || token.isBlank()) {
            throw new ApiException.Forbidden("admin_disabled", "Set MALIPO_ADMIN_TOKEN to enable the admin API");
        }
        String given = auth == null ? "" : auth.replaceFirst("(?i)^Bearer\\s+", "");
        if (!Hmac.constantTimeEquals(token, given)) {
            throw new ApiException.Authentication("invalid_admin_token", "The admin token is not valid");
        }
        String name = JsonBody.parse(json, body, Set.of("name")).string("name", true, 200);
        MerchantService.NewMerchant m = merchants.create(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.merchantId());
        out.put("object", "merchant");
        out.put("name", name);
        out.put("test_key", m.testKey());
        out.put("live_key", m.liveKey());
        out.put("webhook_secret", m.webhookSecret());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }
}
