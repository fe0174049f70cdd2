//! Career articles.

use super::slug::Slug;
use chrono::{DateTime, Utc};

/// Words an adult reads in a minute on screen; a common rule of thumb.
const WORDS_PER_MINUTE: usize = 220;

#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
    pub reading_minutes: u32,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub id: i64,
    pub summary: ArticleSummary,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// Minutes to read a text, rounded up, at least one.
pub fn reading_minutes(text: &str) -> u32 {
    let words = text.split_whitespace().count();
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up_to_whole_minutes() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("word"), 1);
        assert_eq!(reading_minutes(&"word ".repeat(220)), 1);
        assert_eq!(reading_minutes(&"word ".repeat(221)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(1100)), 5);
    }

    #[test]
    fn reading_time_counts_words_not_characters() {
        assert_eq!(reading_minutes(&"extraordinarily\n\n".repeat(300)), 2);
    }
}

/// An article as it is created.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub author_name: String,
    pub tags: Vec<String>,
    /// `None` keeps the article a draft.
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}
