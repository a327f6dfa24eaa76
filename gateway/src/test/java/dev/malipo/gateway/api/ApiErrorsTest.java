package dev.malipo.gateway.api;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a problem+json with a stable code and the field at fault, and writes nothing (H2). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ApiErrorsTest {
    static final TestDatabase DB = TestDatabase.h2();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        DB.register(r);
        r.add("malipo.public-base-url", () -> "http://127.0.0.1:1");
    }

    @AfterAll
    static void drop() {
        DB.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;

    @BeforeEach
    void merchant() {
        api = new ApiClient("http://127.0.0.1:" + port, merchants.create("Errors Ltd").testKey());
    }

    @Test
    void missingAndWrongKeysAre401() {
        ApiClient.Response none = api.withKey(null).get("/v1/payments");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.text("code")).isEqualTo("missing_api_key");
        assertThat(api.withKey("sk_test_nope").get("/v1/payments").text("code")).isEqualTo("invalid_api_key");
    }

    @Test
    void missingIdempotencyKey() {
        ApiClient.Response r = api.post("/v1/payments", "{\"amount\":\"10\",\"currency\":\"KES\",\"phone\":\"254708374149\"}", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text("code")).isEqualTo("missing_idempotency_key");
        assertThat(r.text("field")).isEqualTo("Idempotency-Key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                 | {oops                                                                              | 400 | invalid_json           |
            array body               | []                                                                                 | 400 | invalid_json           |
            empty body               |                                                                                    | 400 | invalid_json           |
            amount wrong type        | {"amount":true,"currency":"KES","phone":"254708374149"}                            | 400 | invalid_type           | amount
            phone wrong type         | {"amount":"10","currency":"KES","phone":254708374149}                              | 400 | invalid_type           | phone
            missing amount           | {"currency":"KES","phone":"254708374149"}                                          | 422 | missing_field          | amount
            missing phone            | {"amount":"10","currency":"KES"}                                                   | 422 | missing_field          | phone
            unknown currency         | {"amount":"10","currency":"XYZ","phone":"254708374149"}                            | 422 | invalid_currency       | currency
            unsupported currency     | {"amount":"10","currency":"USD","phone":"254708374149"}                            | 422 | unsupported_currency   | currency
            bad phone                | {"amount":"10","currency":"KES","phone":"12345"}                                   | 422 | invalid_phone          | phone
            landline                 | {"amount":"10","currency":"KES","phone":"+254202345678"}                           | 422 | invalid_phone          | phone
            negative amount          | {"amount":"-5","currency":"KES","phone":"254708374149"}                            | 422 | invalid_amount         | amount
            zero amount              | {"amount":"0","currency":"KES","phone":"254708374149"}                             | 422 | invalid_amount         | amount
            too many decimals        | {"amount":"1.005","currency":"KES","phone":"254708374149"}                         | 422 | invalid_amount         | amount
            not a number             | {"amount":"ten","currency":"KES","phone":"254708374149"}                           | 422 | invalid_amount         | amount
            reference too long       | {"amount":"10","currency":"KES","phone":"254708374149","reference":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"} | 422 | field_too_long | reference
            unknown field            | {"amount":"10","currency":"KES","phone":"254708374149","colour":"red"}             | 422 | unknown_field          | colour
            bad webhook url          | {"amount":"10","currency":"KES","phone":"254708374149","webhook_url":"ftp://x"}    | 422 | invalid_url            | webhook_url
            phone of another country | {"amount":"100","currency":"RWF","phone":"+254708374149"}                          | 422 | currency_mismatch      | currency
            metadata not strings     | {"amount":"10","currency":"KES","phone":"254708374149","metadata":{"a":1}}         | 400 | invalid_type           | metadata.a
            """)
    void badInputIsAClearErrorAndWritesNothing(String name, String body, int status, String code, String field) {
        ApiClient.Response r = api.post("/v1/payments", body == null ? "" : body, "key-" + name.replace(' ', '-'));
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.text("code")).isEqualTo(code);
        assertThat(r.text("field")).isEqualTo(field);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.text("type")).endsWith("/" + code);
        assertThat(jdbc.sql("select count(*) from payments").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from idempotency_keys").query(Long.class).single()).isZero();
    }

    @Test
    void unknownPaymentIs404AndUnknownRouteIsAProblemToo() {
        ApiClient.Response r = api.get("/v1/payments/pay_doesnotexist");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text("code")).isEqualTo("resource_missing");
        ApiClient.Response route = api.get("/v1/nothing-here");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.contentType()).startsWith("application/problem+json");
    }

    @Test
    void badListParameters() {
        assertThat(api.get("/v1/payments?limit=1000").text("code")).isEqualTo("invalid_parameter");
        assertThat(api.get("/v1/payments?status=done").text("field")).isEqualTo("status");
        assertThat(api.get("/v1/payments?cursor=zzz").text("code")).isEqualTo("invalid_cursor");
        assertThat(api.get("/v1/payments?created_gte=yesterday").text("field")).isEqualTo("created_gte");
        assertThat(api.get("/v1/payments?colour=red").text("code")).isEqualTo("unknown_parameter");
    }

    @Test
    void healthAndMetricsAreUp() {
        ApiClient.Response health = api.withKey(null).get("/actuator/health/readiness");
        assertThat(health.status()).isEqualTo(200);
        ApiClient.Response metrics = api.withKey(null).get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }
}
