//! Secondary indexes and foreign keys set aside during a large bulk load.
//!
//! Updating a dozen B-trees row by row in random key order, and checking every
//! foreign key row by row, costs several times more than copying the rows; building
//! an index from sorted rows and validating a foreign key with one join costs
//! seconds. Primary keys and unique constraints stay: they keep the rows correct
//! while they arrive, and other tables' foreign keys hang on them.
//!
//! What is set aside is written, in the same transaction that drops it, to the table
//! `jobboard_seed_deferred` as the exact statement that recreates it (from the
//! catalogue, so the schema ends as the migrations left it). Each statement is run and
//! its row deleted in one transaction, and the table is dropped once empty. A load that
//! fails restores everything before it returns; one that is killed leaves the table,
//! and the next `jobboard` command of any kind (`serve`, `migrate`, `seed`) restores it
//! before it starts (see [`restore`]).

use crate::repo::RepoError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::sync::Mutex;

/// The tables a bulk load writes.
const TABLES: &str = "'jobs'::regclass, 'job_technologies'::regclass";

/// Index builds get this much memory for sorting: a million rows sort in memory.
const BUILD_MEMORY: &str = "SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'";

/// Connections that build indexes at the same time.
const BUILD_CONNECTIONS: usize = 2;

#[derive(Debug, Clone, QueryableByName)]
struct Deferred {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    restore: String,
}

/// Drops the secondary indexes and foreign keys of the loaded tables, remembering how
/// to recreate them. Returns how many were dropped.
pub fn set_aside(conn: &mut PgConnection) -> Result<usize, RepoError> {
    conn.transaction(|conn| {
        conn.batch_execute(
            "CREATE TABLE IF NOT EXISTS jobboard_seed_deferred (
                 name TEXT PRIMARY KEY,
                 kind TEXT NOT NULL CHECK (kind IN ('index', 'constraint')),
                 restore TEXT NOT NULL,
                 drop_statement TEXT NOT NULL
             )",
        )?;
        // Indexes that back a constraint (primary keys, unique slugs) stay.
        let inserted = diesel::sql_query(format!(
            "INSERT INTO jobboard_seed_deferred (name, kind, restore, drop_statement)
             SELECT c.relname, 'index', pg_get_indexdef(i.indexrelid),
                    format('DROP INDEX %s', i.indexrelid::regclass)
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid IN ({TABLES})
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             UNION ALL
             SELECT k.conname, 'constraint',
                    format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass,
                           k.conname, pg_get_constraintdef(k.oid)),
                    format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname)
               FROM pg_constraint k
              WHERE k.conrelid IN ({TABLES}) AND k.contype = 'f'
             ON CONFLICT (name) DO NOTHING"
        ))
        .execute(conn)?;
        #[derive(QueryableByName)]
        struct Drop {
            #[diesel(sql_type = Text)]
            drop_statement: String,
        }
        // Constraints first: nothing else depends on them.
        let drops: Vec<Drop> = diesel::sql_query(
            "SELECT drop_statement FROM jobboard_seed_deferred ORDER BY kind DESC, name",
        )
        .load(conn)?;
        for drop in &drops {
            conn.batch_execute(&drop.drop_statement)?;
        }
        Ok(inserted)
    })
}

/// Recreates whatever an earlier load set aside and has not restored: the indexes on
/// [`BUILD_CONNECTIONS`] connections at once, then the foreign keys (each validates
/// every row). Does nothing when nothing is set aside. Returns how many it recreated.
pub fn restore(database_url: &str) -> Result<usize, RepoError> {
    let mut conn = super::bulk::connect(database_url)?;
    if !pending_table_exists(&mut conn)? {
        return Ok(0);
    }
    conn.batch_execute(BUILD_MEMORY)?;
    let pending: Vec<Deferred> = diesel::sql_query(
        "SELECT name, kind, restore FROM jobboard_seed_deferred ORDER BY kind DESC, name",
    )
    .load(&mut conn)?;
    let (indexes, constraints): (Vec<Deferred>, Vec<Deferred>) =
        pending.into_iter().partition(|d| d.kind == "index");
    let count = indexes.len() + constraints.len();

    // Largest first would balance better, but they are all about the table's size.
    let queue = Mutex::new(indexes);
    std::thread::scope(|scope| {
        let builders: Vec<_> = (0..BUILD_CONNECTIONS)
            .map(|_| {
                let queue = &queue;
                scope.spawn(move || -> Result<(), RepoError> {
                    let mut conn = super::bulk::connect(database_url)?;
                    conn.batch_execute(BUILD_MEMORY)?;
                    loop {
                        let next = queue.lock().map_or(None, |mut q| q.pop());
                        let Some(index) = next else { return Ok(()) };
                        run_one(&mut conn, &index)?;
                    }
                })
            })
            .collect();
        builders.into_iter().try_for_each(|builder| {
            builder
                .join()
                .unwrap_or_else(|_| Err(RepoError::InvalidRow("index builder panicked".into())))
        })
    })?;
    // Each validation locks both of its tables against index builds: one after another.
    for constraint in &constraints {
        run_one(&mut conn, constraint)?;
    }
    let left: i64 = diesel::sql_query("SELECT count(*) AS n FROM jobboard_seed_deferred")
        .get_result::<Count>(&mut conn)?
        .n;
    if left == 0 {
        conn.batch_execute("DROP TABLE jobboard_seed_deferred")?;
    }
    Ok(count)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn run_one(conn: &mut PgConnection, deferred: &Deferred) -> Result<(), RepoError> {
    tracing::debug!(name = %deferred.name, "restoring {}", deferred.kind);
    conn.transaction(|conn| {
        // The row lock makes a second restorer wait, then find nothing left to do.
        let claimed = diesel::sql_query("DELETE FROM jobboard_seed_deferred WHERE name = $1")
            .bind::<Text, _>(&deferred.name)
            .execute(conn)?;
        if claimed == 1 {
            conn.batch_execute(&deferred.restore)?;
        }
        Ok(())
    })
}

/// Held for the whole of a bulk load, so that a command starting meanwhile leaves the
/// indexes it set aside to it.
const LOAD_LOCK: i64 = 0x6a6f_6273_6565_6400;

/// Takes the bulk-load lock for the session of `conn`; false when a load holds it.
pub fn lock_for_load(conn: &mut PgConnection) -> Result<bool, RepoError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    Ok(
        diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind::<BigInt, _>(LOAD_LOCK)
            .get_result::<Locked>(conn)?
            .locked,
    )
}

/// [`restore`], unless a bulk load is running (it restores what it set aside itself).
pub fn restore_unless_loading(database_url: &str) -> Result<usize, RepoError> {
    let mut conn = super::bulk::connect(database_url)?;
    if !pending_table_exists(&mut conn)? {
        return Ok(0);
    }
    if !lock_for_load(&mut conn)? {
        tracing::info!("a bulk load is running: it rebuilds the indexes it dropped");
        return Ok(0);
    }
    // The lock goes with the connection, after the restore.
    restore(database_url)
}

/// True when a load set indexes or constraints aside and has not restored them.
pub fn pending_table_exists(conn: &mut PgConnection) -> Result<bool, RepoError> {
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    Ok(
        diesel::sql_query("SELECT to_regclass('jobboard_seed_deferred') IS NOT NULL AS exists")
            .get_result::<Exists>(conn)?
            .exists,
    )
}
