package dev.malipo.gateway.api;

import dev.malipo.gateway.support.WebhookTargets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A request body read field by field, so every bad input gets an error naming its field and nothing
 * unexpected is silently ignored.
 */
public final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    public static JsonBody parse(JsonMapper mapper, byte[] body, Set<String> allowedFields) {
        if (body == null || body.length == 0) {
            throw ApiException.InvalidRequest.malformed("invalid_json", null, "The request body is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.InvalidRequest.malformed("invalid_json", null, "The request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.InvalidRequest.malformed("invalid_json", null, "The request body must be a JSON object");
        }
        for (String name : root.propertyNames()) {
            if (!allowedFields.contains(name)) {
                throw new ApiException.InvalidRequest("unknown_field", name, "Unknown field '" + name + "'");
            }
        }
        return new JsonBody(root);
    }

    public String string(String field, boolean required, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) throw new ApiException.InvalidRequest("missing_field", field, "Field '" + field + "' is required");
            return null;
        }
        if (!node.isString()) {
            throw ApiException.InvalidRequest.malformed("invalid_type", field, "Field '" + field + "' must be a string");
        }
        String value = node.asString();
        if (required && value.isBlank()) {
            throw new ApiException.InvalidRequest("missing_field", field, "Field '" + field + "' must not be empty");
        }
        if (value.length() > maxLength) {
            throw new ApiException.InvalidRequest("field_too_long", field,
                    "Field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    /** An absolute http(s) URL, or null when absent and optional. */
    public java.net.URI httpUrl(String field, boolean required, int maxLength) {
        String value = string(field, required, maxLength);
        if (value == null) return null;
        try {
            java.net.URI uri = java.net.URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error
        }
        throw new ApiException.InvalidRequest("invalid_url", field, field + " must be an absolute http(s) URL");
    }

    /**
     * {@link #httpUrl}, for a URL webhooks will be sent to: also refused (422
     * webhook_url_not_allowed) where {@code targets} says webhooks may not go.
     */
    public java.net.URI webhookUrl(String field, boolean required, WebhookTargets targets) {
        java.net.URI uri = httpUrl(field, required, 2048);
        if (uri != null) {
            targets.refusedAtRegistration(uri).ifPresent(why -> {
                throw new ApiException.InvalidRequest("webhook_url_not_allowed", field, why);
            });
        }
        return uri;
    }

    /** Amounts may be sent as a JSON string ("100.50", preferred) or number; both are read exactly. */
    public BigDecimal decimal(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new ApiException.InvalidRequest("missing_field", field, "Field '" + field + "' is required");
        }
        try {
            if (node.isString()) return new BigDecimal(node.asString().trim());
            if (node.isNumber()) return node.decimalValue();
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidRequest("invalid_amount", field, "Field '" + field + "' is not a decimal number");
        }
        throw ApiException.InvalidRequest.malformed("invalid_type", field, "Field '" + field + "' must be a string or number");
    }

    /** A flat object of string values, at most {@code maxKeys} keys. */
    public Map<String, String> stringMap(String field, int maxKeys, int maxValueLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw ApiException.InvalidRequest.malformed("invalid_type", field, "Field '" + field + "' must be an object");
        }
        if (node.size() > maxKeys) {
            throw new ApiException.InvalidRequest("too_many_keys", field, "Field '" + field + "' holds at most " + maxKeys + " keys");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                throw ApiException.InvalidRequest.malformed("invalid_type", field + "." + e.getKey(), "Metadata values must be strings");
            }
            if (e.getKey().length() > 40 || e.getValue().asString().length() > maxValueLength) {
                throw new ApiException.InvalidRequest("field_too_long", field + "." + e.getKey(),
                        "Metadata keys hold at most 40 characters and values " + maxValueLength);
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    public java.util.List<String> stringList(String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) throw new ApiException.InvalidRequest("missing_field", field, "Field '" + field + "' is required");
            return java.util.List.of();
        }
        if (!node.isArray()) {
            throw ApiException.InvalidRequest.malformed("invalid_type", field, "Field '" + field + "' must be an array of strings");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw ApiException.InvalidRequest.malformed("invalid_type", field, "Field '" + field + "' must be an array of strings");
            }
            out.add(item.asString());
        }
        return out;
    }
}
