//! The outbox worker: one per server instance, on a thread of its own with its own
//! PostgreSQL connection (never on an actix worker or the request pool).
//!
//! It claims due messages in batches (`repo::outbox::claim_due`: `FOR UPDATE SKIP
//! LOCKED` and a five-minute lease, so instances share the queue and no message is held
//! by two), sends them through the transport on [`SENDERS`] threads at once (one SMTP
//! connection each, kept open between messages), and marks each sent or records the
//! failed try (exponential backoff, failed for good after the last try or a permanent
//! refusal) as soon as its outcome is known.
//!
//! When it looks: at once when woken — the `mail_outbox_notify_due` trigger sends
//! `NOTIFY jobboard_mail` when a queued message commits or is made due again, on
//! whichever instance — and otherwise every [`POLL_INTERVAL`], which finds retries
//! coming due and anything a lost notification missed. A PostgreSQL notification
//! rather than an in-process signal: it wakes every instance, only after the commit,
//! and whatever queued the message.
//!
//! When the transport is unavailable (no connection to the SMTP server), the worker
//! gives the rest of its batch back untried and pauses, 2 s at first and up to a minute,
//! so an outage costs few tries; the message that found the server down is retried
//! with its backoff.
//!
//! Sending and marking are two steps, so a crash between them sends that message again
//! once its lease runs out (same `Message-ID`). A lost database connection does not:
//! outcomes not yet written are kept and written after reconnecting, well within the
//! lease.

use super::transport::{Failure, MailTransport, SendError};
use crate::domain::mail::ClaimedMail;
use crate::repo::{self, outbox::AfterFailure};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The channel the outbox trigger notifies.
pub const CHANNEL: &str = "jobboard_mail";
/// Due messages are looked for at least this often.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Notifications and the stop flag are checked this often.
const TICK: Duration = Duration::from_millis(50);
/// Messages claimed at once: small enough that several instances share a burst.
const BATCH: i64 = 20;
/// Messages sent at the same time, each over its own SMTP connection. An SMTP exchange
/// is mostly waiting (five round trips a message, and with lettre 0.11.23 a 40 ms stall
/// per message: it does not set TCP_NODELAY), so a few connections multiply the rate;
/// mail servers commonly accept ten or more from one client.
pub const SENDERS: usize = 4;
/// How long a claim holds; a worker that died mid-batch frees its messages after it.
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// A batch older than this gives its unsent rest back, well before the lease runs out.
const BATCH_TIME: Duration = Duration::from_secs(120);
/// Pauses after the transport was unavailable: the first, doubled up to the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(2);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// A batch starts with one message alone unless one went out this recently.
const PROBE_AFTER: Duration = Duration::from_secs(30);
const RECONNECT_DELAY: Duration = Duration::from_secs(1);
/// Sent messages are kept this long for the admin page, then deleted.
const KEEP_SENT: TimeDelta = TimeDelta::days(30);
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// The running worker; [`MailWorker::stop`] ends it.
pub struct MailWorker {
    name: String,
    transport: String,
    /// True while connected and listening for wake-ups.
    listening: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl MailWorker {
    /// Starts sending the outbox of `database_url` through `transport`, from `from` (a
    /// checked `MAIL_FROM`).
    pub fn start(
        database_url: String,
        transport: Box<dyn MailTransport>,
        from: String,
    ) -> Arc<Self> {
        let name = worker_name();
        let stopping = Arc::new(AtomicBool::new(false));
        let listening = Arc::new(AtomicBool::new(false));
        let worker = Arc::new(Self {
            name: name.clone(),
            transport: transport.describe(),
            listening: listening.clone(),
            stopping: stopping.clone(),
            thread: Mutex::new(None),
        });
        tracing::info!(mail.transport = %transport.describe(), "mail goes to {}", transport.describe());
        let mut sender = Sender {
            name,
            transport,
            from,
            stopping,
            listening,
            unwritten: Vec::new(),
            unreleased: Vec::new(),
            paused_until: None,
            last_pause: Duration::ZERO,
            last_sent: None,
            next_purge: Instant::now(),
        };
        match std::thread::Builder::new()
            .name("mail".to_owned())
            .spawn(move || sender.run(&database_url))
        {
            Ok(handle) => *worker.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::error!(error = %e, "cannot start the mail worker thread"),
        }
        worker
    }

    /// Where messages go, for people: "SMTP server mail.example.org:587 (STARTTLS)".
    pub fn transport(&self) -> &str {
        &self.transport
    }

    /// Whether the worker is connected to the database and hears wake-ups.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// The name this worker claims messages under (`claimed_by`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stops the worker and waits for it: a message being sent is finished and marked,
    /// the rest of the batch is given back. Call it before the process exits (see
    /// `LiveCatalog::stop`).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle
            && handle.thread().id() != std::thread::current().id()
        {
            let _ = handle.join();
        }
    }
}

