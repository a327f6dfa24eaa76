package dev.malipo.gateway.payments;

import dev.malipo.gateway.api.ApiException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** An opaque position in a newest-first list: the (created_at, id) of the last row seen. */
record PageCursor(Instant createdAt, String id) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static PageCursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            return new PageCursor(Instant.parse(parts[0]), parts[1]);
        } catch (RuntimeException e) {
            throw ApiException.InvalidRequest.malformed("invalid_cursor", "cursor", "The cursor is not one Malipo gave out");
        }
    }
}
