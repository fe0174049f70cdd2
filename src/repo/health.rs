//! Whether the database answers.

use super::RepoResult;
use diesel::prelude::*;

/// A trivial round trip, for the readiness probe.
pub fn ping(conn: &mut PgConnection) -> RepoResult<()> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
