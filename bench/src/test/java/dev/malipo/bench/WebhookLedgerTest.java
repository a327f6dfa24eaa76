package dev.malipo.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookLedgerTest {
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    /** openssl: printf '%s' '1795514400.{"a":1}' | openssl dgst -sha256 -hmac whsec_test */
    private static final String SIGNED = "t=1795514400,v1=cf405185a1746225f150f210bfb5e1cda38fb9ab50ddeebf124d1ab7f5bc15f6";

    private final WebhookLedger ledger = new WebhookLedger("whsec_test");

    @Test
    void theDocumentedSignatureVerifies() {
        assertThat(ledger.verifies(SIGNED, BODY)).isTrue();
        assertThat(ledger.verifies(" v1=cf405185a1746225f150f210bfb5e1cda38fb9ab50ddeebf124d1ab7f5bc15f6, t=1795514400", BODY)).isTrue();
    }

    @Test
    void anyOtherSecretBodyTimestampOrShapeDoesNot() {
        assertThat(new WebhookLedger("whsec_other").verifies(SIGNED, BODY)).isFalse();
        assertThat(ledger.verifies(SIGNED, "{\"a\":2}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ledger.verifies(SIGNED.replace("t=1795514400", "t=1795514401"), BODY)).isFalse();
        assertThat(ledger.verifies(SIGNED.replace("v1=cf", "v1=xx"), BODY)).isFalse();
        assertThat(ledger.verifies("v1=cf405185a1746225f150f210bfb5e1cda38fb9ab50ddeebf124d1ab7f5bc15f6", BODY)).isFalse();
        assertThat(ledger.verifies("t=1795514400", BODY)).isFalse();
        assertThat(ledger.verifies("t=,v1=cf", BODY)).isFalse();
        assertThat(ledger.verifies(null, BODY)).isFalse();
    }

    @Test
    void countsWhatWasAcceptedButNeverNotifiedRepeatsAndForgeries() {
        ledger.created("a");
        ledger.created("b");
        ledger.created("c");

        assertThat(ledger.received("a", SIGNED, BODY)).isTrue();
        assertThat(ledger.received("a", SIGNED, BODY)).isFalse();
        assertThat(ledger.received("b", "t=1,v1=00", BODY)).isFalse();

        assertThat(ledger.receivedCount()).isEqualTo(1);
        assertThat(ledger.repeats()).isEqualTo(1);
        assertThat(ledger.badlySigned()).isEqualTo(1);
        assertThat(ledger.missing()).as("b's only webhook was forged, c never had one").isEqualTo(2);
        assertThat(ledger.notReceived(List.of("a", "c", "d"))).isEqualTo(2);
    }
}
