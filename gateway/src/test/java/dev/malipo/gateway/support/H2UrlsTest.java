package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H2UrlsTest {

    @Test
    void aBareH2UrlGetsPostgreSqlModeAndItsCompanions() {
        assertThat(H2Urls.complete("jdbc:h2:file:./data/x;DB_CLOSE_ON_EXIT=FALSE"))
                .isEqualTo("jdbc:h2:file:./data/x;DB_CLOSE_ON_EXIT=FALSE;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        assertThat(H2Urls.complete("jdbc:h2:mem:t;"))
                .isEqualTo("jdbc:h2:mem:t;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    }

    @Test
    void settingsAlreadyThereAreNotRepeatedWhateverTheirCase() {
        String full = "jdbc:h2:mem:t;mode=postgresql;DATABASE_TO_LOWER=true;Default_Null_Ordering=HIGH";
        assertThat(H2Urls.complete(full)).isEqualTo(full);
        assertThat(H2Urls.complete("jdbc:h2:mem:t;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:mem:t;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    }

    @Test
    void aUrlAskingForAnotherModeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> H2Urls.complete("jdbc:h2:mem:t;MODE=MySQL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MODE=MySQL").hasMessageContaining("MODE=PostgreSQL");
        assertThatThrownBy(() -> H2Urls.complete("jdbc:h2:mem:t;DEFAULT_NULL_ORDERING=LOW"))
                .hasMessageContaining("DEFAULT_NULL_ORDERING=HIGH");
    }

    @Test
    void otherDatabasesUrlsAreLeftAlone() {
        assertThat(H2Urls.complete("jdbc:postgresql://127.0.0.1:5432/malipo?currentSchema=x;y"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/malipo?currentSchema=x;y");
        assertThat(H2Urls.complete(null)).isNull();
    }
}
