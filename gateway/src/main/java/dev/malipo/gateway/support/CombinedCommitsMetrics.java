package dev.malipo.gateway.support;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * How much {@link CommitCombiner} combines: {@code malipo_database_combined_commits_total} (commits
 * that carried two or more transactions), {@code malipo_database_combined_transactions_total} (the
 * transactions they carried) and {@code malipo_database_combined_refused_total} (batches the
 * database refused, whose members were sent again alone: many means transactions that often fail
 * their checks, and a batch is then dearer than none).
 */
@Component
class CombinedCommitsMetrics implements MeterBinder {
    private final CommitTail tail;

    CombinedCommitsMetrics(CommitTail tail) {
        this.tail = tail;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("malipo.database.combined.commits", tail, t -> t.combined().batches()).register(registry);
        FunctionCounter.builder("malipo.database.combined.transactions", tail, t -> t.combined().transactions()).register(registry);
        FunctionCounter.builder("malipo.database.combined.refused", tail, t -> t.combined().refused()).register(registry);
    }
}
