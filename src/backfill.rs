//! Fills in what an upgrade leaves missing, in the background after the server starts:
//! the rendered description of jobs saved before it was stored (and of bulk-loaded
//! ones). Job pages render a missing one themselves meanwhile, so nothing waits for
//! this; it only saves them the work.
//!
//! One thread with a connection of its own, so that requests keep every pooled one. It
//! works in rounds of [`ROUND`] jobs and rests as long as each round took, leaving at
//! least half a core to requests; it ends when no job is left without a rendering.

use crate::repo::jobs::{RenderRound, render_descriptions};
use diesel::{Connection, PgConnection};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Descriptions rendered and stored per transaction (a fraction of a second's work).
const ROUND: i64 = 500;
/// How long to wait before trying again after an error, or while another server is
/// doing the rendering.
const RETRY: Duration = Duration::from_secs(5);

/// The running backfill; [`DescriptionBackfill::stop`] ends it.
pub struct DescriptionBackfill {
    /// Dropping the sender wakes the thread and ends it.
    stop: Mutex<Option<mpsc::Sender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl DescriptionBackfill {
    /// Starts rendering the missing descriptions in `database_url`'s jobs.
    pub fn start(database_url: String) -> Arc<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let backfill = Arc::new(Self {
            stop: Mutex::new(Some(stop)),
            thread: Mutex::new(None),
        });
        let spawned = std::thread::Builder::new()
            .name("render-backfill".to_owned())
            .spawn(move || run(&database_url, &stopped));
        match spawned {
            Ok(handle) => *backfill.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::error!(error = %e, "cannot start the description backfill"),
        }
        backfill
    }

    /// Stops the backfill and waits for it; a round under way finishes first (it is one
    /// transaction).
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

impl Drop for DescriptionBackfill {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits `pause` unless told to stop first; `false` when it should stop.
fn rest(stopped: &mpsc::Receiver<()>, pause: Duration) -> bool {
    matches!(
        stopped.recv_timeout(pause),
        Err(mpsc::RecvTimeoutError::Timeout)
    )
}

/// The open connection, opening it first when there is none.
fn connected<'a>(
    conn: &'a mut Option<PgConnection>,
    database_url: &str,
) -> anyhow::Result<&'a mut PgConnection> {
    if conn.is_none() {
        *conn = Some(PgConnection::establish(database_url)?);
    }
    conn.as_mut()
        .ok_or_else(|| anyhow::anyhow!("no database connection"))
}

fn run(database_url: &str, stopped: &mpsc::Receiver<()>) {
    let mut conn: Option<PgConnection> = None;
    let mut after = 0;
    let mut stored = 0usize;
    let started = Instant::now();
    loop {
        let round_started = Instant::now();
        let round = connected(&mut conn, database_url)
            .and_then(|conn| Ok(render_descriptions(conn, after, ROUND)?));
        let pause = match round {
            Ok(RenderRound::Rendered { through, stored: n }) => {
                after = through;
                stored += n;
                round_started.elapsed()
            }
            Ok(RenderRound::Finished) => {
                if stored > 0 {
                    tracing::info!(
                        jobs = stored,
                        seconds = started.elapsed().as_secs(),
                        "job descriptions rendered"
                    );
                }
                return;
            }
            Ok(RenderRound::Busy) => RETRY,
            Err(e) => {
                tracing::warn!(error = %e, "rendering job descriptions failed; retrying");
                conn = None;
                RETRY
            }
        };
        if !rest(stopped, pause) {
            return;
        }
    }
}
