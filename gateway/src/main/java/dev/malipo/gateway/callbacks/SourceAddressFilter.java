package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.support.CidrBlocks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The optional source-address allowlist for provider callbacks (CIDR blocks or single addresses).
 * Empty means allow all, which suits dev mode; production defaults to Safaricom's documented
 * callback addresses.
 */
final class SourceAddressFilter {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final CidrBlocks allowed;

    SourceAddressFilter(List<String> cidrs) {
        this.allowed = CidrBlocks.parse("malipo.callbacks.allowed-cidrs", cidrs);
    }

    boolean allows(String address) {
        if (allowed.isEmpty()) return true;
        // Only literals: getByName on a literal never touches DNS.
        if (address == null || !IP_LITERAL.matcher(address).matches()) {
            return false;
        }
        try {
            return allowed.contains(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
