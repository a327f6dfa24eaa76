package dev.malipo.gateway.connectors;

import dev.malipo.core.phone.Country;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.JsonBody;
import dev.malipo.gateway.merchants.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A merchant's provider credentials. The key's mode decides the account's: a test key adds test
 * accounts (emulator or provider sandbox), a live key live ones. Settings are write-only.
 */
@RestController
class ProviderAccountsController {
    private final Connectors connectors;
    private final JsonMapper json;

    ProviderAccountsController(Connectors connectors, JsonMapper json) {
        this.connectors = connectors;
        this.json = json;
    }

    @PostMapping("/v1/provider_accounts")
    ResponseEntity<Map<String, Object>> create(Caller caller, @RequestBody(required = false) byte[] body) {
        JsonBody b = JsonBody.parse(json, body, Set.of("provider", "country", "base_url", "settings"));
        String provider = b.string("provider", true, 32);
        String country = b.string("country", true, 2).toUpperCase(Locale.ROOT);
        try {
            Country.valueOf(country);
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidRequest("invalid_country", "country", "country must be KE or RW");
        }
        URI uri = b.httpUrl("base_url", true, 500);
        Map<String, String> settings = b.stringMap("settings", 40, 4000);
        ProviderAccount account = connectors.addAccount(caller.merchantId(), provider, country, caller.mode(), uri, settings);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(account));
    }

    @GetMapping("/v1/provider_accounts")
    Map<String, Object> list(Caller caller) {
        return Map.of("object", "list", "data",
                connectors.accounts(caller.merchantId(), caller.mode()).stream().map(ProviderAccountsController::view).toList(),
                "has_more", false);
    }

    private static Map<String, Object> view(ProviderAccount a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("object", "provider_account");
        v.put("provider", a.provider());
        v.put("country", a.country());
        v.put("base_url", a.baseUrl().toString());
        v.put("livemode", a.mode() == dev.malipo.gateway.merchants.Mode.LIVE);
        return v;
    }
}
