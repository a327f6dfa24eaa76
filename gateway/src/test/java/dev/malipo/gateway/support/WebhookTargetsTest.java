package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookTargetsTest {
    private final WebhookTargets defaults = new WebhookTargets(
            CidrBlocks.parse(WebhookTargets.SETTING, MalipoProperties.Webhooks.DEFAULT_BLOCKED_CIDRS));

    /** Every way of writing this machine or the metadata service that the JDK's client would connect to. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hooks", "http://127.0.0.2/", "http://2130706433/",
            "http://0.0.0.0:5432/", "http://[::1]/hooks", "http://[::ffff:127.0.0.1]/", "http://[0:0:0:0:0:0:0:0]/",
            "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://localhost:8080/", "http://LOCALHOST/"})
    void theDefaultsRefuseLoopbackThisHostAndLinkLocal(String url) {
        assertThat(defaults.refusedAtRegistration(URI.create(url))).as(url).hasValueSatisfying(why ->
                assertThat(why).contains("malipo.webhooks.blocked-cidrs"));
        assertThat(defaults.refusedBeforeSending(URI.create(url))).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://196.201.214.200/hooks", "http://10.1.2.3/hooks", "http://192.168.1.10/",
            "http://[2001:db8::1]/", "http://128.0.0.1/"})
    void otherAddressesMayBeUsed(String url) {
        assertThat(defaults.refusedAtRegistration(URI.create(url))).as(url).isEmpty();
        assertThat(defaults.refusedBeforeSending(URI.create(url))).as(url).isEmpty();
    }

    @Test
    void namesAreLeftToTheAttemptAtRegistrationAndUnresolvableOnesToTheClient() {
        // No DNS on the request path: a name other than localhost is checked when sent to.
        assertThat(defaults.refusedAtRegistration(URI.create("https://hooks.example.invalid/x"))).isEmpty();
        // A name that does not resolve fails in the HTTP client on its own, with its own error.
        assertThat(defaults.refusedBeforeSending(URI.create("https://hooks.example.invalid/x"))).isEmpty();
    }

    @Test
    void privateRangesCanBeAddedAndAnEmptyListSendsAnywhere() {
        WebhookTargets strict = new WebhookTargets(CidrBlocks.parse(WebhookTargets.SETTING, List.of("10.0.0.0/8", "fc00::/7")));
        assertThat(strict.refusedAtRegistration(URI.create("http://10.9.8.7/"))).isPresent();
        assertThat(strict.refusedAtRegistration(URI.create("http://[fd12::1]/"))).isPresent();
        assertThat(strict.refusedAtRegistration(URI.create("http://127.0.0.1/"))).isEmpty();
        WebhookTargets none = new WebhookTargets(CidrBlocks.parse(WebhookTargets.SETTING, List.of()));
        assertThat(none.refusedBeforeSending(URI.create("http://127.0.0.1/"))).isEmpty();
    }

    @Test
    void aNameInTheSettingIsRefusedAtStartUp() {
        assertThatThrownBy(() -> CidrBlocks.parse(WebhookTargets.SETTING, List.of("metadata.google.internal")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malipo.webhooks.blocked-cidrs");
        // Spelt only with hex digits, but a name all the same: refused, not looked up.
        assertThatThrownBy(() -> CidrBlocks.parse(WebhookTargets.SETTING, List.of("cafe.bad/16")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cafe.bad");
    }

    /** application.yml's default (what production starts with) is the one the code falls back to. */
    @Test
    void applicationYmlCarriesTheSameDefault() throws IOException {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        Matcher m = Pattern.compile("blocked-cidrs: \\$\\{MALIPO_WEBHOOKS_BLOCKED_CIDRS:([^}]*)}").matcher(yml);
        assertThat(m.find()).isTrue();
        assertThat(Arrays.asList(m.group(1).split(","))).isEqualTo(MalipoProperties.Webhooks.DEFAULT_BLOCKED_CIDRS);
    }
}
