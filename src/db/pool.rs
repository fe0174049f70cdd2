//! The r2d2 pool of blocking Diesel connections.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use std::time::Duration;

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// No page query should run longer than this; a runaway one is cancelled by the server
/// instead of holding a connection and a worker thread.
const STATEMENT_TIMEOUT: &str = "10s";

#[derive(Debug)]
struct SessionSettings;

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        // JIT compilation costs more than it saves on page-sized queries (seen in the
        // plans of broad searches). With the default 4 MB, the bitmap of a broad word's
        // matches (100,000+ jobs) goes lossy and every row on those pages is rechecked.
        conn.batch_execute(&format!(
            "SET statement_timeout = '{STATEMENT_TIMEOUT}'; SET jit = off; SET work_mem = '32MB'"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Builds the pool without connecting: the site starts (and answers 503) while the
/// database is down, and recovers by itself once it is back.
pub fn build_pool(database_url: &str, max_size: u32, acquire_timeout: Duration) -> DbPool {
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(acquire_timeout)
        .test_on_check_out(true)
        .connection_customizer(Box::new(SessionSettings))
        .build_unchecked(ConnectionManager::new(database_url))
}

/// One connection outside the pool, for the command line.
pub fn connect(database_url: &str) -> ConnectionResult<PgConnection> {
    PgConnection::establish(database_url)
}
