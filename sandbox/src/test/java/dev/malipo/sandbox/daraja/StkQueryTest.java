package dev.malipo.sandbox.daraja;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Real-world speed, except that ordinary customers approve at once: 009 and 004 stay unanswered. */
class StkQueryTest extends DarajaTestBase {

    @Override
    DarajaEmulatorConfig.Builder config() {
        return super.config().speedFactor(1.0).approveDelay(Duration.ZERO);
    }

    @Test
    void pendingWhileTheCustomerHasNotAnswered() throws Exception {
        String token = token();
        String checkout = json(post(STK, stkPush("254708374009"), token)).get("CheckoutRequestID").asString();
        HttpResponse<String> q = post(STK_QUERY, stkQuery(checkout), token);
        assertThat(q.statusCode()).isEqualTo(500);
        assertThat(json(q).get("errorCode").asString()).isEqualTo("500.001.1001");
        assertThat(json(q).get("errorMessage").asString()).isEqualTo("The transaction is being processed");
    }

    @Test
    void theOutcomeOnceAnsweredWithAStringResultCode() throws Exception {
        String token = token();
        JsonNode push = json(post(STK, stkPush("254708374001"), token));
        assertThat(nextStkCallback().get("ResultCode").asInt()).isEqualTo(1032);
        HttpResponse<String> q = post(STK_QUERY, stkQuery(push.get("CheckoutRequestID").asString()), token);
        assertThat(q.statusCode()).isEqualTo(200);
        JsonNode a = json(q);
        assertThat(a.get("ResponseCode").asString()).isEqualTo("0");
        assertThat(a.get("ResponseDescription").asString()).isEqualTo("The service request has been accepted successsfully");
        assertThat(a.get("MerchantRequestID").asString()).isEqualTo(push.get("MerchantRequestID").asString());
        assertThat(a.get("CheckoutRequestID").asString()).isEqualTo(push.get("CheckoutRequestID").asString());
        assertThat(a.get("ResultCode").isString()).isTrue();
        assertThat(a.get("ResultCode").asString()).isEqualTo("1032");
        assertThat(a.get("ResultDesc").asString()).isEqualTo("Request cancelled by user");
    }

    @Test
    void anUnknownCheckoutIsABadRequest() throws Exception {
        HttpResponse<String> q = post(STK_QUERY, stkQuery("ws_CO_01012026000000999"));
        assertThat(q.statusCode()).isEqualTo(400);
        assertThat(json(q).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid CheckoutRequestID");
    }

    @Test
    void theQueryChecksThePasswordToo() throws Exception {
        Map<String, Object> q = stkQuery("ws_CO_01012026000000999");
        q.put("Password", "d3Jvbmc=");
        assertThat(post(STK_QUERY, q).statusCode()).isEqualTo(500);
    }

    @Test
    void aSecondPushToABusyPhoneIsAcceptedThenAnswered1001() throws Exception {
        String token = token();
        String first = json(post(STK, stkPush("254708374009"), token)).get("CheckoutRequestID").asString();
        HttpResponse<String> second = post(STK, stkPush("254708374009"), token);
        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode cb = nextStkCallback();
        assertThat(cb.get("CheckoutRequestID").asString()).isEqualTo(json(second).get("CheckoutRequestID").asString());
        assertThat(cb.get("ResultCode").asInt()).isEqualTo(1001);
        assertThat(cb.get("ResultDesc").asString())
                .isEqualTo("Unable to lock subscriber, a transaction is already in process for the current subscriber");
        assertThat(post(STK_QUERY, stkQuery(first), token).statusCode()).as("the first is still open").isEqualTo(500);
        // Another phone is not affected.
        post(STK, stkPush(OK_PHONE), token);
        assertThat(nextStkCallback().get("ResultCode").asInt()).isZero();
    }
}
