package dev.malipo.gateway.payments;

import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.payment.FailureReason;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.connectors.ProviderAccount;
import dev.malipo.gateway.idempotency.Idempotency;
import dev.malipo.gateway.merchants.Caller;
import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.WorkGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Creates a payment or payout and asks the provider to start it. The row is committed before the
 * provider is called, and the provider is called outside any transaction, so a crash at any point
 * leaves a row that reconciliation will settle, never money moved with no record of it.
 */
@Service
public class PaymentService {
    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final Connectors connectors;
    private final CallbackUrls callbackUrls;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final MalipoProperties properties;
    private final Clock clock;
    private final WorkGate work;
    private final ParkedHere parkedHere;
    private final AnsweredHere answeredHere;

    PaymentService(PaymentRepository payments, PaymentTransitions transitions, Connectors connectors,
                   CallbackUrls callbackUrls, TransactionTemplate tx, ApplicationEventPublisher events,
                   MalipoProperties properties, Clock clock, WorkGate work, ParkedHere parkedHere,
                   AnsweredHere answeredHere) {
        this.payments = payments;
        this.transitions = transitions;
        this.connectors = connectors;
        this.callbackUrls = callbackUrls;
        this.tx = tx;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
        this.work = work;
        this.parkedHere = parkedHere;
        this.answeredHere = answeredHere;
    }

    /** The stored payment and what the provider said to its initiation. */
    record Created(Payment payment, Outcome initiation) {
    }

    /**
     * @param answered called inside the transaction that stores the provider's answer, with the
     *                 payment as that transaction leaves it: what it writes (the idempotent
     *                 response) commits together with the answer
     */
    Created create(Caller caller, CreatePaymentCommand command, Idempotency.Handle idempotency, Consumer<Created> answered) {
        ProviderAccount account = connectors.route(caller.merchantId(), command.phone().country().name(), caller.mode(),
                command.providerAccount());
        PaymentConnector connector = connectors.connector(account.id());
        String id = Ids.newId(command.kind() == TransactionKind.COLLECTION ? "pay" : "po");
        String token = Ids.callbackToken();

        CollectRequest collect = null;
        PayoutRequest payout = null;
        if (command.kind() == TransactionKind.COLLECTION) {
            collect = new CollectRequest(id, command.amount(), command.phone(), command.reference(), command.description(),
                    callbackUrls.result(token));
            connector.validate(collect);
        } else {
            payout = new PayoutRequest(id, command.amount(), command.phone(), command.description(), command.reference(),
                    callbackUrls.result(token), callbackUrls.timeout(token));
            connector.validate(payout);
        }

        // Whole microseconds, as both databases store them: the answer works out the stored row from this one.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Payment payment = new Payment(id, caller.merchantId(), command.kind(), caller.mode(), PaymentStatus.PENDING,
                command.amount(), command.phone().e164(), command.phone().network().name().toLowerCase(Locale.ROOT),
                command.reference(), command.description(), command.metadata(), command.webhookUrl(), account.provider(),
                account.id(), null, null, null, token, null, now, now, null);
        // The key's claim and the row, with its first check's due time, commit together before the
        // provider hears of the payment: a crash after this point leaves a record that reconciliation
        // settles (its sweep hands a payment still unsettled at that time to a check job).
        idempotency.claimAndCreate(id, payments.insertion(payment, now.plus(properties.reconciliation().firstCheckAfter())));
        log.info("{} {} created: {} to {} via {}", payment.objectName(), id, command.amount(), command.phone().masked(),
                account.provider());

