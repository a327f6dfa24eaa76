package dev.malipo.gateway.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A setting's list of address blocks — CIDR blocks or single addresses, IPv4 or IPv6 — and whether
 * an address falls in one of them. Entries must be address literals: a name in the list would
 * make reading the setting depend on DNS, so it is refused at start-up instead.
 */
public final class CidrBlocks {
    /** An IPv4 literal (digits and dots) or an IPv6 one (hex digits with colons); anything else is a name. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F.]*:[0-9a-fA-F:.]*");

    private record Block(byte[] network, int prefix) {
    }

    private final List<Block> blocks;

    private CidrBlocks(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * @param setting named in the error, so that a bad entry points at the setting to fix
     * @throws IllegalStateException when an entry is not an address or CIDR block
     */
    public static CidrBlocks parse(String setting, List<String> entries) {
        return new CidrBlocks(entries.stream().map(String::trim).filter(s -> !s.isEmpty()).map(e -> block(setting, e)).toList());
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /**
     * Whether {@code address}, given as text (a peer's address, a forwarded-for value), is an
     * address literal in one of the blocks. Anything else — a name included — is not: it is never
     * looked up.
     */
    public boolean containsLiteral(String address) {
        if (address == null || !LITERAL.matcher(address).matches()) return false;
        try {
            return contains(InetAddress.getByName(address)); // a literal: no DNS
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] ip = address.getAddress();
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

    private static Block block(String setting, String entry) {
        String[] parts = entry.split("/", 2);
        try {
            if (!LITERAL.matcher(parts[0]).matches()) throw new IllegalArgumentException("not a literal");
            byte[] network = InetAddress.getByName(parts[0]).getAddress(); // a literal: no DNS
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (prefix < 0 || prefix > network.length * 8) throw new IllegalArgumentException("bad prefix");
            return new Block(network, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": '" + entry + "' is not an address or CIDR block");
        }
    }
}
