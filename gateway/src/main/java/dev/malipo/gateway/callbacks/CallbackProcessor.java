package dev.malipo.gateway.callbacks;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.payments.AnsweredHere;
import dev.malipo.gateway.payments.CallbackUrls;
import dev.malipo.gateway.payments.InitiationAnswered;
import dev.malipo.gateway.payments.ParkedCallback;
import dev.malipo.gateway.payments.Payment;
import dev.malipo.gateway.payments.PaymentRepository;
import dev.malipo.gateway.payments.PaymentTransitions;
import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Ids;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns a provider callback into a status change, once. Every decision is taken holding the
 * payment's row lock, so two copies of one callback, or a callback and the initiation's answer,
 * never decide at the same time.
 *
 * <p>Where it happens: normally in the request that brings the callback, in the transaction that
 * stores it (one commit, and the provider is answered only after it). A callback for a payment
 * whose initiation answer is not stored yet is parked, and decided in the transaction that stores
 * that answer. A durable job takes over what cannot be decided on the spot: a callback for a
 * payment whose outcome is UNKNOWN is not believed on its own (it tells us the provider's
 * reference, and a status query settles the payment — unless the callback is itself the
 * provider's answer to such a query), and any callback whose handling failed unexpectedly is
 * stored raw for the job to retry.
 */
@Component
class CallbackProcessor {
    private static final Logger log = LoggerFactory.getLogger(CallbackProcessor.class);
    static final String CHANNEL_HEADER = "x-malipo-callback-channel";
    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
    };

    private final CallbackRepository callbacks;
    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final Connectors connectors;
    private final Jobs jobs;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final CallbackUrls callbackUrls;
    private final AnsweredHere answeredHere;

    CallbackProcessor(CallbackUrls callbackUrls, CallbackRepository callbacks, PaymentRepository payments, PaymentTransitions transitions,
                      Connectors connectors, Jobs jobs, TransactionTemplate tx, JsonMapper json, Clock clock,
                      AnsweredHere answeredHere) {
        this.callbacks = callbacks;
        this.payments = payments;
        this.transitions = transitions;
        this.connectors = connectors;
        this.jobs = jobs;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.callbackUrls = callbackUrls;
        this.answeredHere = answeredHere;
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        Task<Void> processCallbackTask(CallbackProcessor processor) {
            // Instance ids are "cb_…" or, when a parked callback is released, "cb_…#release-…".
            return Tasks.oneTime(Jobs.PROCESS_CALLBACK).execute((instance, ctx) -> processor.process(Jobs.subjectOf(instance.getId())));
        }
    }

    /** A callback as it arrived over HTTP (headers lower-cased, credentials already dropped). */
    record Incoming(String token, String channel, String sourceIp, Map<String, List<String>> headers, byte[] body) {
    }

    /**
     * Stores a callback and decides it if it can, in one transaction. Returns false when the token
     * names no payment (nothing is stored). Returns only once the callback is durably stored.
     */
    boolean receive(Incoming in) {
        String id = Ids.newId("cb");
        Instant now = clock.instant();
        String headers = json.writeValueAsString(in.headers());
        String text = new String(in.body(), StandardCharsets.UTF_8);
        ParkedCallback kept = new ParkedCallback(id, in.headers(), in.body(), in.channel());
        if (parkWithoutReading(in, kept, now, headers, text)) return true;
        if (settleWithoutReading(in, id, now, headers, text)) return true;
        try {
            return Boolean.TRUE.equals(tx.execute(s -> {
                Payment payment = payments.lockByCallbackToken(in.token()).orElse(null);
                if (payment == null) return false;
                if (!payment.initiationAnswered()) {
                    callbacks.insertParkedAtCommit(id, payment.id(), now, in.sourceIp(), headers, text, in.channel(),
                            payments.callbacksParkedMark(payment.id(), kept));
                    // Debug, not info: routine whenever a provider answers fast, and the payment's own
                    // lines (created, its status change) already tell the story.
                    log.debug("callback {} parked: {} initiation answer not stored yet", id, payment.id());
                    return true;
                }
                Verdict v = apply(payment, plan(payment, id, in.headers(), in.channel(), in.body()));
                if (v.confirm() != null) {
                    callbacks.insert(id, payment.id(), now, in.sourceIp(), headers, text, in.channel(), "received", null, null, null);
                    jobs.scheduleNew(Jobs.PROCESS_CALLBACK, id, now);
                } else {
                    // The transaction's last write: it goes with the payment's event (CommitTail).
                    callbacks.insertAtCommit(id, payment.id(), now, in.sourceIp(), headers, text, in.channel(), v.status(),
                            v.dedupeKey(), v.note(), now);
                }
                log.debug("callback {} for {}: {} ({})", id, payment.id(), v.status(), in.channel());
                return true;
            }));
        } catch (RuntimeException e) {
            // Whatever failed was rolled back with the transaction. Keep the callback raw and let the
            // job try again: what the provider hears acknowledged is never lost.
            log.warn("callback {} could not be handled at once ({}); stored for the job", id, e.toString());
            return Boolean.TRUE.equals(tx.execute(s -> {
                String paymentId = payments.idByCallbackToken(in.token()).orElse(null);
                if (paymentId == null) return false;
                callbacks.insert(id, paymentId, now, in.sourceIp(), headers, text, in.channel(), "received", null, null, null);
                jobs.scheduleNew(Jobs.PROCESS_CALLBACK, id, now);
                return true;
            }));
        }
    }

    /**
     * Parks a callback in one round trip (its row, the payment's note of it and the COMMIT) when
     * this instance is waiting for its payment's initiation answer — a provider that calls back
     * before answering, or as it answers. The payment's row is not read first: the note's UPDATE
     * locks it and the commit fails unless the answer is still unstored. False when that does not
     * apply or failed (nothing stored): the usual way decides.
     */
    private boolean parkWithoutReading(Incoming in, ParkedCallback kept, Instant now, String headers, String text) {
        String paymentId = payments.answersAtCommit() ? payments.awaitingAnswerHere(in.token()) : null;
        if (paymentId == null) return false;
        try {
            tx.executeWithoutResult(s -> {
                payments.markParkedAtCommit(paymentId, in.token(), kept);
                callbacks.insertAtCommit(kept.id(), paymentId, now, in.sourceIp(), headers, text, in.channel(), "parked", null,
                        null, null);
            });
        } catch (CommitTail.NotOneRow answeredMeanwhile) {
            log.debug("callback {}: {}; deciding it the usual way", kept.id(), answeredMeanwhile.getMessage());
            return false;
        } catch (RuntimeException e) {
            // Rolled back whole; the usual way tries again, and stores the callback raw if it fails too.
            log.warn("callback {} could not be parked at once ({}); trying the usual way", kept.id(), e.toString());
            return false;
        }
        log.debug("callback {} parked: {} initiation answer not stored yet", kept.id(), paymentId);
        return true;
    }

    /** Thrown to drop a shortcut's transaction whose plan turned out not to be a plain settlement. */
    private static final class NotAPlainSettlement extends RuntimeException {
        NotAPlainSettlement() {
            super("not a plain settlement", null, false, false);
        }
    }

    /**
     * Settles a payment in one round trip (the status change checked to find it still pending, its
     * event and deliveries, the callback's row and the COMMIT) when this instance stored the
     * payment's answer and still has it ({@link AnsweredHere}) — with a real provider, whose
     * callback comes seconds after the answer, the usual case. Only a callback that settles the
     * payment goes this way; false when it is another, when the payment is not known here, or when
     * the check failed (a duplicate settled it meanwhile): nothing stored, and the usual way, which
     * reads the row under its lock, decides.
     */
    private boolean settleWithoutReading(Incoming in, String id, Instant now, String headers, String text) {
        Payment answered = payments.answersAtCommit() ? answeredHere.take(in.token()) : null;
        if (answered == null) return false;
        try {
            tx.executeWithoutResult(s -> {
                Plan plan = plan(answered, id, in.headers(), in.channel(), in.body(), true);
                if (!(plan instanceof Plan.Settle) || plan.learn() != null) throw new NotAPlainSettlement();
                // Not held: the status change is checked against the status as stored, not as seen.
                Verdict v = apply(answered, plan);
                callbacks.insertAtCommit(id, answered.id(), now, in.sourceIp(), headers, text, in.channel(), v.status(),
                        v.dedupeKey(), v.note(), now);
            });
        } catch (NotAPlainSettlement | CommitTail.NotOneRow usualWay) {
            return false;
        } catch (RuntimeException e) {
            log.warn("callback {} could not be decided at once ({}); trying the usual way", id, e.toString());
            return false;
        }
        log.debug("callback {} for {}: settled without reading it back", id, answered.id());
        return true;
    }

    /** The job: a stored callback still 'received' (its handling failed, or it needs the provider's word). */
    void process(String callbackId) {
        CallbackRepository.StoredCallback cb = callbacks.find(callbackId).orElse(null);
        if (cb == null || !"received".equals(cb.status())) {
            return; // processed, parked or gone: a re-run changes nothing
        }
        // Park under the payment's row lock: recording the initiation answer updates that row, so
        // either it waits for our park to commit (and then decides it), or we wait for it to
        // commit (and then see the answer). Without the lock both could miss each other.
        Verdict v = tx.execute(s -> {
            Payment payment = payments.lock(cb.paymentId());
            if (!payment.initiationAnswered()) {
                if (callbacks.park(callbackId)) payments.markCallbacksParked(payment.id());
                return null;
            }
            Verdict verdict = apply(payment, plan(payment, callbackId, stored(cb.headers()), cb.channel(), bytes(cb)));
            if (verdict.confirm() == null) {
                callbacks.finish(callbackId, verdict.status(), verdict.dedupeKey(), verdict.note(), clock.instant());
            }
            return verdict;
        });
        if (v == null) {
            log.debug("callback {} parked: {} initiation answer not stored yet", callbackId, cb.paymentId());
            return;
        }
        if (v.confirm() != null) {
            boolean moved = confirmWithProvider(payments.find(cb.paymentId()).orElseThrow(), v.confirm().outcome());
            callbacks.finish(callbackId, "processed", v.confirm().dedupeKey(), moved ? "applied" : "no change", clock.instant());
        }
    }

    /**
     * Parked callbacks are decided once their payment's initiation answer is stored, in that same
     * transaction (which holds the payment's row lock). One the connector cannot even read goes to
     * the job instead: the answer must be stored whatever a callback holds.
     */
    @EventListener
    void onInitiationAnswered(InitiationAnswered event) {
        if (!event.callbacksParked()) return;
        if (event.parkedHere() != null) {
            // Decided from the copies this instance kept, not read back: each one's row must still be
            // parked, and no other may be, when the transaction commits — else it fails, and the
            // answer is stored the long way, which reads them.
            for (ParkedCallback cb : event.parkedHere()) {
                decideParked(event, cb.id(), cb::headers, cb.channel(), cb.body(), true);
            }
            callbacks.noneParkedAtCommit(event.paymentId());
            return;
        }
        for (CallbackRepository.StoredCallback cb : callbacks.parkedFor(event.paymentId())) {
            decideParked(event, cb.id(), () -> stored(cb.headers()), cb.channel(), bytes(cb), false);
        }
    }

    /** @param kept whether the callback is this instance's copy, not its stored row (see {@link #onInitiationAnswered}) */
    private void decideParked(InitiationAnswered event, String callbackId, Supplier<Map<String, List<String>>> headers,
                              String channel, byte[] body, boolean kept) {
        Payment payment = event.latest() != null ? event.latest() : payments.find(event.paymentId()).orElseThrow();
        Plan plan;
        try {
            plan = plan(payment, callbackId, headers.get(), channel, body);
        } catch (RuntimeException e) {
            log.warn("parked callback {} could not be read ({}); left to the job", callbackId, e.toString());
            toJob(callbackId);
            return;
        }
        Verdict v = apply(payment, plan);
        if (v.payment() != null) event.moved(v.payment());
        if (v.confirm() != null) {
            toJob(callbackId);
        } else if (kept) {
            callbacks.finishKeptAtCommit(callbackId, v.status(), v.dedupeKey(), v.note(), clock.instant());
        } else {
            callbacks.finishAtCommit(callbackId, v.status(), v.dedupeKey(), v.note(), clock.instant());
        }
    }

    private void toJob(String callbackId) {
        if (callbacks.unpark(callbackId)) {
            // A fresh instance id: the run that parked this callback may still be finishing.
            jobs.schedule(Jobs.PROCESS_CALLBACK, Jobs.instanceId(callbackId, "release-" + clock.millis()), clock.instant());
        }
    }

    /**
     * Where a callback stands: {@code status} (processed, duplicate, rejected) with its dedupe key
     * and a note, or — when {@code confirm} is set — not decided: the provider must confirm first.
     * {@code payment} is the payment as deciding left it, when deciding changed it (else null).
     */
    record Verdict(String status, String dedupeKey, String note, CallbackEvent confirm, Payment payment) {
        static Verdict of(String status, String dedupeKey, String note) {
            return new Verdict(status, dedupeKey, note, null, null);
        }

        Verdict withPayment(Payment after) {
            return new Verdict(status, dedupeKey, note, confirm, after);
        }
    }

    /**
     * What to do with a callback, worked out without writing anything; {@code learn} is a provider
     * reference the payment lacks, to record first (null when there is none).
     */
    private sealed interface Plan {
        String learn();

        /** Ends here with this verdict. */
        record Finish(Verdict verdict, String learn) implements Plan {
        }

        /** A definite outcome to apply. */
        record Settle(CallbackEvent event, String learn) implements Plan {
        }

        /** The payment is UNKNOWN: only the provider's answer to a query may settle it. */
        record Confirm(CallbackEvent event, String learn) implements Plan {
        }
    }

    /** Reads and checks a callback against its (locked) payment; writes nothing. */
    private Plan plan(Payment payment, String callbackId, Map<String, List<String>> headers, String channel, byte[] body) {
        return plan(payment, callbackId, headers, channel, body, false);
    }

    /** @param tentative a plan that may be dropped (see {@link #settleWithoutReading}): a rejection is not logged */
    private Plan plan(Payment payment, String callbackId, Map<String, List<String>> headers, String channel, byte[] body,
                      boolean tentative) {
        CallbackEvent event;
        try {
            event = connectors.connector(payment.providerAccountId()).parseCallback(withChannel(headers, channel), body);
        } catch (CallbackRejectedException e) {
            if (!tentative) log.warn("callback {} for {} rejected: {}", callbackId, payment.id(), e.getMessage());
            return new Plan.Finish(Verdict.of("rejected", null, truncate(e.getMessage())), null);
        }
        if (payment.providerReference() != null && event.providerReference() != null
                && !Objects.equals(payment.providerReference(), event.providerReference())) {
            if (!tentative) {
                log.warn("callback {} names {} but {} is {}", callbackId, event.providerReference(), payment.id(),
                        payment.providerReference());
            }
            return new Plan.Finish(Verdict.of("rejected", event.dedupeKey(), "provider reference does not match the payment"),
                    null);
        }
        Outcome outcome = event.outcome();
        boolean settles = outcome instanceof Outcome.Succeeded || outcome instanceof Outcome.Declined;
        // The look-up is skipped for the usual case, a settling callback for a pending payment: a
        // processed copy of the same news (same dedupe key, so same outcome) would have settled it
        // under this same lock, or found it UNKNOWN or final — and neither ever goes back to pending.
        boolean firstOfItsNews = payment.status() == PaymentStatus.PENDING && settles;
        if (!firstOfItsNews && callbacks.alreadyProcessed(payment.id(), event.dedupeKey(), callbackId)) {
            return new Plan.Finish(Verdict.of("duplicate", event.dedupeKey(), null), null);
        }
        String learn = event.providerReference() != null && payment.providerReference() == null ? event.providerReference() : null;
        if (payment.status().isTerminal() || !settles) {
            return new Plan.Finish(Verdict.of("processed", event.dedupeKey(), "no change"), learn);
        }
        if (payment.status() == PaymentStatus.UNKNOWN && event.confirmBeforeTrusting()) {
            return new Plan.Confirm(event, learn);
        }
        return new Plan.Settle(event, learn);
    }

    private Verdict apply(Payment seen, Plan plan) {
        Payment payment = seen;
        if (plan.learn() != null) {
            payments.setProviderReferenceIfMissing(seen.id(), plan.learn(), clock.instant());
            payment = payments.find(seen.id()).orElseThrow();
        }
        Payment known = plan.learn() != null ? payment : null;
        return switch (plan) {
            case Plan.Finish f -> f.verdict().withPayment(known);
            case Plan.Confirm c -> new Verdict(null, c.event().dedupeKey(), null, c.event(), known);
            case Plan.Settle s -> {
                // Every caller holds the payment's row lock (see the class comment), but for
                // settleWithoutReading, whose change the database checks against the stored status.
                Payment moved = transitions.applyDefiniteToHeld(payment, s.event().outcome());
                yield Verdict.of("processed", s.event().dedupeKey(), moved != null ? "applied" : "no change")
                        .withPayment(moved != null ? moved : known);
            }
        };
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
            jobs.schedule(Jobs.CHECK_PAYMENT, Jobs.instanceId(payment.id(), "cb" + clock.millis()), clock.instant().plusSeconds(5));
        }
        return moved;
    }

    private Map<String, List<String>> stored(String headersJson) {
        return json.readValue(headersJson, HEADERS);
    }

    private static byte[] bytes(CallbackRepository.StoredCallback cb) {
        return cb.body().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The headers plus {@value #CHANNEL_HEADER}: "result" or "timeout" (which of the two URLs the
     * provider called), since some providers (Daraja B2C) send a queue timeout to its own URL.
     */
    private static Map<String, List<String>> withChannel(Map<String, List<String>> headers, String channel) {
        Map<String, List<String>> out = new HashMap<>(headers);
        out.put(CHANNEL_HEADER, List.of(channel));
        return out;
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 480 ? s.substring(0, 480) : s;
    }
}
