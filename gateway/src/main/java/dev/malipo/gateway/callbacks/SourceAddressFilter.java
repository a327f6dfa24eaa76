package dev.malipo.gateway.callbacks;

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

    private record Block(byte[] network, int prefix) {
    }

    private final List<Block> blocks;

    SourceAddressFilter(List<String> cidrs) {
        this.blocks = cidrs.stream().map(String::trim).filter(s -> !s.isEmpty()).map(SourceAddressFilter::parse).toList();
    }

    boolean allows(String address) {
        if (blocks.isEmpty()) return true;
        byte[] ip;
        // Only literals: getByName on a literal never touches DNS.
        if (address == null || !IP_LITERAL.matcher(address).matches()) {
            return false;
        }
        try {
            ip = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network.length == ip.length && matches(b.network, ip, b.prefix)) return true;
        }
        return false;
    }

    private static boolean matches(byte[] network, byte[] ip, int prefix) {
        int fullBytes = prefix / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (network[i] != ip[i]) return false;
        }
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xFF << (8 - rest);
        return (network[fullBytes] & mask) == (ip[fullBytes] & mask);
    }

    private static Block parse(String cidr) {
        String[] parts = cidr.split("/", 2);
        try {
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (prefix < 0 || prefix > network.length * 8) throw new IllegalArgumentException("bad prefix");
            return new Block(network, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalStateException("malipo.callbacks.allowed-cidrs: '" + cidr + "' is not an address or CIDR block");
        }
    }
}
