//! The bulk loader's fast path: indexes and foreign keys dropped for the rows and
//! rebuilt after them, and the pre-rendered descriptions.

use crate::helpers::TestDatabase;
use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use jobboard::db::schema::jobs;

fn schema_of(db: &TestDatabase) -> String {
    let output = std::process::Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "--dbname", &db.url()])
        .output()
        .expect("pg_dump runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // pg_dump brackets its output with a random token; the rest is the schema.
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("\\restrict") && !line.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_load_into_an_empty_database_leaves_the_schema_as_the_migrations_made_it() {
    let db = TestDatabase::new();
    let migrated = schema_of(&db);

    let report = jobboard::seed::load_jobs(&db.url(), 3_000, Utc::now(), None, |_| {}).unwrap();
    assert!(report.rebuilt >= 10, "{} rebuilt", report.rebuilt);
    assert_eq!(schema_of(&db), migrated);

    // A small load next to the rows there goes through the indexes as they are.
    let again = jobboard::seed::load_jobs(&db.url(), 100, Utc::now(), None, |_| {}).unwrap();
    assert_eq!(again.rebuilt, 0);
    assert_eq!(schema_of(&db), migrated);
}

#[test]
fn what_an_interrupted_load_set_aside_is_restored_by_the_next_command() {
    let db = TestDatabase::new();
    let migrated = schema_of(&db);
    let mut conn = db.connect();
    // As a killed load leaves it: indexes and foreign keys dropped, their statements kept.
    jobboard::seed::load_jobs(&db.url(), 10, Utc::now(), None, |_| {}).unwrap();
    conn.batch_execute(
        "CREATE TABLE jobboard_seed_deferred (name TEXT PRIMARY KEY,
             kind TEXT NOT NULL CHECK (kind IN ('index', 'constraint')),
             restore TEXT NOT NULL, drop_statement TEXT NOT NULL);
         INSERT INTO jobboard_seed_deferred VALUES
             ('jobs_valid_through_idx', 'index',
              'CREATE INDEX jobs_valid_through_idx ON public.jobs USING btree (valid_through)',
              'DROP INDEX jobs_valid_through_idx'),
             ('jobs_company_id_fkey', 'constraint',
              'ALTER TABLE jobs ADD CONSTRAINT jobs_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies(id) ON DELETE RESTRICT',
              'ALTER TABLE jobs DROP CONSTRAINT jobs_company_id_fkey');
         DROP INDEX jobs_valid_through_idx;
         ALTER TABLE jobs DROP CONSTRAINT jobs_company_id_fkey;",
    )
    .unwrap();
    assert_ne!(schema_of(&db), migrated);

    let restored = jobboard::seed::restore_set_aside_indexes(&db.url()).unwrap();
    assert_eq!(restored, 2);
    assert_eq!(schema_of(&db), migrated);
}

#[test]
fn every_loaded_job_has_its_description_rendered_as_the_job_page_would() {
    let db = TestDatabase::new();
    jobboard::seed::load_jobs(&db.url(), 1_500, Utc::now(), None, |_| {}).unwrap();
    let mut conn = db.connect();
    let missing: i64 = jobs::table
        .filter(jobs::description_html.is_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(missing, 0);
    let sample: Vec<(String, Option<String>)> = jobs::table
        .select((jobs::description, jobs::description_html))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("id % 7 = 0"))
        .load(&mut conn)
        .unwrap();
    assert!(sample.len() > 200);
    for (markdown, html) in sample {
        assert_eq!(
            html.as_deref(),
            Some(jobboard::domain::markdown::render_without_images(&markdown).as_str())
        );
    }
}

#[test]
fn the_words_a_load_hands_to_the_text_index_are_what_the_database_gives() {
    use jobboard::domain::open_job::JobText;
    let db = TestDatabase::new();
    // Jobs already there are handed over first, then the load's own.
    jobboard::seed::load_jobs(&db.url(), 300, Utc::now(), None, |_| {}).unwrap();
    let (sink, chunks) = std::sync::mpsc::sync_channel::<Vec<JobText>>(1);
    let collector = std::thread::spawn(move || chunks.iter().flatten().collect::<Vec<_>>());
    jobboard::seed::load_jobs(&db.url(), 2_000, Utc::now(), Some(sink), |_| {}).unwrap();
    let handed = collector.join().unwrap();

    let mut conn = db.connect();
    let mut stored = Vec::new();
    let mut after = 0;
    loop {
        let chunk = jobboard::repo::search::published_after(&mut conn, after, 1_000).unwrap();
        let Some(last) = chunk.last() else { break };
        after = last.id;
        stored.extend(chunk);
    }
    // The database keeps microseconds.
    let words = |jobs: &[JobText]| {
        let mut words: Vec<String> = jobs
            .iter()
            .map(|j| {
                format!(
                    "{} {} {} {} | {} | {:?} {:?} {:?} {:?} {:?} | {}",
                    j.id,
                    j.published,
                    j.updated_at.timestamp_micros(),
                    j.title,
                    j.company,
                    j.city,
                    j.seniority,
                    j.remote,
                    j.employment,
                    j.technology_slugs,
                    j.description
                )
            })
            .collect();
        words.sort();
        words
    };
    assert!(stored.len() > 2_000, "{} published jobs", stored.len());
    assert_eq!(words(&handed), words(&stored));
}
