package dev.malipo.gateway.payments;

import dev.malipo.core.connector.Outcome;
import dev.malipo.core.payment.FailureReason;
import dev.malipo.core.payment.PaymentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;

/**
 * Every status change goes through here: a conditional UPDATE on the status the caller saw, and on
 * success one {@link PaymentStatusChanged} in the same transaction. A duplicate (a second callback,
 * a racing status check) finds the status already moved, updates nothing and emits nothing.
 */
@Service
public class PaymentTransitions {
    private static final Logger log = LoggerFactory.getLogger(PaymentTransitions.class);

    private final PaymentRepository payments;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    PaymentTransitions(PaymentRepository payments, ApplicationEventPublisher events, Clock clock) {
        this.payments = payments;
        this.events = events;
        this.clock = clock;
    }

    /** @return true when this call moved the payment (and emitted its event) */
    @Transactional
    public boolean move(Payment seen, PaymentStatus to, String receipt, FailureReason failure) {
        return moveTo(seen, to, receipt, failure) != null;
    }

    /** @return the payment as this call left it, or null when it did not move it */
    @Transactional
    public Payment moveTo(Payment seen, PaymentStatus to, String receipt, FailureReason failure) {
        if (!seen.status().canMoveTo(to)) {
            return null;
        }
        Payment now = payments.transition(seen.id(), seen.status(), to, receipt, failure, clock.instant()).orElse(null);
        if (now == null) {
            log.debug("payment {} no longer {}; {} not applied", seen.id(), seen.status(), to);
            return null;
        }
        return moved(seen, now, failure);
    }

    /**
     * {@link #moveTo} for a payment read under its row lock in the caller's transaction (its status
     * cannot move meanwhile): the change is sent with the transaction's last writes, one round
     * trip fewer ({@link PaymentRepository#transitionAtCommit}).
     */
    @Transactional
    public Payment moveHeldTo(Payment held, PaymentStatus to, String receipt, FailureReason failure) {
        if (!held.status().canMoveTo(to)) {
            return null;
        }
        return moved(held, payments.transitionAtCommit(held, to, receipt, failure, clock.instant()), failure);
    }

    private Payment moved(Payment seen, Payment now, FailureReason failure) {
        events.publishEvent(new PaymentStatusChanged(now, PaymentView.of(now)));
        log.info("payment {} {} -> {}{}", seen.id(), seen.status(), now.status(), failure == null ? "" : " (" + failure.code() + ")");
        return now;
    }

    /**
     * Applies a definite answer from the provider (a status query, or a trusted callback):
     * succeeded and declined settle the payment; pending, unknown and not-sent change nothing.
     */
    @Transactional
    public boolean applyDefinite(Payment seen, Outcome outcome) {
        return applyDefiniteTo(seen, outcome) != null;
    }

    /** {@link #applyDefinite}, returning the payment as it left it, or null when nothing moved. */
    @Transactional
    public Payment applyDefiniteTo(Payment seen, Outcome outcome) {
        return definite(seen, outcome, this::moveTo);
    }

    /** {@link #applyDefiniteTo} for a payment read under its row lock (see {@link #moveHeldTo}). */
    @Transactional
    public Payment applyDefiniteToHeld(Payment held, Outcome outcome) {
        return definite(held, outcome, this::moveHeldTo);
    }

    /** {@link #moveTo} or {@link #moveHeldTo}. */
    @FunctionalInterface
    private interface Move {
        Payment to(Payment seen, PaymentStatus to, String receipt, FailureReason failure);
    }

    /** Which outcomes settle a payment, and how: the one mapping both kinds of move share. */
    private static Payment definite(Payment seen, Outcome outcome, Move move) {
        return switch (outcome) {
            case Outcome.Succeeded s -> move.to(seen, PaymentStatus.SUCCEEDED, s.receipt(), null);
            case Outcome.Declined d -> move.to(seen, PaymentStatus.FAILED, null, d.reason());
            case Outcome.Pending p -> null;
            case Outcome.Unknown u -> null;
            case Outcome.NotSent n -> null;
        };
    }
}
