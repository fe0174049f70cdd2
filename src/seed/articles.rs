//! The demo career articles: Markdown files with a small `key: value` header.

use crate::domain::InvalidInput;
use crate::domain::article::NewArticle;
use crate::domain::slug::Slug;
use chrono::{DateTime, NaiveDate, Utc};

const FILES: &[(&str, &str)] = &[
    (
        "01",
        include_str!("articles/01-what-does-a-backend-developer-do.md"),
    ),
    (
        "02",
        include_str!("articles/02-writing-a-cv-for-german-tech-companies.md"),
    ),
    (
        "03",
        include_str!("articles/03-how-developer-salaries-work-in-germany.md"),
    ),
    (
        "04",
        include_str!("articles/04-remote-and-hybrid-work-in-germany.md"),
    ),
    (
        "05",
        include_str!("articles/05-what-does-a-frontend-developer-do.md"),
    ),
    (
        "06",
        include_str!("articles/06-getting-into-devops-and-platform-engineering.md"),
    ),
    (
        "07",
        include_str!("articles/07-preparing-for-technical-interviews.md"),
    ),
    (
        "08",
        include_str!("articles/08-from-junior-to-mid-level-developer.md"),
    ),
];

pub fn demo_articles() -> Result<Vec<NewArticle>, InvalidInput> {
    FILES.iter().map(|(_, text)| parse(text)).collect()
}

/// Parses one article file: header lines up to `---`, then the Markdown body.
fn parse(text: &str) -> Result<NewArticle, InvalidInput> {
    let (header, body) = text
        .split_once("\n---\n")
        .ok_or_else(|| InvalidInput::new("article", "missing the --- line after the header"))?;
    let field = |key: &str| -> Option<&str> {
        header.lines().find_map(|line| {
            line.split_once(": ")
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.trim())
        })
    };
    let required =
        |key: &'static str| field(key).ok_or_else(|| InvalidInput::new(key, "is missing"));
    let date = |key: &'static str, raw: &str| -> Result<DateTime<Utc>, InvalidInput> {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| InvalidInput::new(key, "must be a date like 2026-09-14"))
            .map(|d| d.and_hms_opt(9, 0, 0).expect("valid time").and_utc())
    };
    let published_at = date("published", required("published")?)?;
    let updated_at = match field("updated") {
        Some(raw) => date("updated", raw)?,
        None => published_at,
    };
    Ok(NewArticle {
        slug: Slug::parse(required("slug")?)?,
        title: required("title")?.to_owned(),
        summary: required("summary")?.to_owned(),
        body_markdown: body.trim().to_owned(),
        author_name: required("author")?.to_owned(),
        tags: required("tags")?
            .split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        published_at: Some(published_at),
        updated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_article_parses_with_tags_and_a_long_body() {
        let articles = demo_articles().unwrap();
        assert_eq!(articles.len(), 8);
        for a in &articles {
            assert!(!a.tags.is_empty(), "{}", a.slug);
            assert!(
                a.body_markdown.split_whitespace().count() > 800,
                "{}",
                a.slug
            );
            assert!(a.updated_at >= a.published_at.unwrap(), "{}", a.slug);
        }
        assert!(
            articles
                .iter()
                .any(|a| a.slug.as_str() == "what-does-a-backend-developer-do")
        );
    }

    #[test]
    fn a_file_without_header_end_is_rejected() {
        assert!(parse("title: x\nno body").is_err());
    }
}