impl Drop for MailWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Unique among running workers: host, process and a random part.
fn worker_name() -> String {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    format!(
        "{}:{}:{:08x}",
        hostname(),
        std::process::id(),
        u32::from_be_bytes(bytes)
    )
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned())
}

/// A try's outcome, to be written to the outbox.
struct Settle {
    mail: ClaimedMail,
    result: Result<(), SendError>,
    at: DateTime<Utc>,
}

/// What the worker thread owns.
struct Sender {
    name: String,
    transport: Box<dyn MailTransport>,
    from: String,
    stopping: Arc<AtomicBool>,
    listening: Arc<AtomicBool>,
    /// Outcomes not yet written (the database went away after the send).
    unwritten: Vec<Settle>,
    /// Claimed messages not tried, to give back once the database is there again.
    unreleased: Vec<i64>,
    /// No claims until then (the transport was unavailable).
    paused_until: Option<Instant>,
    /// The last pause's length; zero once a message was sent.
    last_pause: Duration,
    /// When a batch last sent a message.
    last_sent: Option<Instant>,
    next_purge: Instant,
}

impl Sender {
    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    fn run(&mut self, database_url: &str) {
        let mut failures = 0u32;
        while !self.stopping() {
            let result = self.run_connected(database_url);
            self.listening.store(false, Ordering::Release);
            match result {
                Ok(()) => return,
                Err(e) => {
                    failures += 1;
                    // Once per outage, not once a second.
                    if failures == 1 {
                        tracing::warn!(error = %e, "the mail worker lost the database; retrying");
                    }
                }
            }
            let retry_at = Instant::now() + RECONNECT_DELAY;
            while Instant::now() < retry_at && !self.stopping() {
                std::thread::sleep(TICK);
            }
        }
    }

    /// Works until stopped (`Ok`) or the connection fails (`Err`).
    fn run_connected(&mut self, database_url: &str) -> anyhow::Result<()> {
        let mut conn = PgConnection::establish(database_url)?;
        conn.batch_execute(&format!("SET statement_timeout = '30s'; LISTEN {CHANNEL}"))?;
        self.listening.store(true, Ordering::Release);
        self.catch_up(&mut conn)?;
        let mut next_look = Instant::now();
        loop {
            if self.stopping() {
                return Ok(());
            }
            for notification in conn.notifications_iter() {
                notification?;
                // Woken: look now.
                next_look = Instant::now();
            }
            let now = Instant::now();
            if let Some(until) = self.paused_until {
                if now < until {
                    std::thread::sleep(TICK);
                    continue;
                }
                self.paused_until = None;
                next_look = now;
            }
            if now >= self.next_purge {
                self.purge(&mut conn)?;
            }
            if now >= next_look {
                let claimed = self.send_due(&mut conn)?;
                // A full batch: there may be more waiting, so look again at once.
                next_look = if claimed == BATCH as usize {
                    Instant::now()
                } else {
                    now + POLL_INTERVAL
                };
                continue;
            }
            std::thread::sleep(TICK);
        }
    }

    /// Writes what an earlier connection could not: outcomes, then untried claims.
    fn catch_up(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        self.write_outcomes(conn)?;
        if !self.unreleased.is_empty() {
            repo::outbox::release(conn, &self.unreleased, &self.name)?;
            self.unreleased.clear();
        }
        Ok(())
    }

