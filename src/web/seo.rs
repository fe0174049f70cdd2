//! What crawlers read besides pages: robots.txt and the sitemaps.

use super::WebError;
use super::board::board_counts;
use super::db::with_conn;
use crate::repo::seo::{SitemapChunk, SitemapEntry};
use crate::repo::{self, RepoResult};
use crate::web::state::AppState;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpResponse, HttpResponseBuilder};
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// Rows read per database round trip while streaming a job sitemap.
const STREAM_BATCH: i64 = 5_000;
const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(format!(
            "# Crawl everything public; the editors' area is private.\nUser-agent: *\nDisallow: /admin\n\nSitemap: {}/sitemap.xml\n",
            state.base_url
        ))
}

/// The board's change time, pages' Last-Modified: `kept`, as the job catalog's thread
/// read it (`LiveCatalog::last_change`), or read now while it has not been yet.
pub fn last_change(
    kept: Option<DateTime<Utc>>,
    conn: &mut diesel::PgConnection,
    now: DateTime<Utc>,
) -> RepoResult<DateTime<Utc>> {
    match kept {
        Some(at) => Ok(at),
        None => repo::seo::last_change(conn, now),
    }
}

/// [`last_change`] on a connection of its own, taken only when it must be read.
pub async fn board_last_change(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, WebError> {
    match state.catalog.last_change() {
        Some(at) => Ok(at),
        None => with_conn(&state.pool, move |conn| repo::seo::last_change(conn, now)).await,
    }
}

fn xml_response() -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    response
}

/// Escapes the five XML special characters.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out
}

