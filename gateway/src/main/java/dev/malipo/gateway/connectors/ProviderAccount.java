package dev.malipo.gateway.connectors;

import dev.malipo.gateway.merchants.Mode;

import java.net.URI;

/** One set of provider credentials of a merchant (a Daraja short code or till, say). */
public record ProviderAccount(String id, String merchantId, String provider, String country, Mode mode, URI baseUrl) {
}
