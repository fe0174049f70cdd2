//! Pure types and rules of the job board. Nothing in here knows about HTTP, Diesel or I/O,
//! so every rule can be unit-tested on its own.

pub mod alert;
pub mod article;
pub mod audit;
pub mod company;
pub mod dates;
pub mod editor;
pub mod employer;
pub mod filter;
pub mod image;
pub mod job;
pub mod job_lint;
pub mod mail;
pub mod markdown;
pub mod open_job;
pub mod password;
pub mod positions;
pub mod salary;
pub mod salary_stats;
pub mod slug;
pub mod technology;

use std::fmt;

/// A value from outside (a query parameter, a form field, a seed file) broke a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The field or parameter that was wrong, as the user knows it.
    pub field: &'static str,
    /// What is wrong with it, written for a person.
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InvalidInput {}
