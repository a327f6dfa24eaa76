package dev.malipo.gateway.support;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where webhooks may not be sent: addresses in {@code malipo.webhooks.blocked-cidrs}. A webhook URL
 * is the merchant's to choose, and the gateway POSTs to it from inside the operator's network and
 * records each answer's status for the merchant to read — without a limit any merchant could make
 * the gateway probe the machine it runs on (loopback) or the cloud's metadata service (link-local).
 *
 * <p>Checked twice: when a URL is registered, for an address literal or a localhost name (no DNS
 * on the request path), and before every attempt, for whatever the host resolves to then. The
 * attempt's own connection resolves the name again; the JDK keeps a resolved name for 30 s, so
 * both nearly always see the same answer, but a name whose answer changes between the two (DNS
 * rebinding) is not ruled out — block private ranges at the network too where merchants are
 * outside parties. Redirects are never followed, so a refused address cannot be reached that way.
 */
@Component
public final class WebhookTargets {
    static final String SETTING = "malipo.webhooks.blocked-cidrs";
    /** What may be an IPv4 literal ("127.0.0.1", "2130706433": the JDK reads both) or is an IPv6 one, in brackets. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|\\[[0-9a-fA-F:.%a-zA-Z]+]");

    private final CidrBlocks blocked;

    @Autowired
    WebhookTargets(MalipoProperties properties) {
        this(CidrBlocks.parse(SETTING, properties.webhooks().blockedCidrs()));
    }

    WebhookTargets(CidrBlocks blocked) {
        this.blocked = blocked;
    }

    /**
     * Why {@code url} may not be registered as a webhook URL, if it may not: its host is an address
     * literal or "localhost" (the hosts file, not DNS) in a blocked block. Other names are checked
     * when sent to.
     */
    public Optional<String> refusedAtRegistration(URI url) {
        String host = url.getHost();
        if (blocked.isEmpty() || host == null) return Optional.empty();
        String h = host.toLowerCase(Locale.ROOT);
        boolean resolvesWithoutDns = LITERAL.matcher(h).matches() || h.equals("localhost");
        return resolvesWithoutDns ? refused(host) : Optional.empty();
    }

    /**
     * Why no attempt may be sent to {@code url}, if none may: its host resolves to an address in a
     * blocked block. A name that does not resolve is left to the attempt, which fails on it itself.
     */
    public Optional<String> refusedBeforeSending(URI url) {
        String host = url.getHost();
        if (blocked.isEmpty() || host == null) return Optional.empty();
        return refused(host);
    }

    private Optional<String> refused(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        for (InetAddress a : addresses) {
            if (blocked.contains(a)) {
                String address = a.getHostAddress();
                String what = address.equals(host) ? "webhook address " + address : "webhook host " + host + " resolves to " + address;
                return Optional.of(what + ", an address this gateway does not send webhooks to (" + SETTING + ")");
            }
        }
        return Optional.empty();
    }
}
