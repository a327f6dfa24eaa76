package dev.malipo.gateway.support;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
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

    /** An H2 URL gets the settings Malipo's SQL needs (H2Urls) before the pool or Flyway sees it. */
    @Bean
    static BeanPostProcessor h2UrlCompletion() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DataSourceProperties properties) properties.setUrl(H2Urls.complete(properties.getUrl()));
                return bean;
            }
        };
    }

    @Bean
    WorkGate workGate(MalipoProperties properties, MeterRegistry meters) {
        WorkGate gate = new WorkGate(properties.api().maxConcurrentWork(), properties.api().maxWorkWait());
        meters.gauge("malipo.api.work.active", gate, WorkGate::active);
        meters.gauge("malipo.api.work.waiting", gate, WorkGate::waiting);
        return gate;
    }

    @Bean
    SecretBox secretBox(MalipoProperties properties) {
        return SecretBox.fromBase64(properties.security().encryptionKey());
    }
}
