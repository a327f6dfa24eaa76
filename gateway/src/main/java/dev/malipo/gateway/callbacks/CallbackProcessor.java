package dev.malipo.gateway.callbacks;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.payments.CallbackUrls;
import dev.malipo.gateway.payments.InitiationAnswered;
import dev.malipo.gateway.payments.Payment;
import dev.malipo.gateway.payments.PaymentRepository;
import dev.malipo.gateway.payments.PaymentTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a stored callback into a status change, once. A callback for a payment whose initiation
 * answer is not stored yet is parked until it is. A callback for a payment whose outcome is
 * UNKNOWN is not believed on its own: it tells us the provider's reference, and a status query
 * settles the payment — unless the callback is itself the provider's answer to such a query
 * (asynchronous status APIs such as Daraja's Transaction Status).
 */
@Component
class CallbackProcessor {
    private static final Logger log = LoggerFactory.getLogger(CallbackProcessor.class);

    private final CallbackRepository callbacks;
    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final Connectors connectors;
    private final Jobs jobs;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final CallbackUrls callbackUrls;

    CallbackProcessor(CallbackUrls callbackUrls, CallbackRepository callbacks, PaymentRepository payments, PaymentTransitions transitions,
                      Connectors connectors, Jobs jobs, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.callbacks = callbacks;
        this.payments = payments;
        this.transitions = transitions;
        this.connectors = connectors;
        this.jobs = jobs;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.callbackUrls = callbackUrls;
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        Task<Void> processCallbackTask(CallbackProcessor processor) {
            return Tasks.oneTime(Jobs.PROCESS_CALLBACK).execute((instance, ctx) -> processor.process(callbackIdOf(instance.getId())));
        }
    }

    /** Instance ids are "cb_…" or, when a parked callback is released, "cb_…#release-…". */
    static String callbackIdOf(String instanceId) {
        int hash = instanceId.indexOf('#');
        return hash < 0 ? instanceId : instanceId.substring(0, hash);
    }

    void process(String callbackId) {
        CallbackRepository.StoredCallback cb = callbacks.find(callbackId).orElse(null);
        if (cb == null || !"received".equals(cb.status())) {
            return; // processed, parked or gone: a re-run changes nothing
        }
        // Park under the payment's row lock: recording the initiation answer updates that row, so
        // either it waits for our park to commit (and then releases it), or we wait for it to
        // commit (and then see the answer). Without the lock both could miss each other.
        boolean parked = Boolean.TRUE.equals(tx.execute(s -> {
            if (payments.lockInitiationAnswered(cb.paymentId())) return false;
            return callbacks.park(callbackId);
        }));
        if (parked) {
            log.info("callback {} parked: {} initiation answer not stored yet", callbackId, cb.paymentId());
            return;
        }
        Payment payment = payments.find(cb.paymentId()).orElseThrow();
        PaymentConnector connector = connectors.connector(payment.providerAccountId());
        CallbackEvent event;
        try {
            event = connector.parseCallback(headers(cb.headers(), cb.channel()), cb.body().getBytes(StandardCharsets.UTF_8));
        } catch (CallbackRejectedException e) {
            callbacks.finish(callbackId, "rejected", null, truncate(e.getMessage()), clock.instant());
            log.warn("callback {} for {} rejected: {}", callbackId, payment.id(), e.getMessage());
            return;
        }
        if (payment.providerReference() != null && event.providerReference() != null
                && !Objects.equals(payment.providerReference(), event.providerReference())) {
            callbacks.finish(callbackId, "rejected", event.dedupeKey(), "provider reference does not match the payment",
                    clock.instant());
            log.warn("callback {} names {} but {} is {}", callbackId, event.providerReference(), payment.id(),
                    payment.providerReference());
            return;
        }
        if (callbacks.alreadyProcessed(payment.id(), event.dedupeKey(), callbackId)) {
            callbacks.finish(callbackId, "duplicate", event.dedupeKey(), null, clock.instant());
            return;
        }
        boolean moved = apply(payment, event);
        callbacks.finish(callbackId, "processed", event.dedupeKey(), moved ? "applied" : "no change", clock.instant());
    }

    private boolean apply(Payment payment, CallbackEvent event) {
        if (event.providerReference() != null && payment.providerReference() == null) {
            payments.setProviderReferenceIfMissing(payment.id(), event.providerReference(), clock.instant());
            payment = payments.find(payment.id()).orElseThrow();
        }
        if (payment.status().isTerminal()) {
            return false;
        }
        Outcome outcome = event.outcome();
        boolean settles = outcome instanceof Outcome.Succeeded || outcome instanceof Outcome.Declined;
        if (!settles) {
            return false;
        }
        if (payment.status() == PaymentStatus.UNKNOWN && event.confirmBeforeTrusting()) {
            return confirmWithProvider(payment, outcome);
        }
        Payment seen = payment;
        return Boolean.TRUE.equals(tx.execute(s -> transitions.applyDefinite(seen, outcome)));
    }

    /** UNKNOWN is settled only by asking the provider; the callback's receipt is kept if the answer agrees. */
    private boolean confirmWithProvider(Payment payment, Outcome fromCallback) {
        Outcome answer = connectors.connector(payment.providerAccountId())
                .queryStatus(new StatusQuery(payment.kind(), payment.id(), payment.providerReference(),
                        callbackUrls.result(payment.callbackToken())));
        if (answer instanceof Outcome.Succeeded s && s.receipt() == null && fromCallback instanceof Outcome.Succeeded c) {
            answer = new Outcome.Succeeded(s.providerReference(), c.receipt(), c.details());
        }
        Outcome confirmed = answer;
        boolean moved = Boolean.TRUE.equals(tx.execute(s -> transitions.applyDefinite(payment, confirmed)));
        if (!moved) {
            // The provider could not confirm yet: ask again soon.
            jobs.schedule(Jobs.CHECK_PAYMENT, payment.id() + "#cb" + clock.millis(), clock.instant().plusSeconds(5));
        }
        return moved;
    }

    /** Parked callbacks go back to the queue once their payment's initiation answer is stored. */
    @EventListener
    void onInitiationAnswered(InitiationAnswered event) {
        release(event.paymentId());
    }

    private void release(String paymentId) {
        for (String id : callbacks.parkedFor(paymentId)) {
            if (callbacks.unpark(id)) {
                // A fresh instance id: the run that parked this callback may still be finishing.
                jobs.schedule(Jobs.PROCESS_CALLBACK, id + "#release-" + clock.millis(), clock.instant());
            }
        }
    }

    /**
     * The stored headers, plus {@value #CHANNEL_HEADER}: "result" or "timeout" (which of the two
     * URLs the provider called), since some providers (Daraja B2C) send a queue timeout to its own URL.
     */
    private Map<String, List<String>> headers(String stored, String channel) {
        Map<String, List<String>> headers = new java.util.HashMap<>(json.readValue(stored,
                new TypeReference<Map<String, List<String>>>() {
                }));
        headers.put(CHANNEL_HEADER, List.of(channel));
        return headers;
    }

    static final String CHANNEL_HEADER = "x-malipo-callback-channel";

    private static String truncate(String s) {
        return s == null ? null : s.length() > 480 ? s.substring(0, 480) : s;
    }
}
