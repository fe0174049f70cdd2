//! The one way handlers reach the database: on the blocking pool, never on a worker.

use super::WebError;
use crate::db::DbPool;
use crate::repo::{RepoError, RepoResult};
use actix_web::web;
use diesel::PgConnection;

/// Runs `f` with a pooled connection on actix's blocking thread pool, inside the
/// current tracing span.
pub async fn with_conn<T, F>(pool: &DbPool, f: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> RepoResult<T> + Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    let result = web::block(move || {
        let _entered = span.enter();
        let mut conn = pool.get().map_err(RepoError::from)?;
        f(&mut conn)
    })
    .await?;
    Ok(result?)
}
