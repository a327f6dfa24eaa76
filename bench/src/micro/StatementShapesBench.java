import org.flywaydb.core.Flyway;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What PostgreSQL and its JDBC client spend per payment flow for several shapes of the same writes
 * (run by bench/pg-shapes): "today", the statements and transactions Malipo sends for one flow
 * in the benchmark's instant mode, as captured with log_statement = all ("round15": as it sent them
 * before round 16, described below); and "batched", the same
 * rows written for N flows at a time, one multi-row statement where today sends one per flow —
 * what a gateway gathering concurrent requests into shared transactions would send — as VALUES
 * lists of N rows ("values"), or as arrays taken apart by unnest(), planned for each batch
 * ("arrays") or with the prepared statements' generic plans ("arrays-generic"). And the flow as
 * with a real provider, the callback after the answer ("answered-first", see there). No gateway,
 * no HTTP: only the database's work and the driver's, so the difference is what cross-flow
 * batching could buy at most on those two, before its own costs (the wait to gather a batch, and
 * falling back to one flow at a time when one row of a batch fails).
 *
 * <p>Per flow, today: the claim as below; the callback parked in one round trip, its payment's
 * row not read first; the answer and the decision of the callback kept in memory in one round
 * trip (see {@link Client#today}); the write-behind as below. Per flow in round 15 ("round15"):
 * (1) the idempotency key's claim and the payment's INSERT, one statement,
 * autocommit; (2) the callback, parked: the payment locked by its callback token, then its
 * parked flag, the callback's row and the COMMIT in one round trip; (3) the initiation's answer:
 * the UPDATE storing it (RETURNING the row), the parked callbacks' SELECT, then the status change
 * (checked to change one row), the event with its delivery, the callback's processed status, the
 * idempotency key's stored answer and the COMMIT in one round trip; (4) the webhook attempt and
 * the delivery's status, as the write-behind sends them: JDBC batches, 25 flows to a COMMIT.
 */
public final class StatementShapesBench {
    static final int WRITE_BEHIND_FLOWS = 25;
    static final boolean SORTED_IDS = "sorted".equals(System.getProperty("ids"));

    /** A flow's state columns as before V10 made them domains: table, column, type, the states. */
    static final String[][] STATE_COLUMNS = {
            {"payments", "kind", "varchar(16)", "'collection', 'payout'"},
            {"payments", "mode", "varchar(8)", "'test', 'live'"},
            {"payments", "status", "varchar(16)", "'pending', 'unknown', 'succeeded', 'failed', 'expired'"},
            {"idempotency_keys", "state", "varchar(16)", "'in_progress', 'completed'"},
            {"provider_callbacks", "status", "varchar(16)", "'received', 'parked', 'processed', 'duplicate', 'rejected'"},
            {"webhook_deliveries", "status", "varchar(16)", "'pending', 'delivered', 'failed'"}};

    /** A STATE_COLUMNS row's column taken back from its domain to its plain varchar. */
    static String asVarchar(String[] c) {
        return "alter table " + c[0] + " alter column " + c[1] + " type " + c[2];
    }

    /**
     * The schema the flows write to: "migrated" as the gateway's migrations leave it; "round16-keys"
     * with the seven foreign keys on the payment path that V8 dropped put back; "round16-indexes"
     * with the three indexes V9 dropped put back; "round16" with both — round 16's schema (V10's
     * domains aside); "round17" with a flow's states as table CHECK constraints instead of V10's
     * domains; "no-checks" with its state columns plain varchar (never Malipo's schema).
     */
    static void schema(String url, String which) throws SQLException {
        List<String> keys = List.of(
                "alter table payments add foreign key (merchant_id) references merchants (id)",
                "alter table payments add foreign key (provider_account_id) references provider_accounts (id)",
                "alter table provider_callbacks add foreign key (payment_id) references payments (id)",
                "alter table payment_events add foreign key (merchant_id) references merchants (id)",
                "alter table payment_events add foreign key (payment_id) references payments (id)",
                "alter table webhook_deliveries add foreign key (event_id) references payment_events (id)",
                "alter table webhook_attempts add foreign key (delivery_id) references webhook_deliveries (id)");
        List<String> indexes = List.of(
                "create index payment_events_merchant_idx on payment_events (merchant_id, created_at)",
                "create index webhook_deliveries_event_idx on webhook_deliveries (event_id)",
                "create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id)");
        List<String> restore = switch (which) {
            case "migrated" -> List.of();
            case "round16-keys" -> keys;
            case "round16-indexes" -> indexes;
            case "round16" -> java.util.stream.Stream.concat(keys.stream(), indexes.stream()).toList();
            // Round 17's: the states as table CHECK constraints, which V10 made domains.
            case "round17" -> Arrays.stream(STATE_COLUMNS).map(c -> asVarchar(c)
                    + ", add constraint " + c[0] + "_" + c[1] + "_check check (" + c[1] + " in (" + c[3] + "))").toList();
            // Not a schema Malipo had: what checking the states on the rows a flow writes costs.
            case "no-checks" -> Arrays.stream(STATE_COLUMNS).map(StatementShapesBench::asVarchar).toList();
            default -> throw new IllegalArgumentException("schema: migrated, round16-keys, round16-indexes, round16, round17 or no-checks");
        };
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            for (String r : restore) st.execute(r);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String shape = args[1];
        int batch = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmupSeconds = Integer.parseInt(args[4]);
        int measureSeconds = Integer.parseInt(args[5]);
        Path repo = Path.of(args[6]);
        int history = args.length > 7 ? Integer.parseInt(args[7]) : 200_000;
        // Which of a flow's transactions the values shape batches (the others go one flow at a time, as today).
        Set<String> batchedKinds = Set.of((args.length > 8 ? args[8] : "create,park,answer").split(","));
        if (!Set.of("create", "park", "answer").containsAll(batchedKinds)) {
            throw new IllegalArgumentException("batched kinds: create, park and/or answer");
        }
        if (!List.of("today", "round15", "answered-first", "answered-first-at-commit", "arrays", "arrays-generic", "values").contains(shape)) {
            throw new IllegalArgumentException("shape: today, answered-first, answered-first-at-commit, arrays, arrays-generic or values");
        }
        boolean answeredFirst = shape.startsWith("answered-first");
        boolean round15 = shape.equals("round15");
        boolean today = shape.equals("today") || round15 || answeredFirst;
        boolean arrays = shape.startsWith("arrays");
        int perRound = today ? 1 : batch;

        Flyway.configure().dataSource(url, "postgres", "")
                .locations("filesystem:" + repo.resolve("gateway/src/main/resources/db/migration"),
                        "filesystem:" + repo.resolve("gateway/src/main/resources/db/vendor/postgresql"))
                .load().migrate();
        schema(url, System.getProperty("schema", "migrated"));
        Fixture fixture = Fixture.seed(url);
        fixture.history(url, history);

        AtomicLong flows = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                try (Connection conn = DriverManager.getConnection(url, "postgres", "")) {
                    Client client = new Client(conn, fixture);
                    if (shape.equals("arrays")) {
                        // Planned for the arrays each batch has (a generic plan cannot know how many
                        // elements an unnest() gives, and guesses 10): what planning every batch costs.
                        exec(conn, "set plan_cache_mode = force_custom_plan");
                    }
                    while (!stop.get()) {
                        if (answeredFirst) client.answeredFirst(shape.endsWith("at-commit"));
                        else if (round15) client.round15();
                        else if (today) client.today();
                        else if (arrays) client.batched(perRound);
                        else client.values(perRound, batchedKinds);
                        flows.addAndGet(perRound);
                    }
                    client.flushWriteBehind();
                } catch (Throwable e) {
                    failures.incrementAndGet();
                    e.printStackTrace();
                }
            }));
        }
        Thread.sleep(warmupSeconds * 1000L);
        Sample before = Sample.take(url);
        long flowsBefore = flows.get();
        Thread.sleep(measureSeconds * 1000L);
        Sample after = Sample.take(url);
        long measured = flows.get() - flowsBefore;
        stop.set(true);
        for (Thread t : threads) t.join();
        if (failures.get() > 0) throw new IllegalStateException(failures.get() + " client(s) failed");

        double seconds = (after.nanos - before.nanos) / 1e9;
        double pgMs = (after.pgTicks - before.pgTicks) * 10.0; // USER_HZ = 100
        double clientMs = (after.clientCpuNanos - before.clientCpuNanos) / 1e6;
        String only = shape.equals("values") && batchedKinds.size() < 3 ? " (batched: " + String.join(",", new TreeSet<>(batchedKinds)) + ")" : "";
        System.out.printf("shape %s, %d flow(s) per statement%s, %d client(s), %d s measured after %d s, %d flows of history, %s ids%n",
                shape, perRound, only, clients, measureSeconds, warmupSeconds, history, SORTED_IDS ? "time-ordered" : "random");
        System.out.printf("  flows/s %10.1f%n", measured / seconds);
        System.out.printf("  postgresql   %6.3f ms CPU per flow (%.2f cores)%n", pgMs / measured, pgMs / 1000 / seconds);
        System.out.printf("  jdbc client  %6.3f ms CPU per flow (%.2f cores)%n", clientMs / measured, clientMs / 1000 / seconds);
        System.out.printf("  commits      %6.2f per flow%n", (double) (after.commits - before.commits) / measured);
        System.out.printf("  wal          %6.0f bytes per flow%n", (double) (after.walBytes - before.walBytes) / measured);
        System.out.printf("  host steal   %6.1f %%%n", 100.0 * (after.steal - before.steal) / Math.max(1, after.allTicks - before.allTicks));
        Fixture.check(url, flows.get(), history);
    }

    /** The merchant, its provider account and its webhook endpoint every flow uses. */
    record Fixture(String merchantId, String accountId, String endpointId, String endpointUrl) {
        static Fixture seed(String url) throws SQLException {
            Fixture f = new Fixture("mer_shapes", "pa_shapes", "we_shapes", "http://127.0.0.1:9/webhooks");
            Timestamp now = Timestamp.from(Instant.now());
            try (Connection conn = DriverManager.getConnection(url, "postgres", "")) {
                exec(conn, "insert into merchants (id, name, webhook_secret_enc, created_at) values (?, 'Shapes', 'x', ?)",
                        f.merchantId, now);
                exec(conn, "insert into provider_accounts (id, merchant_id, provider, country, mode, base_url, settings_enc, created_at)"
                        + " values (?, ?, 'mpesa', 'KE', 'test', 'http://127.0.0.1:9', 'x', ?)", f.accountId, f.merchantId, now);
                exec(conn, "insert into webhook_endpoints (id, merchant_id, url, events, secret_enc, enabled, created_at)"
                        + " values (?, ?, ?, '*', 'x', true, ?)", f.endpointId, f.merchantId, f.endpointUrl, now);
            }
            return f;
        }

        /**
         * Rows of settled flows already in every table, analysed, as a database in service has
         * them: on empty tables a prepared statement's plan, made for the first rows, scans them
         * whole and keeps doing so until autovacuum's first ANALYZE, a minute or more later.
         */
        void history(String url, int flows) throws SQLException {
            try (Connection conn = DriverManager.getConnection(url, "postgres", "")) {
                String g = " from generate_series(1, " + flows + ") g";
                exec(conn, "insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference,"
                        + " metadata, provider, provider_account_id, callback_token, created_at, updated_at, initiation_answered_at,"
                        + " completed_at, provider_reference, receipt, callbacks_parked)"
                        + " select 'pay_h' || g, ?, 'collection', 'test', 'succeeded', 10.00, 'KES', '+254708000054', 'safaricom', 'h' || g,"
                        + " '{}', 'mpesa', ?, md5('t' || g), now(), now(), now(), now(), 'ws_CO_h' || g, 'R' || g, true" + g,
                        merchantId, accountId);
                exec(conn, "insert into idempotency_keys (merchant_id, idem_key, request_hash, state, resource_id, response_status,"
                        + " response_body, locked_at, created_at) select ?, 'h' || g, md5('h' || g), 'completed', 'pay_h' || g, 201,"
                        + " repeat('x', 700), now(), now()" + g, merchantId);
                exec(conn, "insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,"
                        + " dedupe_key, note, processed_at) select 'cb_h' || g, 'pay_h' || g, now(), '127.0.0.1', repeat('x', 150),"
                        + " repeat('x', 400), 'result', 'processed', 'stk:h' || g, 'applied', now()" + g);
                exec(conn, "insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)"
                        + " select 'evt_h' || g, ?, 'pay_h' || g, 'payment.succeeded', repeat('x', 900), now()" + g, merchantId);
                exec(conn, "insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, last_status_code,"
                        + " created_at, delivered_at) select 'whd_h' || g, 'evt_h' || g, ?, ?, 'delivered', 1, 200, now(), now()" + g,
                        endpointId, endpointUrl);
                exec(conn, "insert into webhook_attempts (id, delivery_id, attempt_no, attempted_at, status_code, duration_ms, success)"
                        + " select 'wha_h' || g, 'whd_h' || g, 1, now(), 200, 3, true" + g);
                exec(conn, "vacuum analyze");
            }
        }

        /** Every flow written ended as Malipo's do: succeeded, its callback processed, its webhook delivered. */
        static void check(String url, long flows, long history) throws SQLException {
            try (Connection conn = DriverManager.getConnection(url, "postgres", "");
                 Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("""
                         select (select count(*) from payments where status = 'succeeded' and initiation_answered_at is not null),
                                (select count(*) from payments),
                                (select count(*) from provider_callbacks where status = 'processed'),
                                (select count(*) from webhook_deliveries where status = 'delivered'),
                                (select count(*) from webhook_attempts),
                                (select count(*) from idempotency_keys where state = 'completed')""")) {
                rs.next();
                long[] n = {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)};
                for (long x : n) {
                    if (x != flows + history) throw new IllegalStateException("expected " + flows + " of each row, found " + Arrays.toString(n));
                }
                System.out.printf("  check        %d flows (and %d before them): every payment succeeded, callback processed, webhook delivered, key completed%n", flows, history);
            }
        }
    }

    /** CPU and database counters at one instant. */
    record Sample(long nanos, long pgTicks, long clientCpuNanos, long commits, long walBytes, long steal, long allTicks) {
        static Sample take(String url) throws Exception {
            long commits;
            long wal;
            try (Connection conn = DriverManager.getConnection(url, "postgres", "");
                 Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("select (select xact_commit from pg_stat_database where datname = current_database()),"
                         + " (select wal_bytes from pg_stat_wal)")) {
                rs.next();
                commits = rs.getLong(1);
                wal = rs.getLong(2);
            }
            long pg = 0;
            try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path dir : dirs) {
                    String stat;
                    try {
                        stat = Files.readString(dir.resolve("stat"));
                    } catch (Exception gone) {
                        continue;
                    }
                    if (!stat.contains("(postgres)")) continue;
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    pg += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                }
            }
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < cpu.length; i++) all += Long.parseLong(cpu[i]);
            long client = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Sample(System.nanoTime(), pg, client, commits, wal, Long.parseLong(cpu[8]), all);
        }
    }

    /** One connection, writing flows as one of the two shapes does. */
    static final class Client {
        private static final String CALLBACK_HEADERS = "{\"content-length\":[\"394\"],\"host\":[\"127.0.0.1:18080\"],"
                + "\"user-agent\":[\"Java-http-client/25.0.3\"],\"content-type\":[\"application/json\"]}";

        /** The gateway's statements, as captured (see the class comment), where more than one shape sends them. */
        private static final String ANSWER = """
                update payments set initiation_answered_at = ?, updated_at = ?,
                  provider_reference = coalesce(provider_reference, ?)
                where id = ? and initiation_answered_at is null""";
        private static final String COMPLETE_KEY = """
                update idempotency_keys set state = 'completed', response_status = ?, response_body = ?
                where merchant_id = ? and idem_key = ?""";
        /** The status change checked to change one row, then the event with its delivery. */
        private static final String SETTLE = """
                with w as (update payments set status = ?, updated_at = ?, completed_at = ?,
                  first_check_at = case when cast(? as boolean) then null else first_check_at end,
                  receipt = coalesce(?, receipt),
                  failure_code = ?, failure_message = ?, failure_customer_message = ?, failure_retryable = ?,
                  provider_code = ?, provider_message = ?
                where id = ? and status = ? returning 1) select malipo_expect_one_row(count(*), ?) from w;
                with event as (insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)
                select ?, ?, ?, ?, ?, ? where not exists
                  (select 1 from payment_events where payment_id = ? and type = ?) returning id)
                insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                select d.id, event.id, d.endpoint_id, d.url, 'pending', 0,
                  cast(? as timestamp with time zone), cast(? as timestamp with time zone)
                from event, (values (?, ?, ?)) as d (id, endpoint_id, url);
                """;

        private final Connection conn;
        private final Fixture f;
        private final List<String[]> delivered = new ArrayList<>(); // {delivery id, attempt id}

        Client(Connection conn, Fixture f) {
            this.conn = conn;
            this.f = f;
        }

        /** One flow's made-up values, as long as Malipo's. */
        private record Flow(String paymentId, String key, String hash, String token, String callbackId, String checkout,
                            String receipt, String eventId, String deliveryId) {
            static Flow next() {
                return new Flow("pay_" + rowId(), id(8), id(64), id(32), "cb_" + rowId(), "ws_CO_" + id(19), id(10).toUpperCase(),
                        "evt_" + rowId(), "whd_" + rowId());
            }

            String callbackBody() {
                return "{\"Body\":{\"stkCallback\":{\"MerchantRequestID\":\"20118-34070826-1\",\"CheckoutRequestID\":\"" + checkout
                        + "\",\"ResultCode\":0,\"ResultDesc\":\"The service request is processed successfully.\",\"CallbackMetadata\":"
                        + "{\"Item\":[{\"Name\":\"Amount\",\"Value\":10},{\"Name\":\"MpesaReceiptNumber\",\"Value\":\"" + receipt
                        + "\"},{\"Name\":\"TransactionDate\",\"Value\":20261203155129},{\"Name\":\"PhoneNumber\",\"Value\":254708000054}]}}}}";
            }

            String view(String accountId, Instant now) {
                return "{\"id\":\"" + paymentId + "\",\"object\":\"payment\",\"status\":\"succeeded\",\"amount\":\"10\",\"currency\":\"KES\","
                        + "\"phone\":\"+254708000054\",\"network\":\"safaricom\",\"reference\":\"" + key + "\",\"description\":null,"
                        + "\"metadata\":{},\"provider\":\"mpesa\",\"provider_account\":\"" + accountId + "\",\"provider_reference\":\""
                        + checkout + "\",\"receipt\":\"" + receipt + "\",\"failure\":null,\"livemode\":false,\"created_at\":\"" + now
                        + "\",\"updated_at\":\"" + now + "\",\"completed_at\":\"" + now + "\"}";
            }

            String event(String accountId, Instant now) {
                return "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"payment.succeeded\",\"created_at\":\"" + now
                        + "\",\"livemode\":false,\"data\":{\"object\":" + view(accountId, now) + "}}";
            }
        }

        /**
         * A row's id: 24 random characters, or with {@code -Dids=sorted} the creation time's 10
         * characters (milliseconds) then 14 random ones, so that new rows go to the right edge of
         * each primary key's B-tree instead of to a random page of it.
         */
        private static String rowId() {
            if (!SORTED_IDS) return id(24);
            String alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
            char[] time = new char[10];
            long ms = System.currentTimeMillis();
            for (int i = 9; i >= 0; i--, ms >>>= 5) time[i] = alphabet.charAt((int) (ms & 31));
            return new String(time) + id(14);
        }

        private static String id(int n) {
            String alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
            StringBuilder b = new StringBuilder(n);
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            return b.toString();
        }

        /** {@link #SETTLE}'s parameters: the payment succeeded at {@code when}. */
        private List<Object> settleArgs(Flow x, Instant when) {
            Timestamp at = Timestamp.from(when);
            return new ArrayList<>(Arrays.asList("succeeded", at, at, true, x.receipt, null, null, null, null, null, null, x.paymentId,
                    "pending", "payment " + x.paymentId + " was no longer pending though this transaction held its row",
                    x.eventId, f.merchantId, x.paymentId, "payment.succeeded", x.event(f.accountId, when), at, x.paymentId,
                    "payment.succeeded", at, Timestamp.from(when.plusSeconds(30)), x.deliveryId, f.endpointId, f.endpointUrl));
        }

        /**
         * The gateway's flow in instant mode since round 16: the claim with the payment; the
         * callback parked in one round trip (the payment's note of it checked to change one
         * unanswered row, the callback's row, the COMMIT), its row not read first; the answer in
         * one round trip (the answer's UPDATE checked against a parked row, the status change,
         * event and delivery, the kept callback's status checked, the check that no other is
         * parked, the key's answer, the COMMIT).
         */
        void today() throws SQLException {
            Flow x = Flow.next();
            todayCreate(x);
            conn.setAutoCommit(false);
            Timestamp received = Timestamp.from(Instant.now());
            exec(conn, """
                            with w as (update payments set callbacks_parked = true
                            where id = ? and callback_token = ? and initiation_answered_at is null returning 1) select malipo_expect_one_row(count(*), ?) from w;
                            insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                              dedupe_key, note, processed_at)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
                            commit""",
                    x.paymentId, x.token, "payment " + x.paymentId + " was answered", x.callbackId, x.paymentId, received, "127.0.0.1",
                    CALLBACK_HEADERS, x.callbackBody(), "result", "parked", null, null, null);
            conn.commit();

            Instant answered = Instant.now();
            Timestamp at = Timestamp.from(answered);
            List<Object> args = new ArrayList<>(Arrays.asList(at, at, x.checkout, x.paymentId, "payment " + x.paymentId + " not as kept"));
            args.addAll(settleArgs(x, answered));
            args.addAll(List.of("processed", "stk:" + x.checkout, "applied", at, x.callbackId, "callback " + x.callbackId + " not parked"));
            args.addAll(List.of("payment " + x.paymentId + " has other parked callbacks", x.paymentId));
            args.addAll(List.of(201, x.view(f.accountId, answered), f.merchantId, x.key));
            exec(conn, "with w as (" + ANSWER + " and callbacks_parked returning 1) select malipo_expect_one_row(count(*), ?) from w;\n"
                    + SETTLE + """
                    with w as (update provider_callbacks set status = ?, dedupe_key = ?, note = ?, processed_at = ?
                    where id = ? and status = 'parked' returning 1) select malipo_expect_one_row(count(*), ?) from w;
                    select malipo_expect_one_row(1 - count(*), ?) from provider_callbacks where payment_id = ? and status = 'parked';
                    """ + COMPLETE_KEY + ";\ncommit", args.toArray());
            conn.commit();
            delivered(x);
        }

        /** The gateway's flow in instant mode in rounds 12-15: six round trips (see the class comment). */
        void round15() throws SQLException {
            Flow x = Flow.next();
            todayCreate(x);
            todayPark(x);
            todayAnswer(x);
            delivered(x);
        }

        /**
         * One flow as with a real provider, whose callback comes seconds after the STK push is
         * answered: the claim with the payment; the answer (its UPDATE returning the row, then the
         * key's stored answer with the COMMIT); the callback decided in its own request (the
         * payment locked by its token, then the status change, event and delivery, the callback's
         * row and the COMMIT). With {@code answerAtCommit}, the answer's UPDATE goes with its
         * COMMIT instead, checked to change one row (unparked, unanswered): one round trip less.
         */
        void answeredFirst(boolean answerAtCommit) throws SQLException {
            Flow x = Flow.next();
            todayCreate(x);
            conn.setAutoCommit(false);
            Instant answered = Instant.now();
            Timestamp at = Timestamp.from(answered);
            if (answerAtCommit) {
                exec(conn, "with w as (" + ANSWER + " and not callbacks_parked returning 1) select malipo_expect_one_row(count(*), ?) from w;\n"
                                + COMPLETE_KEY + ";\ncommit",
                        at, at, x.checkout, x.paymentId, "payment " + x.paymentId + " was answered or had callbacks parked",
                        201, x.view(f.accountId, answered), f.merchantId, x.key);
            } else {
                readAll(conn, ANSWER + " returning *", at, at, x.checkout, x.paymentId);
                exec(conn, COMPLETE_KEY + ";\ncommit", 201, x.view(f.accountId, answered), f.merchantId, x.key);
            }
            conn.commit();

            readAll(conn, "select * from payments where callback_token = ? for update", x.token);
            Instant decided = Instant.now();
            Timestamp now = Timestamp.from(decided);
            List<Object> args = settleArgs(x, decided);
            args.addAll(Arrays.asList(x.callbackId, x.paymentId, now, "127.0.0.1", CALLBACK_HEADERS, x.callbackBody(), "result",
                    "processed", "stk:" + x.checkout, "applied", now));
            exec(conn, SETTLE + """
                            insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                              dedupe_key, note, processed_at)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
                            commit""", args.toArray());
            conn.commit();
            delivered(x);
        }

        private void todayCreate(Flow x) throws SQLException {
            Timestamp created = Timestamp.from(Instant.now());
            conn.setAutoCommit(true);
            exec(conn, """
                            with first_write as (insert into idempotency_keys (merchant_id, idem_key, request_hash, state, resource_id, locked_at, created_at)
                            values (?, ?, ?, 'in_progress', ?, ?, ?))
                            insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference,
                              description, metadata, webhook_url, provider, provider_account_id, callback_token, created_at, updated_at,
                              first_check_at)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    f.merchantId, x.key, x.hash, x.paymentId, created, created,
                    x.paymentId, f.merchantId, "collection", "test", "pending", new BigDecimal("10.00"), "KES", "+254708000054",
                    "safaricom", x.key, null, "{}", null, "mpesa", f.accountId, x.token, created, created,
                    Timestamp.from(created.toInstant().plusSeconds(90)));
        }

        private void todayPark(Flow x) throws SQLException {
            conn.setAutoCommit(false);
            readAll(conn, "select * from payments where callback_token = ? for update", x.token);
            Timestamp received = Timestamp.from(Instant.now());
            exec(conn, """
                            update payments set callbacks_parked = true where id = ?;
                            insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                              dedupe_key, note, processed_at)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
                            commit""",
                    x.paymentId, x.callbackId, x.paymentId, received, "127.0.0.1", CALLBACK_HEADERS, x.callbackBody(), "result",
                    "parked", null, null, null);
            conn.commit();
        }

        private void todayAnswer(Flow x) throws SQLException {
            Instant answered = Instant.now();
            Timestamp at = Timestamp.from(answered);
            readAll(conn, ANSWER + " returning *", at, at, x.checkout, x.paymentId);
            readAll(conn, """
                    select id, payment_id, headers, body, channel, status from provider_callbacks
                    where payment_id = ? and status = 'parked' order by received_at""", x.paymentId);
            List<Object> args = settleArgs(x, answered);
            args.addAll(List.of("processed", "stk:" + x.checkout, "applied", at, x.callbackId));
            args.addAll(List.of(201, x.view(f.accountId, answered), f.merchantId, x.key));
            exec(conn, SETTLE + """
                            update provider_callbacks set status = ?, dedupe_key = ?, note = ?, processed_at = ?
                            where id = ? and status in ('received', 'parked');
                            """ + COMPLETE_KEY + ";\ncommit", args.toArray());
            conn.commit();
        }

        void batched(int n) throws SQLException {
            List<Flow> xs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) xs.add(Flow.next());
            Instant createdAt = Instant.now();
            Timestamp created = Timestamp.from(createdAt);
            conn.setAutoCommit(true);
            exec(conn, """
                            with first_write as (insert into idempotency_keys (merchant_id, idem_key, request_hash, state, resource_id, locked_at, created_at)
                              select m, k, h, 'in_progress', r, l, l from unnest(?, ?, ?, ?, ?) as t (m, k, h, r, l))
                            insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference,
                              description, metadata, webhook_url, provider, provider_account_id, callback_token, created_at, updated_at,
                              first_check_at)
                            select * from unnest(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    texts(xs, x -> f.merchantId), texts(xs, Flow::key), texts(xs, Flow::hash), texts(xs, Flow::paymentId),
                    times(xs, created),
                    texts(xs, Flow::paymentId), texts(xs, x -> f.merchantId), texts(xs, x -> "collection"), texts(xs, x -> "test"),
                    texts(xs, x -> "pending"), conn.createArrayOf("numeric", xs.stream().map(x -> new BigDecimal("10.00")).toArray()),
                    texts(xs, x -> "KES"), texts(xs, x -> "+254708000054"), texts(xs, x -> "safaricom"), texts(xs, Flow::key),
                    texts(xs, x -> null), texts(xs, x -> "{}"), texts(xs, x -> null), texts(xs, x -> "mpesa"),
                    texts(xs, x -> f.accountId), texts(xs, Flow::token), times(xs, created), times(xs, created),
                    times(xs, Timestamp.from(createdAt.plusSeconds(90))));

            conn.setAutoCommit(false);
            readAll(conn, "select * from payments where callback_token = any(?) order by id for update", texts(xs, Flow::token));
            Timestamp received = Timestamp.from(Instant.now());
            exec(conn, """
                            update payments set callbacks_parked = true where id = any(?);
                            insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                              dedupe_key, note, processed_at)
                            select i, p, ?, '127.0.0.1', ?, b, 'result', 'parked', null, null, null from unnest(?, ?, ?) as t (i, p, b);
                            commit""",
                    texts(xs, Flow::paymentId), received, CALLBACK_HEADERS, texts(xs, Flow::callbackId), texts(xs, Flow::paymentId),
                    texts(xs, Flow::callbackBody));
            conn.commit();

            Instant answered = Instant.now();
            Timestamp at = Timestamp.from(answered);
            readAll(conn, """
                    update payments p set initiation_answered_at = ?, updated_at = ?,
                      provider_reference = coalesce(p.provider_reference, v.ref)
                    from unnest(?, ?) as v (id, ref)
                    where p.id = v.id and p.initiation_answered_at is null returning p.*""",
                    at, at, texts(xs, Flow::paymentId), texts(xs, Flow::checkout));
            readAll(conn, """
                    select id, payment_id, headers, body, channel, status from provider_callbacks
                    where payment_id = any(?) and status = 'parked' order by payment_id, received_at""", texts(xs, Flow::paymentId));
            exec(conn, """
                            with w as (update payments p set status = 'succeeded', updated_at = ?, completed_at = ?, first_check_at = null,
                              receipt = coalesce(v.receipt, p.receipt),
                              failure_code = null, failure_message = null, failure_customer_message = null, failure_retryable = null,
                              provider_code = null, provider_message = null
                            from unnest(?, ?) as v (id, receipt)
                            where p.id = v.id and p.status = 'pending' returning 1)
                            select malipo_expect_one_row(cast(count(*) = ? as integer), ?) from w;
                            with event as (insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)
                              select e.id, ?, e.payment_id, 'payment.succeeded', e.payload, ? from unnest(?, ?, ?) as e (id, payment_id, payload)
                              where not exists (select 1 from payment_events pe where pe.payment_id = e.payment_id and pe.type = 'payment.succeeded')
                              returning id, payment_id)
                            insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                            select d.id, event.id, ?, ?, 'pending', 0, ?, ?
                            from event join unnest(?, ?) as d (payment_id, id) on d.payment_id = event.payment_id;
                            update provider_callbacks c set status = 'processed', dedupe_key = v.dedupe, note = 'applied', processed_at = ?
                            from unnest(?, ?) as v (id, dedupe)
                            where c.id = v.id and c.status in ('received', 'parked');
                            update idempotency_keys k set state = 'completed', response_status = 201, response_body = v.body
                            from unnest(?, ?, ?) as v (m, k, body)
                            where k.merchant_id = v.m and k.idem_key = v.k;
                            commit""",
                    at, at, texts(xs, Flow::paymentId), texts(xs, Flow::receipt), n, "a payment of the batch was no longer pending",
                    f.merchantId, at, texts(xs, Flow::eventId), texts(xs, Flow::paymentId), texts(xs, x -> x.event(f.accountId, answered)),
                    f.endpointId, f.endpointUrl, at, Timestamp.from(answered.plusSeconds(30)),
                    texts(xs, Flow::paymentId), texts(xs, Flow::deliveryId),
                    at, texts(xs, Flow::callbackId), texts(xs, x -> "stk:" + x.checkout),
                    texts(xs, x -> f.merchantId), texts(xs, Flow::key), texts(xs, x -> x.view(f.accountId, answered)));
            conn.commit();
            for (Flow x : xs) delivered(x);
        }

        /**
         * The same rows as {@link #batched}, written as VALUES lists of exactly n rows instead of
         * arrays: the planner knows how many rows each statement has, so its generic plans (one
         * prepared statement per batch size) keep to index lookups and no batch is planned anew.
         */
        void values(int n, Set<String> batchedKinds) throws SQLException {
            List<Flow> xs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) xs.add(Flow.next());
            if (batchedKinds.contains("create")) valuesCreate(xs); else for (Flow x : xs) todayCreate(x);
            if (batchedKinds.contains("park")) valuesPark(xs); else for (Flow x : xs) todayPark(x);
            if (batchedKinds.contains("answer")) valuesAnswer(xs); else for (Flow x : xs) todayAnswer(x);
            for (Flow x : xs) delivered(x);
        }

        private void valuesCreate(List<Flow> xs) throws SQLException {
            int n = xs.size();
            Instant createdAt = Instant.now();
            Timestamp created = Timestamp.from(createdAt);
            Timestamp firstCheck = Timestamp.from(createdAt.plusSeconds(90));
            conn.setAutoCommit(true);
            List<Object> args = new ArrayList<>();
            for (Flow x : xs) args.addAll(List.of(f.merchantId, x.key, x.hash, x.paymentId, created, created));
            for (Flow x : xs) {
                args.addAll(Arrays.asList(x.paymentId, f.merchantId, "collection", "test", "pending", new BigDecimal("10.00"),
                        "KES", "+254708000054", "safaricom", x.key, null, "{}", null, "mpesa", f.accountId, x.token, created, created,
                        firstCheck));
            }
            exec(conn, """
                    with first_write as (insert into idempotency_keys (merchant_id, idem_key, request_hash, state, resource_id, locked_at, created_at)
                    values %s)
                    insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference,
                      description, metadata, webhook_url, provider, provider_account_id, callback_token, created_at, updated_at,
                      first_check_at)
                    values %s""".formatted(rows(n, "(?, ?, ?, 'in_progress', ?, ?, ?)"), rows(n, "(" + "?, ".repeat(18) + "?)")),
                    args.toArray());
        }

        private void valuesPark(List<Flow> xs) throws SQLException {
            int n = xs.size();
            conn.setAutoCommit(false);
            readAll(conn, "select * from payments where callback_token in " + list(n) + " order by id for update",
                    xs.stream().map(Flow::token).toArray());
            Timestamp received = Timestamp.from(Instant.now());
            List<Object> args = new ArrayList<>();
            for (Flow x : xs) args.add(x.paymentId);
            for (Flow x : xs) args.addAll(List.of(x.callbackId, x.paymentId, received, CALLBACK_HEADERS, x.callbackBody()));
            exec(conn, """
                    update payments set callbacks_parked = true where id in %s;
                    insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                      dedupe_key, note, processed_at)
                    values %s;
                    commit""".formatted(list(n), rows(n, "(?, ?, ?, '127.0.0.1', ?, ?, 'result', 'parked', null, null, null)")),
                    args.toArray());
            conn.commit();
        }

        private void valuesAnswer(List<Flow> xs) throws SQLException {
            int n = xs.size();
            Instant answered = Instant.now();
            Timestamp at = Timestamp.from(answered);
            List<Object> args = new ArrayList<>(List.of(at, at));
            for (Flow x : xs) args.addAll(List.of(x.paymentId, x.checkout));
            readAll(conn, """
                    update payments p set initiation_answered_at = ?, updated_at = ?,
                      provider_reference = coalesce(p.provider_reference, v.ref)
                    from (values %s) as v (id, ref)
                    where p.id = v.id and p.initiation_answered_at is null returning p.*""".formatted(rows(n, "(?, ?)")), args.toArray());
            readAll(conn, """
                    select id, payment_id, headers, body, channel, status from provider_callbacks
                    where payment_id in %s and status = 'parked' order by payment_id, received_at""".formatted(list(n)),
                    xs.stream().map(Flow::paymentId).toArray());
            args.clear();
            args.addAll(List.of(at, at));
            for (Flow x : xs) args.addAll(List.of(x.paymentId, x.receipt));
            args.addAll(List.of(n, "a payment of the batch was no longer pending", f.merchantId, at));
            for (Flow x : xs) args.addAll(List.of(x.eventId, x.paymentId, x.event(f.accountId, answered)));
            args.addAll(List.of(f.endpointId, f.endpointUrl, at, Timestamp.from(answered.plusSeconds(30))));
            for (Flow x : xs) args.addAll(List.of(x.paymentId, x.deliveryId));
            args.add(at);
            for (Flow x : xs) args.addAll(List.of(x.callbackId, "stk:" + x.checkout));
            for (Flow x : xs) args.addAll(List.of(f.merchantId, x.key, x.view(f.accountId, answered)));
            exec(conn, """
                    with w as (update payments p set status = 'succeeded', updated_at = ?, completed_at = ?, first_check_at = null,
                      receipt = coalesce(v.receipt, p.receipt),
                      failure_code = null, failure_message = null, failure_customer_message = null, failure_retryable = null,
                      provider_code = null, provider_message = null
                    from (values %1$s) as v (id, receipt)
                    where p.id = v.id and p.status = 'pending' returning 1)
                    select malipo_expect_one_row(cast(count(*) = ? as integer), ?) from w;
                    with event as (insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)
                      select e.id, ?, e.payment_id, 'payment.succeeded', e.payload, ? from (values %2$s) as e (id, payment_id, payload)
                      where not exists (select 1 from payment_events pe where pe.payment_id = e.payment_id and pe.type = 'payment.succeeded')
                      returning id, payment_id)
                    insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                    select d.id, event.id, ?, ?, 'pending', 0, cast(? as timestamp with time zone), cast(? as timestamp with time zone)
                    from event join (values %1$s) as d (payment_id, id) on d.payment_id = event.payment_id;
                    update provider_callbacks c set status = 'processed', dedupe_key = v.dedupe, note = 'applied', processed_at = ?
                    from (values %1$s) as v (id, dedupe)
                    where c.id = v.id and c.status in ('received', 'parked');
                    update idempotency_keys k set state = 'completed', response_status = 201, response_body = v.body
                    from (values %2$s) as v (m, k, body)
                    where k.merchant_id = v.m and k.idem_key = v.k;
                    commit""".formatted(rows(n, "(?, ?)"), rows(n, "(?, ?, ?)")), args.toArray());
            conn.commit();
        }

        private static String rows(int n, String row) {
            return String.join(", ", Collections.nCopies(n, row));
        }

        private static String list(int n) {
            return "(" + rows(n, "?") + ")";
        }

        /** The webhook was answered 200: its attempt and the delivery's status go to the write-behind. */
        private void delivered(Flow x) throws SQLException {
            delivered.add(new String[]{x.deliveryId, "wha_" + rowId()});
            if (delivered.size() >= WRITE_BEHIND_FLOWS) flushWriteBehind();
        }

        void flushWriteBehind() throws SQLException {
            if (delivered.isEmpty()) return;
            conn.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement attempt = conn.prepareStatement("""
                    insert into webhook_attempts (id, delivery_id, attempt_no, attempted_at, status_code, duration_ms, error, success)
                    values (?, ?, ?, ?, ?, ?, ?, ?)""");
                 PreparedStatement delivery = conn.prepareStatement("""
                         update webhook_deliveries set status = ?, attempts = ?, last_status_code = ?, delivered_at = ?,
                           safety_net_at = case when cast(? as boolean) then safety_net_at else null end
                         where id = ?""")) {
                for (String[] d : delivered) {
                    set(attempt, d[1], d[0], 1, now, 200, 3L, null, true);
                    attempt.addBatch();
                    set(delivery, "delivered", 1, 200, now, false, d[0]);
                    delivery.addBatch();
                }
                attempt.executeBatch();
                delivery.executeBatch();
            }
            conn.commit();
            delivered.clear();
        }

        private Array texts(List<Flow> xs, java.util.function.Function<Flow, String> value) throws SQLException {
            return conn.createArrayOf("varchar", xs.stream().map(value).toArray());
        }

        private Array times(List<Flow> xs, Timestamp t) throws SQLException {
            return conn.createArrayOf("timestamptz", xs.stream().map(x -> t).toArray());
        }
    }

    static void exec(Connection conn, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            set(ps, args);
            boolean rs = ps.execute();
            while (rs || ps.getUpdateCount() != -1) {
                if (rs) try (ResultSet r = ps.getResultSet()) {
                    while (r.next()) r.getObject(1);
                }
                rs = ps.getMoreResults();
            }
        }
    }

    /** Reads every column of every row, as the gateway's row mappers do. */
    static void readAll(Connection conn, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            set(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) for (int i = 1; i <= columns; i++) rs.getObject(i);
            }
        }
    }

    static void set(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
    }
}
