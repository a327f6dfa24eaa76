package dev.malipo.gateway.support;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class CoreBeans {

    /** Everything that reads the time takes this Clock, so tests can move time instead of sleeping. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SecretBox secretBox(MalipoProperties properties) {
        return SecretBox.fromBase64(properties.security().encryptionKey());
    }
}
