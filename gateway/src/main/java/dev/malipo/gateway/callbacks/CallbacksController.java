package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.support.MalipoProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Provider callbacks in. The path token (one per payment, 128 random bits) says which payment it is
 * about; the body is stored raw, and decided where possible, in one transaction, and only then is
 * the provider answered — so an acknowledged callback is never lost, and the answer stays fast
 * because nothing here waits on anyone but the database (see {@link CallbackProcessor}).
 */
@RestController
class CallbacksController {
    private static final Logger log = LoggerFactory.getLogger(CallbacksController.class);
    /** Headers worth keeping for signature checks and forensics; credentials are never stored. */
    private static final Set<String> DROPPED_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");
    private static final Map<String, Object> ACK = Map.of("ResultCode", 0, "ResultDesc", "Accepted");
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");

    private final CallbackProcessor processor;
    private final SourceAddressFilter sources;
    private final MalipoProperties.Callbacks config;

    CallbacksController(CallbackProcessor processor, MalipoProperties properties) {
        this.processor = processor;
        this.config = properties.callbacks();
        this.sources = new SourceAddressFilter(config.allowedCidrs());
    }

    @PostMapping(path = "/callbacks/{token}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> result(@PathVariable String token, HttpServletRequest request) throws IOException {
        return receive(token, "result", request);
    }

    @PostMapping(path = "/callbacks/{token}/timeout", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> timeout(@PathVariable String token, HttpServletRequest request) throws IOException {
        return receive(token, "timeout", request);
    }

    private ResponseEntity<?> receive(String token, String channel, HttpServletRequest request) throws IOException {
        String source = sourceAddress(request);
        if (!sources.allows(source)) {
            log.warn("callback refused from {}: not in malipo.callbacks.allowed-cidrs", source);
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("ResultCode", 1, "ResultDesc", "Forbidden"));
        }
        long declared = request.getContentLengthLong(); // -1 when chunked
        if (declared > config.maxBodyBytes()) {
            return tooLarge();
        }
        byte[] body = readCapped(request.getInputStream(), declared, config.maxBodyBytes());
        if (body == null) {
            return tooLarge();
        }
        if (!TOKEN.matcher(token).matches()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("ResultCode", 1, "ResultDesc", "Unknown callback"));
        }
        if (!processor.receive(new CallbackProcessor.Incoming(token, channel, source, headers(request), body))) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("ResultCode", 1, "ResultDesc", "Unknown callback"));
        }
        return ResponseEntity.ok(ACK);
    }

    private ResponseEntity<?> tooLarge() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(Map.of("ResultCode", 1, "ResultDesc", "Body too large"));
    }

    private String sourceAddress(HttpServletRequest request) {
        if (config.trustForwardedFor()) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].trim();
            }
        }
        return request.getRemoteAddr();
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!DROPPED_HEADERS.contains(lower)) {
                out.put(lower, Collections.list(request.getHeaders(name)));
            }
        }
        return out;
    }

    /**
     * Reads at most {@code cap} bytes; null when the body is larger (chunked bodies have no length up
     * front). A declared length sizes the read: asked for cap + 1 bytes, readNBytes starts with a
     * 16 KiB buffer (JDK 25) for a callback of a few hundred bytes, one per callback.
     */
    private static byte[] readCapped(InputStream in, long declaredLength, int cap) throws IOException {
        int limit = declaredLength >= 0 && declaredLength <= cap ? (int) declaredLength + 1 : cap + 1;
        byte[] data = in.readNBytes(limit);
        return data.length > cap ? null : data;
    }
}
