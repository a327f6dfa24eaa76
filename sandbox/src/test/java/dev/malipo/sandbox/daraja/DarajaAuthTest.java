package dev.malipo.sandbox.daraja;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DarajaAuthTest extends DarajaTestBase {

    @Test
    void issuesATokenWhoseLifetimeIsAString() throws Exception {
        HttpResponse<String> r = tokenResponse("malipo-demo-key:malipo-demo-secret", "?grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("access_token").asString()).isNotBlank();
        assertThat(body.get("expires_in").isString()).isTrue();
        assertThat(body.get("expires_in").asString()).isEqualTo("3599");
    }

    @Test
    void refusesWrongOrMissingCredentials() throws Exception {
        for (String creds : new String[]{"malipo-demo-key:wrong", "unknown:malipo-demo-secret", "no-colon", null}) {
            HttpResponse<String> r = tokenResponse(creds, "?grant_type=client_credentials");
            assertThat(r.statusCode()).as(String.valueOf(creds)).isEqualTo(400);
            assertThat(json(r).get("errorCode").asString()).isEqualTo("400.008.01");
            assertThat(json(r).get("errorMessage").asString()).isEqualTo("Invalid Authentication passed");
            assertThat(json(r).get("requestId").asString()).isNotBlank();
        }
    }

    @Test
    void refusesAnotherGrantType() throws Exception {
        HttpResponse<String> r = tokenResponse("malipo-demo-key:malipo-demo-secret", "?grant_type=password");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("errorCode").asString()).isEqualTo("400.008.02");
    }

    @Test
    void apisNeedAValidBearerToken() throws Exception {
        for (String token : new String[]{null, "made-up"}) {
            HttpResponse<String> r = post(STK, stkPush(OK_PHONE), token);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).get("errorCode").asString()).isEqualTo("404.001.03");
            assertThat(json(r).get("errorMessage").asString()).isEqualTo("Invalid Access Token");
        }
    }

    @Test
    void tokensExpireByTheClockAndANewTokenDoesNotRevokeTheOld() throws Exception {
        String first = token();
        String second = token();
        assertThat(second).isNotEqualTo(first);
        assertThat(post(STK, stkPush(OK_PHONE), first).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(3598));
        assertThat(post(STK_QUERY, stkQuery("ws_CO_unknown"), first).statusCode()).as("still valid").isEqualTo(400);
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> expired = post(STK, stkPush(OK_PHONE), first);
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(expired.body()).contains("404.001.03");
    }
}