fn push_url(out: &mut String, location: &str, lastmod: DateTime<Utc>) {
    let _ = writeln!(
        out,
        "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
        xml_escape(location),
        lastmod.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
}

/// The sitemap index: every sitemap file with the time its content last changed.
#[tracing::instrument(skip(state))]
pub async fn sitemap_index(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let kept = state.catalog.last_change();
    let (last_change, articles, job_chunks, company_chunks) = with_conn(&state.pool, move |conn| {
        Ok((
            last_change(kept, conn, now)?,
            repo::seo::articles(conn, now)?,
            repo::seo::job_chunks(conn, now)?,
            repo::seo::company_chunks(conn, now)?,
        ))
    })
    .await?;
    let base = &state.base_url;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: String, lastmod: DateTime<Utc>| {
        let _ = writeln!(
            out,
            "<sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>",
            xml_escape(&format!("{base}{path}")),
            lastmod.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    };
    push("/sitemaps/pages.xml".to_owned(), last_change);
    if let Some(newest) = articles.iter().map(|a| a.lastmod).max() {
        push("/sitemaps/articles.xml".to_owned(), newest);
    }
    for SitemapChunk { chunk, lastmod } in company_chunks {
        push(format!("/sitemaps/companies-{}.xml", chunk + 1), lastmod);
    }
    for SitemapChunk { chunk, lastmod } in job_chunks {
        push(format!("/sitemaps/jobs-{}.xml", chunk + 1), lastmod);
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml_response().body(out))
}

/// The fixed pages and the landing pages (technologies, cities, both, remote).
#[tracing::instrument(skip(state))]
pub async fn sitemap_pages(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let last_change = board_last_change(&state, now).await?;
    let counts = board_counts(&state).await?;
    let mut paths: Vec<String> = [
        "/",
        "/jobs",
        "/companies",
        "/articles",
        "/technologies",
        "/cities",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // The landing pages that exist: each has open jobs.
    if counts.remote_jobs > 0 {
        paths.push("/remote".to_owned());
    }
    paths.extend(
        counts
            .technologies
            .iter()
            .map(|t| format!("/technologies/{}", t.slug)),
    );
    paths.extend(counts.cities.iter().map(|c| format!("/cities/{}", c.slug)));
    paths.extend(counts.technology_cities.iter().filter_map(|(t, city)| {
        counts
            .city_named(city)
            .map(|c| format!("/technologies/{}/{}", t.slug, c.slug))
    }));
    let salary_stats = super::salaries::salary_stats(&state).await?;
    paths.extend(super::salaries::sitemap_paths(&salary_stats));
    let mut out = String::with_capacity(URLSET_OPEN.len() + paths.len() * 120);
    out.push_str(URLSET_OPEN);
    for path in paths {
        push_url(&mut out, &format!("{}{path}", state.base_url), last_change);
    }
    out.push_str(URLSET_CLOSE);
    Ok(xml_response().body(out))
}

fn urlset(base: &str, prefix: &str, entries: &[SitemapEntry]) -> String {
    let mut out = String::with_capacity(URLSET_OPEN.len() + entries.len() * 120);
    out.push_str(URLSET_OPEN);
    for entry in entries {
        push_url(
            &mut out,
            &format!("{base}{prefix}/{}", entry.slug),
            entry.lastmod,
        );
    }
    out.push_str(URLSET_CLOSE);
    out
}

#[tracing::instrument(skip(state))]
pub async fn sitemap_articles(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let articles = with_conn(&state.pool, move |conn| repo::seo::articles(conn, now)).await?;
    Ok(xml_response().body(urlset(&state.base_url, "/articles", &articles)))
}

/// Chunks are numbered from 1 in URLs; anything else is not a sitemap.
fn chunk_index(raw: &str) -> Result<i64, WebError> {
    match raw.parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) && !raw.starts_with('0') => Ok(n - 1),
        _ => Err(WebError::NotFound),
    }
}

#[tracing::instrument(skip(state))]
pub async fn sitemap_companies(
    state: web::Data<AppState>,
    chunk: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let chunk = chunk_index(&chunk)?;
    let now = Utc::now();
    let companies = with_conn(&state.pool, move |conn| {
        repo::seo::companies_in_chunk(conn, chunk, now)
    })
    .await?;
    if companies.is_empty() {
        return Err(WebError::NotFound);
    }
    Ok(xml_response().body(urlset(&state.base_url, "/companies", &companies)))
}

/// Where the stream of a job sitemap stands.
enum Step {
    Rows(Vec<(i64, SitemapEntry)>, bool),
    Fetch(i64),
    Close,
    Done,
}

/// A job sitemap of up to 50,000 URLs, streamed in batches so that neither the server
/// nor the database holds the whole file at once.
#[tracing::instrument(skip(state))]
pub async fn sitemap_jobs(
    state: web::Data<AppState>,
    chunk: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let chunk = chunk_index(&chunk)?;
    let now = Utc::now();
    let first = with_conn(&state.pool, move |conn| {
        repo::seo::jobs_in_chunk(conn, chunk, 0, STREAM_BATCH, now)
    })
    .await?;
    if first.is_empty() {
        return Err(WebError::NotFound);
    }
    let state = state.into_inner();
    let stream = futures_util::stream::unfold(
        (Step::Rows(first, true), state),
        move |(step, state)| async move {
            let rows = match step {
                Step::Done => return None,
                Step::Close => {
                    return Some((
                        Ok(Bytes::from_static(URLSET_CLOSE.as_bytes())),
                        (Step::Done, state),
                    ));
                }
                Step::Rows(rows, first) => (rows, first),
                Step::Fetch(after) => {
                    let fetched = with_conn(&state.pool, move |conn| {
                        repo::seo::jobs_in_chunk(conn, chunk, after, STREAM_BATCH, now)
                    })
                    .await;
                    match fetched {
                        Ok(rows) if rows.is_empty() => {
                            return Some((
                                Ok(Bytes::from_static(URLSET_CLOSE.as_bytes())),
                                (Step::Done, state),
                            ));
                        }
                        Ok(rows) => (rows, false),
                        Err(e) => {
                            tracing::error!(error = %e, "job sitemap stream failed");
                            let error: actix_web::Error =
                                actix_web::error::ErrorServiceUnavailable("sitemap interrupted");
                            return Some((Err(error), (Step::Done, state)));
                        }
                    }
                }
            };
            let (rows, first) = rows;
            let mut out = String::with_capacity(rows.len() * 120 + URLSET_OPEN.len());
            if first {
                out.push_str(URLSET_OPEN);
            }
            for (_, entry) in &rows {
                push_url(
                    &mut out,
                    &format!("{}/jobs/{}", state.base_url, entry.slug),
                    entry.lastmod,
                );
            }
            let next = match rows.last() {
                Some((last_id, _))
                    if rows.len() == usize::try_from(STREAM_BATCH).unwrap_or(usize::MAX) =>
                {
                    Step::Fetch(*last_id)
                }
                _ => Step::Close,
            };
            Some((Ok::<_, actix_web::Error>(Bytes::from(out)), (next, state)))
        },
    );
    Ok(xml_response().streaming(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(xml_escape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&apos;");
    }

    #[test]
    fn chunk_numbers_start_at_one() {
        assert_eq!(chunk_index("1").unwrap(), 0);
        assert_eq!(chunk_index("20").unwrap(), 19);
        for bad in ["0", "01", "-1", "x", "999999999999"] {
            assert!(chunk_index(bad).is_err(), "{bad}");
        }
    }
}
