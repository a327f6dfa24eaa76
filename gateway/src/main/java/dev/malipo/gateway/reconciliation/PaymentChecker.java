package dev.malipo.gateway.reconciliation;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.payments.CallbackUrls;
import dev.malipo.gateway.payments.Payment;
import dev.malipo.gateway.payments.PaymentRepository;
import dev.malipo.gateway.payments.PaymentService;
import dev.malipo.gateway.payments.PaymentTransitions;
import dev.malipo.gateway.support.MalipoProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Asks the provider about payments that are still pending or unknown: the "callback never sent"
 * and "timed out after the provider accepted" cases end here. Checks back off (×4 each time, up to
 * a day); an UNKNOWN payment is never settled by the clock, only by the provider's answer. A
 * collection the provider still calls pending long after its push must have expired is EXPIRED.
 *
 * <p>The first check of each payment is not a job from the start: the payment row carries its due
 * time, and a sweep turns only the payments still unsettled then into jobs (most settle first).
 */
@Component
class PaymentChecker {
    private static final Logger log = LoggerFactory.getLogger(PaymentChecker.class);

    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final PaymentService paymentService;
    private final Connectors connectors;
    private final Jobs jobs;
    private final MalipoProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final CallbackUrls callbackUrls;

    PaymentChecker(CallbackUrls callbackUrls, PaymentRepository payments, PaymentTransitions transitions, PaymentService paymentService,
                   Connectors connectors, Jobs jobs, MalipoProperties properties, Clock clock, MeterRegistry meters) {
        this.payments = payments;
        this.transitions = transitions;
        this.paymentService = paymentService;
        this.connectors = connectors;
        this.jobs = jobs;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.callbackUrls = callbackUrls;
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        Task<Void> checkPaymentTask(PaymentChecker checker) {
            return Tasks.oneTime(Jobs.CHECK_PAYMENT).execute((instance, ctx) -> checker.check(instance.getId()));
        }

        /**
         * Hands each payment whose first check is due, and that has not settled, to its check job
         * (once: see {@link Jobs#sweep}). A payment that settles first never becomes a job.
         */
        @Bean
        RecurringTask<Void> firstChecksSweep(Jobs jobs, PaymentRepository payments) {
            return jobs.sweep(Jobs.SWEEP_FIRST_CHECKS, Jobs.CHECK_PAYMENT, payments::firstChecksDue, payments::takeFirstCheck,
                    id -> Jobs.checkId(id, 1));
        }
    }

    /** @param instanceId "pay_…#n": the payment and the how-many-th check this is */
    void check(String instanceId) {
        String paymentId = Jobs.subjectOf(instanceId);
        String tag = Jobs.tagOf(instanceId);
        int n;
        try {
            n = tag == null ? 1 : Integer.parseInt(tag);
        } catch (NumberFormatException outOfSeries) {
            // an extra, out-of-series check (e.g. after an unconfirmed callback): don't chain another
            n = -1;
        }
        Payment p = payments.find(paymentId).orElse(null);
        if (p == null || p.status().isTerminal()) {
            return;
        }
        Instant now = clock.instant();
        if (!p.initiationAnswered()) {
            Duration stuck = properties.connectors().requestTimeout().multipliedBy(2);
            if (p.createdAt().plus(stuck).isBefore(now)) {
                // The gateway died while waiting for the provider: we cannot know whether it was sent.
                paymentService.recordInitiation(p.id(), new Outcome.Unknown(null, "initiation never answered"));
                p = payments.find(paymentId).orElseThrow();
            } else {
                scheduleNext(p, n, now);
                return;
            }
        }
        Outcome answer = connectors.connector(p.providerAccountId())
                .queryStatus(new StatusQuery(p.kind(), p.id(), p.providerReference(), callbackUrls.result(p.callbackToken())));
        meters.counter("malipo.reconciliation.checks", "provider", p.provider(), "answer",
                answer.getClass().getSimpleName().toLowerCase()).increment();
        if (transitions.applyDefinite(p, answer)) {
            return;
        }
        if (answer instanceof Outcome.Pending && p.status() == PaymentStatus.PENDING && p.kind() == TransactionKind.COLLECTION
                && !now.isBefore(p.createdAt().plus(properties.reconciliation().expireAfter()))) {
            transitions.move(p, PaymentStatus.EXPIRED, null, null);
            return;
        }
        log.info("payment {} still {} after check {} ({})", p.id(), p.status().apiName(), n, answer.getClass().getSimpleName());
        if (n > 0) {
            scheduleNext(p, n, now);
        }
    }

    private void scheduleNext(Payment p, int n, Instant now) {
        Duration first = properties.reconciliation().firstCheckAfter();
        Duration interval = first.multipliedBy((long) Math.pow(4, Math.min(n, 10)));
        if (interval.compareTo(properties.reconciliation().maxCheckInterval()) > 0) {
            interval = properties.reconciliation().maxCheckInterval();
        }
        // A pending collection is worth one check right at its expiry time.
        Instant expiry = p.createdAt().plus(properties.reconciliation().expireAfter());
        Instant next = now.plus(interval);
        if (p.status() == PaymentStatus.PENDING && p.kind() == TransactionKind.COLLECTION && now.isBefore(expiry)
                && next.isAfter(expiry)) {
            next = expiry;
        }
        jobs.schedule(Jobs.CHECK_PAYMENT, Jobs.checkId(p.id(), n + 1), next);
    }
}
