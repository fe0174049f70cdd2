//! An open job as the in-memory catalog holds it, and the matches of a text search: the
//! plain data the repository loads and the catalog works on.

use super::job::{EmploymentType, RemotePolicy, Seniority};
use chrono::{DateTime, Utc};

/// One published job as the catalog receives it.
#[derive(Debug, Clone)]
pub struct OpenJob {
    pub id: i64,
    pub posted_at: DateTime<Utc>,
    pub valid_through: DateTime<Utc>,
    pub salary_eur_year: Option<i32>,
    pub company_id: i64,
    pub city: Option<String>,
    pub remote: RemotePolicy,
    pub seniority: Seniority,
    pub employment: EmploymentType,
    pub technology_slugs: Vec<String>,
}

/// Jobs matching the search words, with how well each matches (higher is better).
/// Ids and ranks are kept apart: 12 bytes a match rather than 16 with padding, which
/// counts for a word found in a million jobs.
#[derive(Debug, Clone, Default)]
pub struct TextMatches {
    ids: Vec<i64>,
    ranks: Vec<f32>,
}

impl TextMatches {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// (id, rank) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (i64, f32)> + '_ {
        self.ids.iter().copied().zip(self.ranks.iter().copied())
    }
}

impl FromIterator<(i64, f32)> for TextMatches {
    fn from_iter<I: IntoIterator<Item = (i64, f32)>>(pairs: I) -> Self {
        let (ids, ranks) = pairs.into_iter().unzip();
        Self { ids, ranks }
    }
}

/// A job's words as the text index takes them in. `published` is false for a job that
/// is a draft, closed or gone from search for another reason: the index drops it.
#[derive(Debug, Clone)]
pub struct JobText {
    pub id: i64,
    pub published: bool,
    pub updated_at: DateTime<Utc>,
    pub title: String,
    pub company: String,
    pub city: Option<String>,
    pub seniority: Seniority,
    pub remote: RemotePolicy,
    pub employment: EmploymentType,
    pub technology_slugs: Vec<String>,
    pub description: String,
}
