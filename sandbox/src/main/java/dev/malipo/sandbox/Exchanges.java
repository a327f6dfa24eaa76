package dev.malipo.sandbox;

import com.sun.net.httpserver.HttpExchange;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Small helpers for JDK HttpServer exchanges: capped body reads and JSON answers. */
public final class Exchanges {
    public static final int MAX_BODY = 1_048_576;
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private Exchanges() {
    }

    /** The request body, or null when it exceeds {@link #MAX_BODY}. */
    public static byte[] body(HttpExchange ex) throws IOException {
        return capped(ex.getRequestBody(), ex.getRequestHeaders().getFirst("Content-Length"), MAX_BODY);
    }

    /**
     * At most {@code cap} bytes of {@code in}; null when there are more. A declared length sizes the
     * read: asked for cap + 1 bytes, readNBytes starts with a 16 KiB buffer (JDK 25) for a request
     * of a few hundred bytes — one per STK push, a measurable share of the emulator's CPU under
     * load. The declared length is only a size hint: a body longer than it is still read to the
     * cap (HttpServer itself stops at the declared length), a missing or odd one reads to the cap.
     */
    static byte[] capped(InputStream in, String declaredLength, int cap) throws IOException {
        int limit = cap + 1;
        if (declaredLength != null) {
            try {
                long declared = Long.parseLong(declaredLength.trim());
                if (declared >= 0 && declared <= cap) limit = (int) declared + 1;
            } catch (NumberFormatException ignored) {
                // read to the cap
            }
        }
        byte[] data = in.readNBytes(limit);
        if (data.length == limit && limit <= cap) {
            // More than declared (not from HttpServer, which stops at the length): read on to the cap.
            byte[] rest = in.readNBytes(cap + 1 - limit);
            byte[] all = Arrays.copyOf(data, data.length + rest.length);
            System.arraycopy(rest, 0, all, data.length, rest.length);
            data = all;
        }
        return data.length > cap ? null : data;
    }

    public static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    public static void empty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }
}
