//! Row structs: the exact shape of what Diesel reads and writes. Conversion into domain
//! types happens in the repository layer.

use super::schema::{articles, companies, job_technologies, jobs, technologies};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = companies, check_for_backend(diesel::pg::Pg))]
pub struct CompanyRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub city: String,
    pub website: Option<String>,
    pub about: String,
    pub size_band: String,
    pub logo_image_id: Option<i64>,
}

/// The few company fields a job card needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = companies, check_for_backend(diesel::pg::Pg))]
pub struct CompanyRefRow {
    pub slug: String,
    pub name: String,
    pub logo_image_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = companies)]
pub struct NewCompanyRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub city: &'a str,
    pub website: Option<&'a str>,
    pub about: &'a str,
    pub size_band: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = technologies, check_for_backend(diesel::pg::Pg))]
pub struct TechnologyRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = technologies)]
pub struct NewTechnologyRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
}

/// The job columns a listing card shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
pub struct JobCardRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub city: Option<String>,
    pub country: String,
    pub remote_policy: String,
    pub remote_countries: Vec<Option<String>>,
    pub seniority: String,
    pub employment_type: String,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<String>,
    pub posted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub technology_slugs: Vec<Option<String>>,
}

/// A job card row joined with its company, read in one query.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct JobWithCompanyRow {
    #[diesel(embed)]
    pub job: JobCardRow,
    #[diesel(embed)]
    pub company: CompanyRefRow,
}

/// The columns only a job page needs on top of the card.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
pub struct JobExtraRow {
    pub description: String,
    pub description_html: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    pub valid_through: DateTime<Utc>,
    pub status: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct JobPageRow {
    #[diesel(embed)]
    pub card: JobCardRow,
    #[diesel(embed)]
    pub extra: JobExtraRow,
    #[diesel(embed)]
    pub company: CompanyRow,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJobRow<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub company_id: i64,
    pub description: &'a str,
    pub description_html: &'a str,
    pub city: Option<&'a str>,
    pub country: &'a str,
    pub remote_policy: &'a str,
    pub remote_countries: Vec<&'a str>,
    pub seniority: &'a str,
    pub employment_type: &'a str,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub salary_currency: Option<&'a str>,
    pub salary_period: Option<&'a str>,
    pub apply_url: Option<&'a str>,
    pub apply_email: Option<&'a str>,
    pub posted_at: DateTime<Utc>,
    pub valid_through: DateTime<Utc>,
    pub status: &'a str,
    pub technology_slugs: Vec<&'a str>,
}

/// A whole job row for bulk `COPY`: every column is sent, so none may fall back to a
/// default.
#[derive(Debug, Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
pub struct BulkJobRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub company_id: i64,
    pub description: String,
    pub city: Option<String>,
    pub country: String,
    pub remote_policy: &'static str,
    pub remote_countries: Vec<String>,
    pub seniority: &'static str,
    pub employment_type: &'static str,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub salary_currency: Option<&'static str>,
    pub salary_period: Option<&'static str>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    pub posted_at: DateTime<Utc>,
    pub valid_through: DateTime<Utc>,
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub technology_slugs: Vec<&'static str>,
    pub description_html: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = job_technologies, treat_none_as_default_value = false)]
pub struct JobTechnologyRow {
    pub job_id: i64,
    pub technology_id: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
pub struct ArticleListRow {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
    /// Word count is computed from the body; listings read it whole because articles are
    /// few and short. Revisit if bodies grow large.
    pub body: String,
}

/// A whole article: the listing columns plus what only its page needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
pub struct ArticleRow {
    pub id: i64,
    #[diesel(embed)]
    pub listing: ArticleListRow,
    pub tags: Vec<Option<String>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticleRow<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub author_name: &'a str,
    pub tags: Vec<&'a str>,
    pub status: &'a str,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::editors, check_for_backend(diesel::pg::Pg))]
pub struct EditorRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::editors)]
pub struct NewEditorRow<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::editor_sessions)]
pub struct NewSessionRow<'a> {
    pub token_hash: &'a [u8],
    pub editor_id: i64,
    pub csrf_token: &'a str,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_addr: &'a str,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::audit_log)]
pub struct NewAuditRow<'a> {
    pub editor_id: Option<i64>,
    pub editor_email: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<i64>,
    pub summary: &'a str,
    pub client_addr: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub editor_email: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub summary: String,
    pub client_addr: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::images, check_for_backend(diesel::pg::Pg))]
pub struct ImageRow {
    pub id: i64,
    pub base_name: String,
    pub extension: String,
    pub widths: Vec<Option<i32>>,
    pub width: i32,
    pub height: i32,
    pub original_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::images)]
pub struct NewImageRow<'a> {
    pub base_name: &'a str,
    pub extension: &'a str,
    pub widths: Vec<i32>,
    pub width: i32,
    pub height: i32,
    pub original_name: &'a str,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = crate::db::schema::mail_outbox, check_for_backend(diesel::pg::Pg))]
pub struct MailOutboxRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message as queued: status, tries and times take the table's defaults.
#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::mail_outbox)]
pub struct NewMailRow<'a> {
    pub to_address: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: Option<&'a str>,
    pub list_unsubscribe: Option<&'a str>,
}
