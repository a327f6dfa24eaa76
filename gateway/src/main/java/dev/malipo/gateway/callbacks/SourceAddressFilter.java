package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.support.CidrBlocks;

import java.util.List;

/**
 * The optional source-address allowlist for provider callbacks (CIDR blocks or single addresses).
 * Empty means allow all, which suits dev mode; production defaults to Safaricom's documented
 * callback addresses.
 */
final class SourceAddressFilter {
    private final CidrBlocks allowed;

    SourceAddressFilter(List<String> cidrs) {
        this.allowed = CidrBlocks.parse("malipo.callbacks.allowed-cidrs", cidrs);
    }

    boolean allows(String address) {
        return allowed.isEmpty() || allowed.containsLiteral(address);
    }
}
