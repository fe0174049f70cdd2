//! E-mail alert digests: the run (`digest`) and the timer that starts it inside every
//! server (no outside scheduler). It sits above the views (the messages are templates)
//! and beside the web layer, which only starts and stops it.
//!
//! The timer has a thread and a PostgreSQL connection of its own (never an actix
//! worker or the request pool). Every `ALERT_DIGEST_CHECK_SECONDS` it asks whether any
//! active alert's watermark is older than its latest slot (daily: today's or
//! yesterday's digest hour in Europe/Berlin; weekly: the latest Monday's) — an index
//! probe — and runs the digests when one is. Instances that run at once share the work
//! through their claims (see [`digest`]). It also deletes unconfirmed alerts some days
//! after their link expired, addresses left without alerts, and old sign-up records.

pub mod digest;

use crate::domain::alert::{DueSlots, Frequency, KEEP_EXPIRED};
use crate::repo;
use chrono::Utc;
use digest::DigestConfig;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The stop flag is checked this often while waiting.
const TICK: Duration = Duration::from_millis(100);
const RECONNECT_DELAY: Duration = Duration::from_secs(5);
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// The running timer; [`DigestTimer::stop`] ends it.
pub struct DigestTimer {
    stopping: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl DigestTimer {
    /// Starts looking for due digests of `database_url` every `check`, at `hour` local
    /// time.
    pub fn start(
        database_url: String,
        config: DigestConfig,
        hour: u32,
        check: Duration,
    ) -> Arc<Self> {
        let stopping = Arc::new(AtomicBool::new(false));
        let timer = Arc::new(Self {
            stopping: stopping.clone(),
            thread: Mutex::new(None),
        });
        let spawned = std::thread::Builder::new()
            .name("alert-digests".to_owned())
            .spawn(move || run_timer(&database_url, &config, hour, check, &stopping));
        match spawned {
            Ok(handle) => *timer.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::error!(error = %e, "cannot start the alert digest thread"),
        }
        timer
    }

    /// Stops the timer and waits for it; a run in progress ends after its current batch
    /// (the rest stays due for the next run, here or on another instance).
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

impl Drop for DigestTimer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sleeps `how_long` unless told to stop; false when stopping.
fn wait(how_long: Duration, stopping: &AtomicBool) -> bool {
    let until = Instant::now() + how_long;
    while Instant::now() < until {
        if stopping.load(Ordering::Acquire) {
            return false;
        }
        std::thread::sleep(TICK.min(until.saturating_duration_since(Instant::now())));
    }
    !stopping.load(Ordering::Acquire)
}

fn run_timer(
    database_url: &str,
    config: &DigestConfig,
    hour: u32,
    check: Duration,
    stopping: &AtomicBool,
) {
    let mut conn = None;
    let mut next_purge = Instant::now();
    loop {
        if stopping.load(Ordering::Acquire) {
            return;
        }
        if conn.is_none() {
            match crate::db::connect(database_url) {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "alert digests: cannot connect to the database");
                    if !wait(RECONNECT_DELAY, stopping) {
                        return;
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let now = Utc::now();
        let slots = DueSlots::scheduled(now, hour);
        let due = Frequency::ALL.iter().try_fold(false, |any, f| {
            Ok::<_, repo::RepoError>(
                any || slots
                    .get(*f)
                    .map_or(Ok(false), |slot| repo::alerts::any_due(c, *f, slot))?,
            )
        });
        let outcome = match due {
            Ok(true) => digest::run(c, config, slots, now, &|| stopping.load(Ordering::Acquire))
                .map(|report| {
                    tracing::info!(
                        digest.alerts = report.alerts,
                        digest.mails = report.mails,
                        digest.new_jobs = report.new_jobs,
                        digest.seconds = report.elapsed.as_secs_f64(),
                        "alert digests: {} alerts, {} e-mails in {:.1} s",
                        report.alerts,
                        report.mails,
                        report.elapsed.as_secs_f64()
                    );
                }),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        let outcome = outcome.and_then(|()| {
            if Instant::now() >= next_purge {
                next_purge = Instant::now() + PURGE_EVERY;
                let purged = repo::alerts::purge(c, now - KEEP_EXPIRED, now)?;
                if purged > 0 {
                    tracing::info!(alerts = purged, "deleted {purged} unconfirmed alerts");
                }
            }
            Ok(())
        });
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "alert digests failed; trying again later");
            if matches!(
                e,
                repo::RepoError::Unavailable(_) | repo::RepoError::Database(_)
            ) {
                conn = None;
            }
        }
        if !wait(check, stopping) {
            return;
        }
    }
}
