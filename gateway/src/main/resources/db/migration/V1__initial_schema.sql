-- One schema for PostgreSQL (production) and H2 in PostgreSQL mode (dev): only portable types.
-- Timestamps are UTC instants; money is NUMERIC with its currency beside it.

create table merchants (
    id                    varchar(40)  primary key,
    name                  varchar(200) not null,
    -- signs webhooks sent to a per-payment webhook_url (endpoints have their own secrets)
    webhook_secret_enc    varchar(512) not null,
    created_at            timestamp with time zone not null
);

create table api_keys (
    id            varchar(40) primary key,
    merchant_id   varchar(40) not null references merchants (id),
    key_hash      varchar(64) not null unique,  -- SHA-256 of the whole key; the key itself is never stored
    mode          varchar(8)  not null check (mode in ('test', 'live')),
    last4         varchar(4)  not null,
    created_at    timestamp with time zone not null,
    revoked_at    timestamp with time zone
);

create table provider_accounts (
    id             varchar(40)  primary key,
    merchant_id    varchar(40)  not null references merchants (id),
    provider       varchar(32)  not null,
    country        varchar(2)   not null,
    mode           varchar(8)   not null check (mode in ('test', 'live')),
    base_url       varchar(500) not null,
    settings_enc   varchar(8000) not null,      -- AES-GCM sealed JSON of credentials and options
    created_at     timestamp with time zone not null
);
create index provider_accounts_route_idx on provider_accounts (merchant_id, country, mode);

-- Payments (collections) and payouts share one table: one state machine, one set of jobs.
create table payments (
    id                      varchar(40)   primary key,
    merchant_id             varchar(40)   not null references merchants (id),
    kind                    varchar(16)   not null check (kind in ('collection', 'payout')),
    mode                    varchar(8)    not null check (mode in ('test', 'live')),
    status                  varchar(16)   not null check (status in ('pending', 'unknown', 'succeeded', 'failed', 'expired')),
    amount                  numeric(20, 4) not null,
    currency                varchar(3)    not null,
    phone                   varchar(20)   not null,
    network                 varchar(16)   not null,
    reference               varchar(64),
    description             varchar(255),
    metadata                varchar(4000),
    webhook_url             varchar(2048),
    provider                varchar(32)   not null,
    provider_account_id     varchar(40)   not null references provider_accounts (id),
    provider_reference      varchar(128),
    receipt                 varchar(64),
    failure_code            varchar(64),
    failure_message         varchar(500),
    failure_customer_message varchar(500),
    failure_retryable       boolean,
    provider_code           varchar(64),
    provider_message        varchar(500),
    callback_token          varchar(64)   not null unique,
    -- null while the initiation call is in flight: callbacks that arrive before are parked
    initiation_answered_at  timestamp with time zone,
    created_at              timestamp with time zone not null,
    updated_at              timestamp with time zone not null,
    completed_at            timestamp with time zone
);
create index payments_list_idx on payments (merchant_id, kind, created_at desc, id desc);
create index payments_status_idx on payments (status, created_at);
create index payments_provider_ref_idx on payments (provider, provider_reference);

create table idempotency_keys (
    merchant_id      varchar(40)  not null,
    idem_key         varchar(255) not null,
    request_hash     varchar(64)  not null,
    state            varchar(16)  not null check (state in ('in_progress', 'completed')),
    resource_id      varchar(40),
    response_status  integer,
    response_body    varchar(16000),
    locked_at        timestamp with time zone not null,
    created_at       timestamp with time zone not null,
    primary key (merchant_id, idem_key)
);

create table provider_callbacks (
    id             varchar(40)  primary key,
    payment_id     varchar(40)  not null references payments (id),
    received_at    timestamp with time zone not null,
    source_ip      varchar(64),
    headers        varchar(8000) not null,
    body           varchar(1048576) not null,
    channel        varchar(16)  not null,          -- 'result' or 'timeout'
    status         varchar(16)  not null check (status in ('received', 'parked', 'processed', 'duplicate', 'rejected')),
    dedupe_key     varchar(200),
    note           varchar(500),
    processed_at   timestamp with time zone
);
create index provider_callbacks_payment_idx on provider_callbacks (payment_id, status);

-- One row per state change: the unique key is what makes "exactly one webhook" hold.
create table payment_events (
    id            varchar(40)  primary key,
    merchant_id   varchar(40)  not null references merchants (id),
    payment_id    varchar(40)  not null references payments (id),
    type          varchar(64)  not null,
    payload       varchar(16000) not null,
    created_at    timestamp with time zone not null,
    unique (payment_id, type)
);
create index payment_events_merchant_idx on payment_events (merchant_id, created_at);

create table webhook_endpoints (
    id            varchar(40)   primary key,
    merchant_id   varchar(40)   not null references merchants (id),
    url           varchar(2048) not null,
    events        varchar(1000) not null,
    secret_enc    varchar(512)  not null,
    enabled       boolean       not null,
    created_at    timestamp with time zone not null
);

create table webhook_deliveries (
    id              varchar(40)   primary key,
    event_id        varchar(40)   not null references payment_events (id),
    endpoint_id     varchar(40),                    -- null for a per-payment webhook_url
    url             varchar(2048) not null,
    status          varchar(16)   not null check (status in ('pending', 'delivered', 'failed')),
    attempts        integer       not null,
    last_status_code integer,
    created_at      timestamp with time zone not null,
    delivered_at    timestamp with time zone
);
create index webhook_deliveries_event_idx on webhook_deliveries (event_id);

create table webhook_attempts (
    id              varchar(40)  primary key,
    delivery_id     varchar(40)  not null references webhook_deliveries (id),
    attempt_no      integer      not null,
    attempted_at    timestamp with time zone not null,
    status_code     integer,
    duration_ms     bigint       not null,
    error           varchar(500),
    success         boolean      not null
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id);

-- Access tokens shared by every gateway instance, one per credential set.
create table provider_tokens (
    cache_key     varchar(200) primary key,
    token_enc     varchar(8000),
    expires_at    timestamp with time zone
);

-- db-scheduler's table (durable, cluster-safe jobs).
create table scheduled_tasks (
    task_name            varchar(100) not null,
    task_instance        varchar(200) not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean not null,
    picked_by            varchar(200),
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures integer,
    last_heartbeat       timestamp with time zone,
    version              bigint not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index scheduled_tasks_execution_time_idx on scheduled_tasks (execution_time);
create index scheduled_tasks_last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index scheduled_tasks_priority_idx on scheduled_tasks (priority desc, execution_time asc);
