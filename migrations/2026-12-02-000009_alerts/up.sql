-- E-mail alerts for any search. An address (alert_subscribers) has up to 20 alerts; each
-- alert is one normalised search, confirmed by a link (double opt-in) before anything is
-- sent. Deleting an address's last alert deletes the address (no row is kept for later).
--
-- Tokens are never stored: the confirmation token is random and only its SHA-256 is kept
-- (like editor_sessions); the manage and unsubscribe tokens are derived from SECRET_KEY
-- and the row's random salt (so every digest can carry them), and only their SHA-256 is
-- kept to find the row by.
CREATE TABLE alert_subscribers (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Lower-cased: one row per mailbox.
    email              TEXT NOT NULL UNIQUE CHECK (email <> '' AND email = lower(email)),
    manage_salt        BYTEA NOT NULL CHECK (length(manage_salt) = 32),
    manage_token_hash  BYTEA NOT NULL UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id           BIGINT NOT NULL REFERENCES alert_subscribers (id) ON DELETE CASCADE,
    -- The search as the /jobs query string in its one normal form ('' = every job), and
    -- the one URL of its results (a landing page or /jobs?…), and its heading.
    search_query            TEXT NOT NULL,
    search_path             TEXT NOT NULL CHECK (search_path LIKE '/%'),
    label                   TEXT NOT NULL CHECK (label <> ''),
    frequency               TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    status                  TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'active', 'paused')),
    confirm_token_hash      BYTEA NOT NULL UNIQUE,
    confirm_expires_at      TIMESTAMPTZ NOT NULL,
    confirmed_at            TIMESTAMPTZ,
    unsubscribe_salt        BYTEA NOT NULL CHECK (length(unsubscribe_salt) = 32),
    unsubscribe_token_hash  BYTEA NOT NULL UNIQUE,
    -- The watermark: jobs posted after it are new to this alert. Set at confirmation,
    -- moved to the run's cut-off by every digest run (mail or not), in the transaction
    -- that queues the digest.
    last_digest_at          TIMESTAMPTZ,
    -- Jobs listed in the last digest sent, and when (for the manage page).
    last_sent_at            TIMESTAMPTZ,
    last_sent_jobs          INTEGER NOT NULL DEFAULT 0,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subscriber_id, search_query),
    CONSTRAINT alerts_confirmed_has_a_watermark
        CHECK (status = 'pending' OR (confirmed_at IS NOT NULL AND last_digest_at IS NOT NULL))
);

-- The digest run's claim: active alerts of one frequency whose watermark is older than
-- the slot being run, oldest first.
CREATE INDEX alerts_due_idx ON alerts (frequency, last_digest_at, id) WHERE status = 'active';
-- The manage page and the 20-per-address limit.
CREATE INDEX alerts_subscriber_idx ON alerts (subscriber_id);
-- Unconfirmed alerts are purged some time after their link expired.
CREATE INDEX alerts_pending_idx ON alerts (confirm_expires_at) WHERE status = 'pending';

-- Sign-ups per client address, for the limit of 10 an hour; rows older than an hour
-- are purged by the digest timer.
CREATE TABLE alert_signups (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_addr  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX alert_signups_client_idx ON alert_signups (client_addr, created_at);
