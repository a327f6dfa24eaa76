package dev.malipo.gateway.payments;

import java.util.List;
import java.util.Map;

/**
 * A callback this instance parked, as it came (headers lower-cased, the body's bytes): kept in
 * memory so that the transaction storing the initiation's answer can decide it without reading it
 * back. The stored row is what counts; the copy is used only after a check that the row is still
 * parked.
 */
public record ParkedCallback(String id, Map<String, List<String>> headers, byte[] body, String channel) {
}
