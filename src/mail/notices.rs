//! The timer that tells employers about the end of their jobs: one per server instance,
//! on a thread of its own. Every `JOB_NOTICE_INTERVAL` it queues a reminder for each
//! employer's job ending within [`REMINDER_DAYS_BEFORE`] days and an "ended" notice for
//! each job past its end (`repo::intake::send_end_notices`); the outbox worker sends
//! them.
//!
//! Instances claim listings with `FOR UPDATE SKIP LOCKED` and record the end date a
//! notice went out for in the same transaction as the message, so with any number of
//! instances every employer gets each notice once. The messages themselves (their text
//! and the manage link they carry) are made by the function the server passes in, since
//! this layer knows neither the site's URLs nor its templates.

use crate::db::DbPool;
use crate::domain::employer::REMINDER_DAYS_BEFORE;
use crate::domain::mail::OutgoingMail;
use crate::repo::intake::{EndNotice, EndingJob};
use crate::repo::{self, RepoError, RepoResult};
use chrono::Utc;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

/// Listings handled in one transaction; a full batch is followed by the next at once.
const BATCH: i64 = 100;

/// Makes the e-mail about `EndingJob` and the hash of the manage link it carries.
pub type NoticeMail =
    dyn Fn(EndNotice, &EndingJob) -> RepoResult<(OutgoingMail, Vec<u8>)> + Send + Sync;

/// The running timer; [`NoticeWorker::stop`] ends it.
pub struct NoticeWorker {
    /// Dropping the sender wakes the thread and ends it.
    stop: Mutex<Option<mpsc::Sender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl NoticeWorker {
    /// Starts looking every `interval` (the first time right away) on `pool`, making the
    /// messages with `mail`.
    pub fn start(pool: DbPool, interval: Duration, mail: Box<NoticeMail>) -> Arc<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let worker = Arc::new(Self {
            stop: Mutex::new(Some(stop)),
            thread: Mutex::new(None),
        });
        let spawned = std::thread::Builder::new()
            .name("job-notices".to_owned())
            .spawn(move || {
                loop {
                    send_due(&pool, &*mail);
                    match stopped.recv_timeout(interval) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
        match spawned {
            Ok(handle) => *worker.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::error!(error = %e, "cannot start the job notice timer"),
        }
        worker
    }

    /// Stops the timer and waits for it; a round under way finishes first (each listing
    /// is one transaction, so nothing is half sent). Call it on shutdown, after the
    /// server (see `MailWorker::stop`).
    pub fn stop(&self) {
        self.stop.lock().unwrap_or_else(|e| e.into_inner()).take();
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle
            && handle.thread().id() != std::thread::current().id()
        {
            let _ = handle.join();
        }
    }
}

impl Drop for NoticeWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One round: reminders, then "ended" notices, each in batches until none is due.
fn send_due(pool: &DbPool, mail: &NoticeMail) {
    for notice in [EndNotice::Reminder, EndNotice::Ended] {
        match send_all(pool, notice, mail) {
            Ok(0) => {}
            Ok(sent) => {
                let what = match notice {
                    EndNotice::Reminder => "reminders before the end",
                    EndNotice::Ended => "notices that a job ended",
                };
                tracing::info!(notices.kind = ?notice, notices.sent = sent, "queued {sent} {what}");
            }
            Err(RepoError::Unavailable(e)) => {
                tracing::warn!(error = %e, "job notices skipped: the database is unavailable");
            }
            Err(e) => tracing::error!(error = %e, "sending job notices failed"),
        }
    }
}

fn send_all(pool: &DbPool, notice: EndNotice, mail: &NoticeMail) -> RepoResult<usize> {
    let mut conn = pool.get().map_err(RepoError::from)?;
    let window = chrono::Duration::days(REMINDER_DAYS_BEFORE);
    let mut total = 0;
    loop {
        let sent =
            repo::intake::send_end_notices(&mut conn, notice, Utc::now(), window, BATCH, |job| {
                mail(notice, job)
            })?;
        total += sent;
        if sent < BATCH as usize {
            return Ok(total);
        }
    }
}