        // Waiting on the provider is not work: the request's turn goes to others meanwhile, and
        // coming back it goes ahead of new requests (WorkGate).
        CollectRequest c = collect;
        PayoutRequest p = payout;
        // A callback that comes before the answer (a provider that answers fast) is parked without
        // reading the row first when this instance knows it is waiting for the answer.
        parkedHere.awaiting(token, id);
        try {
            Outcome outcome = work.awayWhile(() -> c != null ? connector.collect(c) : connector.payout(p));
            Created shortWay = answerInOneRoundTrip(payment, outcome, answered);
            Created stored = shortWay != null ? shortWay : recordInitiation(id, outcome, answered);
            answeredHere.remember(stored.payment()); // committed: its callback may decide it without reading it back
            return stored;
        } finally {
            // Whichever way it was stored (a park noted while the short way succeeded included).
            parkedHere.notAwaiting(token);
            parkedHere.answered(id);
        }
    }

    /**
     * Stores the initiation's answer, and decides the callbacks parked for it, with one round trip
     * (the writes go with the COMMIT): when no callback is known to be parked (the usual case with
     * a real provider, whose callbacks come seconds after the answer), or when this instance parked
     * every one and kept them. The row is the one it inserted; the database checks that it is
     * still as assumed. Null when the shortcut does not apply or its checks failed (nothing was
     * stored): the long way decides.
     */
    Created answerInOneRoundTrip(Payment inserted, Outcome outcome, Consumer<Created> answered) {
        if (!payments.answersAtCommit()) return null;
        ParkedHere.Parked parked = parkedHere.parked(inserted.id());
        if (parked != null && !parked.allKept()) return null;
        try {
            return logged(tx.execute(s -> parked == null
                    ? decide(payments.answerAtCommit(inserted, outcome.providerReference(), clock.instant()), false, null, outcome, answered)
                    : decide(payments.answerAtCommitWithParked(inserted, outcome.providerReference(), clock.instant()), true,
                    parked.callbacks(), outcome, answered)));
        } catch (CommitTail.NotOneRow notAsAssumed) {
            // A callback was parked meanwhile (or another check failed): nothing was stored; the long way decides.
            log.debug("payment {}: answer not stored in one round trip ({}); storing it with a read", inserted.id(),
                    notAsAssumed.getMessage());
            return null;
        }
    }

    /**
     * Stores the initiation's answer and settles what it settles. Also used by reconciliation for a
     * payment whose initiation never came back (the gateway died while waiting): that is UNKNOWN.
     */
    public void recordInitiation(String paymentId, Outcome outcome) {
        try {
            recordInitiation(paymentId, outcome, created -> {
            });
        } finally {
            parkedHere.answered(paymentId);
        }
    }

    private Created recordInitiation(String paymentId, Outcome outcome, Consumer<Created> answered) {
        return logged(tx.execute(status -> {
            // Answered already (reconciliation after a crash): who knows what was parked meanwhile.
            PaymentRepository.AnswerStored stored = payments.markInitiationAnswered(paymentId, outcome.providerReference(), clock.instant())
                    .orElseGet(() -> new PaymentRepository.AnswerStored(payments.lock(paymentId), true));
            return decide(stored.payment(), stored.callbacksParked(), null, outcome, answered);
        }));
    }

    /**
     * What the answer settles, in the transaction that stores it, the payment's row held (locked
     * by the UPDATE that stored the answer, by lock(), or — when that UPDATE goes with the commit —
     * by the commit's first write, every write here going after it).
     *
     * @param p          the payment as storing the answer leaves it
     * @param parkedHere the parked callbacks as this instance kept them, when it kept every one; null to read them
     */
    private Created decide(Payment p, boolean callbacksParked, List<ParkedCallback> parkedHere, Outcome outcome,
                           Consumer<Created> answered) {
        // Only at initiation do NotSent and Unknown settle anything; the rest is the usual mapping.
        Payment moved = switch (outcome) {
            case Outcome.NotSent n -> transitions.moveHeldTo(p, PaymentStatus.FAILED, null, new FailureReason(
                    "provider_unreachable", "The provider could not be reached (" + n.reason() + "); nothing was charged",
                    "The payment service is unavailable, please try again shortly", true, null, null));
            case Outcome.Unknown u -> transitions.moveHeldTo(p, PaymentStatus.UNKNOWN, null, null);
            default -> transitions.applyDefiniteToHeld(p, outcome);
        };
        // Callbacks that came before this answer are applied now, in this transaction; whoever
        // moves the payment says how it left it.
        InitiationAnswered answer = new InitiationAnswered(p.id(), moved != null ? moved : p, callbacksParked, parkedHere);
        events.publishEvent(answer);
        Created c = new Created(answer.latest(), outcome);
        answered.accept(c);
        return c;
    }

    /**
     * Why an answer is unknown has no column (the status is the fact), so the log keeps it for
     * whoever looks into it: once, after the commit (a shortcut that rolled back does not count).
     */
    private static Created logged(Created created) {
        if (created.initiation() instanceof Outcome.Unknown u) {
            log.warn("{} {}: the provider's answer is unknown ({}); reconciliation will ask the provider",
                    created.payment().objectName(), created.payment().id(), u.reason());
        }
        return created;
    }
}
