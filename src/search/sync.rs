//! Keeps a [`TextIndex`] in step with PostgreSQL: brought up to date at start and after
//! a bulk load, then fed every changed job by the catalog's follower thread.

use super::{IndexedThrough, LAYOUT_VERSION, TextIndex};
use crate::repo;
use chrono::{Duration, Utc};
use diesel::PgConnection;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// A job's `updated_at` is its transaction's start, so a long transaction can commit a
/// time older than one already seen: catching up looks back this far.
const LOOK_BACK: Duration = Duration::minutes(10);
/// Jobs read per query while rebuilding (descriptions included: about 20 MB).
const REBUILD_CHUNK: i64 = 10_000;
/// Jobs looked up per query while catching up.
const CATCH_UP_CHUNK: usize = 5_000;
/// Progress is logged at most this often during a rebuild.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// How the index was brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Current,
    CaughtUp(usize),
    Rebuilt(u64),
}

/// Where the index stands against the database: rebuilt when missing, of another
/// database or layout, or too far off; otherwise the jobs changed since its last
/// commit are taken in. `progress(done, total)` follows a rebuild.
pub fn bring_up_to_date(
    conn: &mut PgConnection,
    index: &TextIndex,
    names: &HashMap<String, String>,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Outcome> {
    let _alone = index.exclusive()?;
    let database = repo::search::database_identity(conn)?;
    let stored = index
        .indexed_through()?
        .filter(|through| through.database == database);
    if let Some(stored) = stored {
        let changed = match stored.changes_through {
            Some(at) => repo::search::changed_since(conn, at - LOOK_BACK)?,
            None => Vec::new(),
        };
        let published = repo::search::published_count(conn)?;
        // Far behind (a bulk load meanwhile): a rebuild is quicker than lookups by id.
        if (changed.len() as u64) < published / 2 + 1_000 {
            let mut through = stored.clone();
            for chunk in changed.chunks(CATCH_UP_CHUNK) {
                apply_ids(conn, index, chunk, names, &mut through)?;
            }
            if index.len() == published {
                return Ok(if changed.is_empty() {
                    Outcome::Current
                } else {
                    Outcome::CaughtUp(changed.len())
                });
            }
            tracing::warn!(
                indexed = index.len(),
                published,
                "the text index holds a different number of jobs than the database; rebuilding"
            );
        }
    }
    rebuild(conn, index, names, database, progress).map(Outcome::Rebuilt)
}

/// Builds the index anew from every published job.
pub fn rebuild(
    conn: &mut PgConnection,
    index: &TextIndex,
    names: &HashMap<String, String>,
    database: String,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<u64> {
    let total = repo::search::published_count(conn)?;
    let mut after = 0;
    rebuild_with(index, names, database, total, progress, || {
        let chunk = repo::search::published_after(conn, after, REBUILD_CHUNK)?;
        if let Some(last) = chunk.last() {
            after = last.id;
        }
        Ok(chunk)
    })
}

/// Builds the index anew from the jobs `next` hands over (an empty chunk ends them)
/// instead of reading them from the database: a bulk load hands over the rows it
/// writes as it writes them, so the index is built beside the load, not after it.
/// About `total` are expected. Call [`bring_up_to_date`] afterwards: what the load did
/// not hand over (or a load that failed half-way) is caught up or rebuilt there.
pub fn rebuild_from(
    conn: &mut PgConnection,
    index: &TextIndex,
    names: &HashMap<String, String>,
    mut next: impl FnMut() -> Vec<crate::domain::open_job::JobText>,
    total: u64,
) -> anyhow::Result<u64> {
    let _alone = index.exclusive()?;
    let database = repo::search::database_identity(conn)?;
    rebuild_with(index, names, database, total, &mut |_, _| {}, || Ok(next()))
}

/// Builds the index anew from the chunks `load` reads (an empty one ends them), marked
/// as of `database` and of the time it started, with its progress logged.
fn rebuild_with(
    index: &TextIndex,
    names: &HashMap<String, String>,
    database: String,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
    load: impl FnMut() -> anyhow::Result<Vec<crate::domain::open_job::JobText>>,
) -> anyhow::Result<u64> {
    let started = Instant::now();
    // The change time is taken before reading: whatever commits during the rebuild is
    // caught up afterwards (or arrives as a notification).
    let through = IndexedThrough {
        layout: LAYOUT_VERSION,
        database,
        changes_through: Some(Utc::now()),
    };
    let built = index.rebuild(
        load,
        names,
        &through,
        logged_progress(total, started, progress),
    )?;
    tracing::info!(
        jobs = built,
        seconds = started.elapsed().as_secs_f64(),
        "text index built"
    );
    Ok(built)
}

/// A rebuild's progress: handed to `progress`, and logged every [`PROGRESS_EVERY`].
fn logged_progress<'a>(
    total: u64,
    started: Instant,
    progress: &'a mut dyn FnMut(u64, u64),
) -> impl FnMut(u64) + 'a {
    let mut logged = Instant::now();
    move |done| {
        progress(done, total);
        if logged.elapsed() >= PROGRESS_EVERY {
            logged = Instant::now();
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            tracing::info!(
                done,
                total,
                per_second = rate as u64,
                seconds_left = (total.saturating_sub(done) as f64 / rate.max(1.0)) as u64,
                "building the text index"
            );
        }
    }
}

/// Takes in the jobs with these ids as they are now.
pub fn apply_changes(
    conn: &mut PgConnection,
    index: &TextIndex,
    ids: &[i64],
    names: &HashMap<String, String>,
) -> anyhow::Result<()> {
    let Some(mut through) = index.indexed_through()? else {
        // Not built yet: the build under way reads them anyway.
        return Ok(());
    };
    for chunk in ids.chunks(CATCH_UP_CHUNK) {
        apply_ids(conn, index, chunk, names, &mut through)?;
    }
    Ok(())
}

fn apply_ids(
    conn: &mut PgConnection,
    index: &TextIndex,
    ids: &[i64],
    names: &HashMap<String, String>,
    through: &mut IndexedThrough,
) -> anyhow::Result<()> {
    let jobs = repo::search::by_ids(conn, ids)?;
    let found: HashSet<i64> = jobs.iter().map(|j| j.id).collect();
    let gone: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect();
    through.changes_through = jobs
        .iter()
        .map(|j| j.updated_at)
        .chain(through.changes_through)
        .max();
    index.apply(&jobs, &gone, names, through)?;
    Ok(())
}
