//! The demo data set and the bulk loader.

use crate::helpers::spawn_app;
use chrono::Utc;
use diesel::prelude::*;
use jobboard::db::schema::{articles, companies, jobs, technologies};

fn counts(conn: &mut PgConnection) -> (i64, i64, i64, i64) {
    (
        technologies::table.count().get_result(conn).unwrap(),
        companies::table.count().get_result(conn).unwrap(),
        jobs::table.count().get_result(conn).unwrap(),
        articles::table.count().get_result(conn).unwrap(),
    )
}

#[actix_web::test]
async fn the_demo_seed_is_idempotent() {
    let app = spawn_app().await;
    let mut conn = app.conn();

    let first = jobboard::seed::demo(&mut conn, Utc::now()).unwrap();
    let after_first = counts(&mut conn);
    let second = jobboard::seed::demo(&mut conn, Utc::now() + chrono::Duration::hours(5)).unwrap();
    let after_second = counts(&mut conn);

    assert_eq!(first.jobs, jobboard::seed::DEMO_JOBS);
    assert_eq!(first.articles, 8);
    assert_eq!(
        second,
        jobboard::seed::DemoReport::default(),
        "second run adds nothing"
    );
    assert_eq!(after_first, after_second);
}

#[actix_web::test]
async fn the_demo_data_has_a_realistic_spread() {
    let app = spawn_app().await;
    app.seed_demo();
    let mut conn = app.conn();
    let now = Utc::now();

    let (techs, companies_count, jobs_count, articles_count) = counts(&mut conn);
    let closed: i64 = jobs::table
        .filter(jobs::status.eq("closed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let expired: i64 = jobs::table
        .filter(jobs::status.eq("published"))
        .filter(jobs::valid_through.le(now))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let cities = jobs::table
        .select(jobs::city)
        .distinct()
        .load::<Option<String>>(&mut conn)
        .unwrap()
        .len();
    let remote: i64 = jobs::table
        .filter(jobs::remote_policy.eq("remote"))
        .count()
        .get_result(&mut conn)
        .unwrap();

    assert!(techs >= 40, "{techs} technologies");
    assert_eq!(companies_count, 40);
    assert_eq!(jobs_count, 400);
    assert_eq!(articles_count, 8);
    assert!(
        closed > 0 && expired > 0,
        "{closed} closed, {expired} expired"
    );
    assert!(cities >= 12, "{cities} cities");
    assert!(remote > 40, "{remote} remote");
}

#[actix_web::test]
async fn the_bulk_loader_appends_synthetic_jobs_that_the_site_lists() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    let mut listener = app.conn();
    diesel::sql_query(format!("LISTEN {}", jobboard::catalog::live::CHANNEL))
        .execute(&mut listener)
        .unwrap();

    let report = jobboard::seed::load_jobs(&app.db.url(), 2_500, Utc::now(), None, |_| {}).unwrap();
    let again = jobboard::seed::load_jobs(&app.db.url(), 501, Utc::now(), None, |_| {}).unwrap();

    // One "reload" per load, not one notification per job.
    diesel::sql_query("SELECT 1")
        .execute(&mut listener)
        .unwrap();
    let heard: Vec<String> = listener
        .notifications_iter()
        .map(|n| n.unwrap().payload)
        .collect();
    assert_eq!(heard, ["reload", "reload"]);

    assert_eq!(report.jobs, 2_500);
    assert_eq!(again.jobs, 501);
    let total: i64 = jobs::table.count().get_result(&mut conn).unwrap();
    assert_eq!(total, 3_001);
    let distinct_slugs: i64 = jobs::table
        .select(diesel::dsl::count(jobs::slug).aggregate_distinct())
        .first(&mut conn)
        .unwrap();
    assert_eq!(distinct_slugs, 3_001);
    // The identity sequence moved past the copied ids, so ordinary inserts still work.
    app.seed_demo();
    let page = app.get("/jobs?page=3").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("class=\"job-card\"").count(), 20);
    // The loader sends no notification per job, one "reload" at the end: the running
    // app's catalog still counts every open job.
    let open: i64 = jobs::table
        .filter(jobs::status.eq("published"))
        .filter(jobs::valid_through.gt(Utc::now()))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let count = jobboard::domain::salary::group_thousands(u32::try_from(open).unwrap());
    app.get("/jobs")
        .await
        .assert_contains(&format!("{count} open jobs"));
}
