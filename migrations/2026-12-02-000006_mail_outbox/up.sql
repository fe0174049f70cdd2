-- The mail outbox. A change that causes an e-mail inserts the message here in its own
-- transaction, so the message exists exactly when the change does. Each server runs a
-- worker that claims due messages (FOR UPDATE SKIP LOCKED, a lease in claimed_until),
-- sends them and marks them sent, or records the error and retries with backoff.
CREATE TABLE mail_outbox (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    to_address        TEXT NOT NULL CHECK (to_address <> ''),
    subject           TEXT NOT NULL,
    text_body         TEXT NOT NULL,
    html_body         TEXT,
    -- The URL for the List-Unsubscribe header, only for mail one can unsubscribe from.
    list_unsubscribe  TEXT,
    status            TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    -- Tries so far, successful or not.
    attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When a queued message is due (now, or later after a failed try).
    next_attempt_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- While 'sending': until when the worker that claimed it holds it. A lease that ran
    -- out (the worker died) makes the message claimable again.
    claimed_until     TIMESTAMPTZ,
    -- The worker that claimed it last (host:pid:random), kept to tell who sent it.
    claimed_by        TEXT,
    last_attempt_at   TIMESTAMPTZ,
    last_error        TEXT,
    sent_at           TIMESTAMPTZ,
    CONSTRAINT mail_outbox_lease_only_while_sending
        CHECK ((status = 'sending') = (claimed_until IS NOT NULL)),
    CONSTRAINT mail_outbox_sending_has_a_worker
        CHECK (status <> 'sending' OR claimed_by IS NOT NULL),
    CONSTRAINT mail_outbox_sent_at_only_when_sent
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

-- The worker's claim: queued messages that are due, oldest due first.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'queued';
-- Leases that ran out.
CREATE INDEX mail_outbox_lease_idx ON mail_outbox (claimed_until) WHERE status = 'sending';
-- The admin list by status, newest first, and the counts per status.
CREATE INDEX mail_outbox_status_idx ON mail_outbox (status, id DESC);

-- Wakes the workers (LISTEN jobboard_mail) when a message becomes due: queued now, or
-- made due again (a retry). Sent at commit, so a worker never looks before the row is
-- visible; identical notifications of one transaction arrive once.
CREATE FUNCTION jobboard_notify_mail_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobboard_mail', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER mail_outbox_notify_due
    AFTER INSERT OR UPDATE OF status, next_attempt_at ON mail_outbox
    FOR EACH ROW
    WHEN (NEW.status = 'queued' AND NEW.next_attempt_at <= now())
    EXECUTE FUNCTION jobboard_notify_mail_due();
