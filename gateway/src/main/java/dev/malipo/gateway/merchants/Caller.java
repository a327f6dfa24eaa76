package dev.malipo.gateway.merchants;

/** Who is calling the API: a merchant, with the mode of the key it used. */
public record Caller(String merchantId, Mode mode) {
}
