package dev.malipo.gateway.support;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Malipo's SQL is PostgreSQL's. H2 (dev mode, tests, a quick trial) runs it in its PostgreSQL
 * mode, with unquoted names folded to lower case as PostgreSQL folds them and NULLs sorted last as
 * PostgreSQL sorts them. Those settings live here, once: the gateway adds them to any H2 URL it is
 * given, so dev mode's settings, the scripts and the tests name only where the database is and how
 * it closes. A URL that asks for something else (another MODE, say) is refused at start-up rather
 * than left to fail on the first query that differs.
 */
public final class H2Urls {
    private static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("MODE", "PostgreSQL");
        REQUIRED.put("DATABASE_TO_LOWER", "TRUE");
        REQUIRED.put("DEFAULT_NULL_ORDERING", "HIGH");
    }

    private H2Urls() {
    }

    /** {@code url} with the settings Malipo needs added when it is an H2 URL; any other URL as given. */
    public static String complete(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length())) return url;
        String base = url.strip();
        while (base.endsWith(";")) base = base.substring(0, base.length() - 1);
        Map<String, String> given = new LinkedHashMap<>();
        String[] parts = base.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) given.put(parts[i].substring(0, eq).strip().toUpperCase(Locale.ROOT), parts[i].substring(eq + 1).strip());
        }
        StringBuilder out = new StringBuilder(base);
        REQUIRED.forEach((setting, value) -> {
            String asked = given.get(setting);
            if (asked == null) {
                out.append(';').append(setting).append('=').append(value);
            } else if (!asked.equalsIgnoreCase(value)) {
                throw new IllegalArgumentException("the database URL sets H2's " + setting + "=" + asked
                        + "; Malipo's SQL needs " + setting + "=" + value + " (leave it out and Malipo adds it)");
            }
        });
        return out.toString();
    }
}
