//! All SQL lives here: one module per aggregate, plain functions over a connection that
//! return domain types.

pub mod admin_companies;
pub mod admin_jobs;
pub mod alerts;
pub mod articles;
pub mod audit;
pub mod catalog;
pub mod companies;
mod convert;
pub mod editors;
pub mod health;
pub mod images;
pub mod intake;
pub mod jobs;
pub mod outbox;
pub mod search;
pub mod seo;
pub mod slugs;
pub mod technologies;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong in the repository, as values the web layer can map once.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached right now; worth retrying later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A row broke a domain rule the schema should have prevented.
    #[error("invalid data in the database: {0}")]
    InvalidRow(String),
    #[error(transparent)]
    Database(DieselError),
}

impl From<DieselError> for RepoError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound("record"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::BrokenTransactionManager => {
                Self::Unavailable("broken connection".to_owned())
            }
            // The pool's statement_timeout fired: the database is overloaded, which is
            // worth a retry (503) rather than an error page.
            DieselError::DatabaseError(_, info) if info.message().contains("statement timeout") => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for RepoError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}

impl From<crate::domain::InvalidInput> for RepoError {
    fn from(e: crate::domain::InvalidInput) -> Self {
        Self::InvalidRow(e.to_string())
    }
}

pub type RepoResult<T> = Result<T, RepoError>;