    /// Claims one batch and sends it on up to [`SENDERS`] threads, writing each outcome
    /// as it comes; how many were claimed. Stopping, a batch older than [`BATCH_TIME`]
    /// or the transport found unavailable ends the sending: the untried rest is given
    /// back.
    fn send_due(&mut self, conn: &mut PgConnection) -> anyhow::Result<usize> {
        let claimed = repo::outbox::claim_due(conn, Utc::now(), BATCH, LEASE, &self.name)?;
        let count = claimed.len();
        if count == 0 {
            return Ok(0);
        }
        let started = Instant::now();
        let queue = Mutex::new(VecDeque::from(claimed));
        let halt = AtomicBool::new(false);
        let unavailable = AtomicBool::new(false);
        // Unless messages went out just now, the first goes alone: while the server is
        // down, a batch costs one try, not one per sender.
        let recently_sent = self.last_sent.is_some_and(|at| at.elapsed() < PROBE_AFTER);
        let probed = AtomicBool::new(recently_sent && self.last_pause.is_zero());
        let mut sent_any = false;
        let mut db_error = None;
        let (transport, from, stopping) = (&*self.transport, self.from.as_str(), &*self.stopping);
        let (unwritten, name) = (&mut self.unwritten, self.name.as_str());
        std::thread::scope(|scope| {
            let (outcomes, received) = mpsc::channel::<Settle>();
            for sender in 0..SENDERS.min(count) {
                let outcomes = outcomes.clone();
                let (queue, halt, unavailable, probed) = (&queue, &halt, &unavailable, &probed);
                scope.spawn(move || {
                    while sender > 0 && !probed.load(Ordering::Acquire) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    loop {
                        if halt.load(Ordering::Acquire)
                            || stopping.load(Ordering::Acquire)
                            || started.elapsed() > BATCH_TIME
                        {
                            break;
                        }
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                        let Some(mail) = next else { break };
                        let result = transport.send(&mail, from);
                        if result
                            .as_ref()
                            .is_err_and(|e| e.failure == Failure::Unavailable)
                        {
                            unavailable.store(true, Ordering::Release);
                            halt.store(true, Ordering::Release);
                        }
                        probed.store(true, Ordering::Release);
                        let settle = Settle {
                            mail,
                            result,
                            at: Utc::now(),
                        };
                        if outcomes.send(settle).is_err() {
                            break;
                        }
                    }
                    // Whatever ended the first sender, the others need not wait.
                    probed.store(true, Ordering::Release);
                });
            }
            drop(outcomes);
            for settle in received {
                sent_any |= settle.result.is_ok();
                unwritten.push(settle);
                if db_error.is_none()
                    && let Err(e) = write_outcomes(conn, unwritten, name)
                {
                    // Kept for after reconnecting; the senders finish what they hold.
                    halt.store(true, Ordering::Release);
                    db_error = Some(e);
                }
            }
        });
        if unavailable.load(Ordering::Acquire) {
            self.pause_sending();
        } else if sent_any {
            self.last_pause = Duration::ZERO;
        }
        if sent_any {
            self.last_sent = Some(Instant::now());
        }
        let untried: Vec<i64> = queue
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|m| m.id)
            .collect();
        if let Some(e) = db_error {
            self.unreleased.extend(untried);
            return Err(e);
        }
        if !untried.is_empty() {
            repo::outbox::release(conn, &untried, &self.name)?;
        }
        Ok(count)
    }

    /// No claims for a while: [`FIRST_PAUSE`], doubled after each pause that did not
    /// end in a message sent, up to [`LONGEST_PAUSE`].
    fn pause_sending(&mut self) {
        let length = if self.last_pause.is_zero() {
            FIRST_PAUSE
        } else {
            (self.last_pause * 2).min(LONGEST_PAUSE)
        };
        self.last_pause = length;
        self.paused_until = Some(Instant::now() + length);
    }

    fn write_outcomes(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        write_outcomes(conn, &mut self.unwritten, &self.name)
    }

    fn purge(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        self.next_purge = Instant::now() + PURGE_EVERY;
        let before = Utc::now() - KEEP_SENT;
        let mut purged = 0;
        loop {
            let n = repo::outbox::purge_sent(conn, before, 1_000)?;
            purged += n;
            if n < 1_000 || self.stopping() {
                break;
            }
        }
        if purged > 0 {
            tracing::info!(
                mail.purged = purged,
                "deleted {purged} sent messages older than 30 days"
            );
        }
        Ok(())
    }
}

/// Writes the outcomes of tries to the outbox, oldest first; what fails to be written
/// stays in `unwritten`.
fn write_outcomes(
    conn: &mut PgConnection,
    unwritten: &mut Vec<Settle>,
    worker: &str,
) -> anyhow::Result<()> {
    while let Some(settle) = unwritten.first() {
        let id = settle.mail.id;
        match &settle.result {
            Ok(()) => {
                if repo::outbox::mark_sent(conn, id, worker, settle.at)? {
                    tracing::debug!(mail.id = id, "mail #{id} sent");
                } else {
                    tracing::warn!(
                        mail.id = id,
                        "mail #{id} was sent, but its claim had run out: it may go out twice"
                    );
                }
            }
            Err(error) => {
                let permanent = error.failure == Failure::Permanent;
                let after = repo::outbox::mark_failed_attempt(
                    conn,
                    &settle.mail,
                    worker,
                    &error.message,
                    permanent,
                    settle.at,
                )?;
                let tries = settle.mail.attempts + 1;
                let error = &error.message;
                match after {
                    AfterFailure::RetryAt(at) => tracing::warn!(
                        mail.id = id, mail.attempts = tries, error = %error,
                        "mail #{id} not sent (try {tries}), next try at {at}: {error}"
                    ),
                    AfterFailure::GaveUp => tracing::error!(
                        mail.id = id, mail.attempts = tries, error = %error,
                        "mail #{id} failed for good after {tries} tries: {error}"
                    ),
                    AfterFailure::NotHeld => {
                        tracing::warn!(mail.id = id, "mail #{id} failed, but its claim had run out")
                    }
                }
            }
        }
        unwritten.remove(0);
    }
    Ok(())
}
