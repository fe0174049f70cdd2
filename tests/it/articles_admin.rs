//! The editors' article workflow through the real app on a fresh database: drafts and
//! scheduled articles stay off every public page until their time, publishing reaches
//! every list, feed, sitemap and instance, renamed and removed articles leave the right
//! answer at their address, no edit is lost, invalid input comes back whole, every save
//! is a revision and an audit entry, and a save cut off by the end of a session comes
//! back after signing in again.

use crate::helpers::{
    AdminClient, AdminResponse, EDITOR_PASSWORD, Page, TestApp, attribute, control_tag,
    field_block, form_value, spawn_app, spawn_instance_on, table_digests, textarea_value,
};
use crate::images::jpeg_with_gps;
use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Timelike, Utc};
use diesel::prelude::*;
use jobboard::db::schema::{articles, audit_log};
use jobboard::domain::article::{COVER_SIZES, EditableArticle, berlin_inputs};
use jobboard::domain::editor::Role;
use jobboard::repo;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The public pages that list live articles or point to them.
const PUBLIC_LISTS: [&str; 5] = [
    "/",
    "/articles",
    "/articles/feed.xml",
    "/sitemaps/articles.xml",
    "/sitemap.xml",
];

/// The places a live article must show up in, each naming its address.
const LISTED_IN: [&str; 3] = ["/articles", "/articles/feed.xml", "/sitemaps/articles.xml"];

/// The article form as an editor fills it in: every field it posts, by name.
#[derive(Clone)]
struct ArticleForm {
    fields: Vec<(&'static str, String)>,
}

impl ArticleForm {
    /// A complete draft: summary, Markdown text, a tag and the author filled in, the
    /// slug left empty (so it is made from the title).
    fn draft(title: &str) -> Self {
        Self {
            fields: vec![
                ("title", title.to_owned()),
                ("slug", String::new()),
                (
                    "summary",
                    format!("What {title} means for software developers in Germany."),
                ),
                (
                    "body",
                    format!(
                        "## Why it matters\n\nA first paragraph about {title}.\n\nA second paragraph."
                    ),
                ),
                ("tags", "career".to_owned()),
                ("author", "Jana Voss".to_owned()),
                ("cover_image", String::new()),
                ("cover_alt", String::new()),
                ("status", "draft".to_owned()),
                ("publish_date", String::new()),
                ("publish_time", String::new()),
            ],
        }
    }

    fn published(title: &str) -> Self {
        Self::draft(title).with("status", "published")
    }

    /// Scheduled for `at`, typed as the Berlin date and time the form's inputs take.
    fn scheduled(title: &str, at: DateTime<Utc>) -> Self {
        let (date, time) = berlin_inputs(at);
        Self::draft(title)
            .with("status", "scheduled")
            .with("publish_date", &date)
            .with("publish_time", &time)
    }

    fn with(mut self, name: &'static str, value: &str) -> Self {
        match self.fields.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => value.clone_into(v),
            None => self.fields.push((name, value.to_owned())),
        }
        self
    }

    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The fields followed by `extra` (version, token, which button), as posted.
    fn post<'a>(&'a self, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        self.fields
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(extra.iter().copied())
            .collect()
    }
}

fn edit_path(id: i64) -> String {
    format!("/admin/articles/{id}/edit")
}

/// The article id a save redirected to (`/admin/articles/{id}/edit`).
fn edited_id(response: &AdminResponse) -> i64 {
    response
        .location()
        .and_then(|l| l.strip_prefix("/admin/articles/"))
        .and_then(|rest| rest.strip_suffix("/edit"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "expected a redirect to an article's edit page, got {} to {:?}:\n{}",
                response.status,
                response.location(),
                response.body
            )
        })
}

/// Creates an article through the "new article" form; its id.
async fn create(client: &AdminClient, form: &ArticleForm) -> i64 {
    let response = client
        .submit("/admin/articles", &form.post(&[("action", "save")]))
        .await;
    response.assert_status(303);
    edited_id(&response)
}

/// Posts `form` to article `id` as the form on `page` would: with the version the page
/// was loaded at and its token.
async fn post_from(
    client: &AdminClient,
    page: &AdminResponse,
    id: i64,
    form: &ArticleForm,
) -> AdminResponse {
    let version = form_value(&page.body, "version").expect("the form's version");
    let csrf = page.csrf().expect("the form's token");
    client
        .post(
            &format!("/admin/articles/{id}"),
            &form.post(&[("version", &version), ("csrf", &csrf), ("action", "save")]),
        )
        .await
}

/// Opens the article's edit form and saves `form` from it.
async fn save(client: &AdminClient, id: i64, form: &ArticleForm) -> AdminResponse {
    let page = client.get(&edit_path(id)).await;
    page.assert_status(200);
    post_from(client, &page, id, form).await
}

fn article(app: &TestApp, id: i64) -> EditableArticle {
    repo::articles::find_editable(&mut app.db.connect(), id).expect("the article")
}

fn article_count(app: &TestApp) -> i64 {
    articles::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap()
}

/// Every `<script type="application/ld+json">` block of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    html.split(OPEN)
        .skip(1)
        .map(|rest| {
            let json = rest.split("</script>").next().unwrap_or_default();
            serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON-LD ({e}): {json}"))
        })
        .collect()
}

fn article_block(html: &str) -> Value {
    json_ld(html)
        .into_iter()
        .find(|b| b["@type"] == "Article")
        .unwrap_or_else(|| panic!("no Article JSON-LD on the page:\n{html}"))
}

/// The `<lastmod>` of the articles sitemap in the sitemap index.
fn index_lastmod_of_articles(index: &str) -> Option<String> {
    index
        .split("<sitemap>")
        .find(|entry| entry.contains("/sitemaps/articles.xml</loc>"))
        .and_then(|entry| entry.split("<lastmod>").nth(1))
        .and_then(|rest| rest.split("</lastmod>").next())
        .map(str::to_owned)
}

/// GETs `path` until `wanted` holds of the answer, for at most a second: public pages
/// may lag that long behind an editor's change (docs/SCALING.md: the page cache is
/// dropped on the change notification and keeps a page for a second at most). The last
/// answer.
async fn within_a_second(app: &TestApp, path: &str, wanted: impl Fn(&Page) -> bool) -> Page {
    let started = Instant::now();
    loop {
        let page = app.get(path).await;
        if wanted(&page) || started.elapsed() >= Duration::from_secs(1) {
            return page;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Asserts that the article titled `title` at `/articles/{slug}` is on no public list
/// nor on any of `pages`, and that its own address answers `status` (each within the
/// second public pages may lag behind a change).
async fn assert_not_public(app: &TestApp, title: &str, slug: &str, pages: &[&str], status: u16) {
    let address = format!("/articles/{slug}");
    let mentions = |page: &Page| page.body.contains(title) || page.body.contains(&address);
    let own = within_a_second(app, &address, |p| p.status == status).await;
    assert_eq!(own.status, status, "{address}:\n{}", own.body);
    own.assert_lacks(title);
    for path in PUBLIC_LISTS.iter().chain(pages) {
        let page = within_a_second(app, path, |p| p.status == 200 && !mentions(p)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            !mentions(&page),
            "{path} shows {title:?} ({address}):\n{}",
            page.body
        );
    }
}

/// Which of [`LISTED_IN`] do not (yet) name `/articles/{slug}`.
async fn lists_without(app: &TestApp, slug: &str) -> Vec<&'static str> {
    let address = format!("/articles/{slug}");
    let mut missing = Vec::new();
    for path in LISTED_IN {
        if !app.get(path).await.body.contains(&address) {
            missing.push(path);
        }
    }
    missing
}

/// Lets article `id`'s scheduled minute pass as the clock would: `published_at` moves
/// a second into the past and nothing else happens. The table's triggers are off for
/// the statement, so `updated_at` stays and no change is announced: the app can only
/// notice by comparing with the time.
fn let_schedule_pass(app: &TestApp, id: i64) {
    let mut conn = app.db.connect();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::sql_query("ALTER TABLE articles DISABLE TRIGGER USER").execute(conn)?;
        let moved = diesel::sql_query(
            "UPDATE articles SET published_at = now() - interval '1 second' WHERE id = $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(id)
        .execute(conn)?;
        assert_eq!(moved, 1);
        diesel::sql_query("ALTER TABLE articles ENABLE TRIGGER USER").execute(conn)?;
        Ok(())
    })
    .expect("moving the schedule into the past");
}

async fn sleep_until(at: DateTime<Utc>) {
    if let Ok(wait) = (at - Utc::now()).to_std() {
        actix_web::rt::time::sleep(wait).await;
    }
}

fn http_date(value: Option<&str>) -> DateTime<Utc> {
    let value = value.expect("a Last-Modified header");
    DateTime::parse_from_rfc2822(value)
        .unwrap_or_else(|e| panic!("Last-Modified {value:?}: {e}"))
        .with_timezone(&Utc)
}

/// Uploads a real photo through the images page; the stored image.
async fn upload_photo(
    app: &TestApp,
    client: &AdminClient,
    width: u32,
    height: u32,
) -> jobboard::domain::image::StoredImage {
    client
        .upload(
            "/admin/images",
            "standing-desk.jpg",
            "image/jpeg",
            &jpeg_with_gps(width, height),
        )
        .await
        .assert_redirect("/admin/images");
    repo::images::list_recent(&mut app.db.connect(), 1, 0)
        .unwrap()
        .pop()
        .expect("the uploaded image")
}

// --- Drafts and previews ---------------------------------------------------------------

#[actix_web::test]
async fn a_draft_is_on_no_public_page_feed_or_sitemap() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    create(
        &client,
        &ArticleForm::published("Salary guide for backend developers")
            .with("tags", "career, salary"),
    )
    .await;
    create(
        &client,
        &ArticleForm::published("Interview questions for Rust developers"),
    )
    .await;
    // Saved a second later, so that a date taken from the draft would differ.
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    create(&client, &ArticleForm::draft("Secret merger plans")).await;

    assert_not_public(
        &app,
        "Secret merger plans",
        "secret-merger-plans",
        &["/articles/salary-guide-for-backend-developers"],
        404,
    )
    .await;
    // The same pages do show what is live: the list, and the related articles box of
    // an article sharing the draft's tag.
    for path in ["/", "/articles"] {
        app.get(path)
            .await
            .assert_contains("Salary guide for backend developers");
    }
    let related = app
        .get("/articles/salary-guide-for-backend-developers")
        .await;
    related.assert_contains("Interview questions for Rust developers");
    for page in [&related, &app.get("/").await] {
        let blocks = json_ld(&page.body);
        assert!(!blocks.is_empty());
        for block in blocks {
            assert!(
                !block.to_string().contains("Secret merger plans"),
                "{block}"
            );
        }
    }
    let index = app.get("/sitemap.xml").await;
    let listed = app.get("/sitemaps/articles.xml").await;
    let newest_listed = listed
        .body
        .split("<lastmod>")
        .skip(1)
        .filter_map(|rest| rest.split("</lastmod>").next())
        .max()
        .map(str::to_owned);
    assert_eq!(
        index_lastmod_of_articles(&index.body),
        newest_listed,
        "the index dates the articles sitemap by what it lists:\n{}",
        index.body
    );
}

#[actix_web::test]
async fn a_renamed_draft_leaves_nothing_at_its_old_address() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let form = ArticleForm::draft("Secret merger plans");
    let id = create(&client, &form).await;

    save(&client, id, &form.with("slug", "quarterly-update"))
        .await
        .assert_status(303);

    // Never public under either slug: the old address must not point to the new one.
    let old = app.get("/articles/secret-merger-plans").await;
    assert_eq!(
        (old.status, old.header("location")),
        (404, None),
        "the old slug of a draft reveals its new one"
    );
    assert_eq!(app.get("/articles/quarterly-update").await.status, 404);
}

#[actix_web::test]
async fn a_deleted_draft_that_was_never_public_answers_404() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let id = create(&client, &ArticleForm::draft("Secret merger plans")).await;
    let confirm = client.get(&format!("/admin/articles/{id}/delete")).await;

    client
        .post(
            &format!("/admin/articles/{id}/delete"),
            &[("csrf", &confirm.csrf().unwrap())],
        )
        .await
        .assert_redirect("/admin/articles");

    assert_eq!(article_count(&app), 0);
    assert_eq!(
        app.get("/articles/secret-merger-plans").await.status,
        404,
        "a slug that was never public must not answer 410 (it tells that the draft existed)"
    );
}

#[actix_web::test]
async fn a_preview_renders_the_markdown_and_saves_nothing() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let saved = ArticleForm::published("Remote work in Germany");
    let id = create(&client, &saved).await;
    let edit = client.get(&edit_path(id)).await;
    let version = form_value(&edit.body, "version").unwrap();
    let csrf = edit.csrf().unwrap();
    let typed = saved.with("body", "## What changes\n\nSome **bold** advice.");
    let new = typed.clone().with("title", "A brand new guide");
    let before = table_digests(&mut app.db.connect());

    let new_preview = client
        .post(
            "/admin/articles",
            &new.post(&[("csrf", &csrf), ("action", "preview")]),
        )
        .await;
    let edit_preview = client
        .post(
            &format!("/admin/articles/{id}"),
            &typed.post(&[
                ("version", &version),
                ("csrf", &csrf),
                ("action", "preview"),
            ]),
        )
        .await;

    assert_eq!(before, table_digests(&mut app.db.connect()));
    for preview in [&new_preview, &edit_preview] {
        preview.assert_status(200);
        preview.assert_contains("<h2>What changes</h2>");
        preview.assert_contains("<strong>bold</strong>");
        assert_eq!(
            textarea_value(&preview.body, "body").as_deref(),
            Some(typed.get("body")),
            "the typed text stays in the form"
        );
    }
    new_preview.assert_contains("<h1>A brand new guide</h1>");
    let public = app.get("/articles/remote-work-in-germany").await;
    assert_eq!(public.status, 200);
    public.assert_lacks("bold</strong> advice");
}

// --- Scheduling ------------------------------------------------------------------------

#[actix_web::test]
async fn a_scheduled_article_goes_public_once_its_time_has_passed() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    create(
        &client,
        &ArticleForm::published("Salary guide for backend developers"),
    )
    .await;
    let title = "Hiring trends for the new year";
    let slug = "hiring-trends-for-the-new-year";
    let id = create(
        &client,
        &ArticleForm::scheduled(title, Utc::now() + TimeDelta::minutes(10)),
    )
    .await;
    assert!(
        article(&app, id)
            .publication
            .published_at
            .is_some_and(|at| at > Utc::now()),
        "stored as scheduled"
    );

    assert_not_public(
        &app,
        title,
        slug,
        &["/articles/salary-guide-for-backend-developers"],
        404,
    )
    .await;
    let before = http_date(app.get("/articles").await.header("last-modified"));
    // The article goes live at a later second than it was saved, as a real schedule
    // (at least a minute ahead) would.
    let saved = article(&app, id).updated_at;
    sleep_until(saved.with_nanosecond(0).unwrap() + TimeDelta::milliseconds(2050)).await;
    let_schedule_pass(&app, id);
    assert_eq!(article(&app, id).updated_at, saved, "only the clock moved");

    let started = Instant::now();
    loop {
        let missing = lists_without(&app, slug).await;
        if missing.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "2 s after its time the article is still missing from {missing:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.get(&format!("/articles/{slug}")).await.status, 200);
    // Now also in the related articles box of the article sharing its tag.
    within_a_second(&app, "/articles/salary-guide-for-backend-developers", |p| {
        p.body.contains(title)
    })
    .await
    .assert_contains(title);
    // Nothing announced the change: the board's change time follows at its next reading
    // (once a second), and a cached page within its second.
    let started = Instant::now();
    loop {
        let after = http_date(app.get("/articles").await.header("last-modified"));
        if after > before {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "Last-Modified of /articles stayed at {before} for 3 s after the article went live"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn a_schedule_is_typed_in_berlin_time_and_stored_in_utc() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let year = Utc::now().year() + 1;
    let winter = ArticleForm::draft("Job hunting in winter")
        .with("status", "scheduled")
        .with("publish_date", &format!("{year}-12-03"))
        .with("publish_time", "09:00");

    let id = create(&client, &winter).await;
    let form = client.get(&edit_path(id)).await;
    let summer = save(
        &client,
        id,
        &winter.with("publish_date", &format!("{year}-07-01")),
    )
    .await;

    // 3 December is winter time (UTC+1): 09:00 in Berlin is 08:00 UTC.
    let stored_in_winter = Utc.with_ymd_and_hms(year, 12, 3, 8, 0, 0).unwrap();
    form.assert_contains(&format!(
        "Article scheduled for 3 December {year}, 09:00 (Berlin)."
    ));
    form.assert_contains(&format!(
        "<time datetime=\"{}\">3 Dec {year}, 09:00</time> (Berlin)",
        stored_in_winter.to_rfc3339()
    ));
    assert_eq!(
        form_value(&form.body, "publish_date"),
        Some(format!("{year}-12-03"))
    );
    assert_eq!(
        form_value(&form.body, "publish_time").as_deref(),
        Some("09:00")
    );
    // 1 July is summer time (UTC+2): 09:00 in Berlin is 07:00 UTC.
    summer.assert_status(303);
    let stored = article(&app, id).publication.published_at;
    assert_eq!(
        stored,
        Some(Utc.with_ymd_and_hms(year, 7, 1, 7, 0, 0).unwrap())
    );
    let revisions = repo::articles::revisions(&mut app.db.connect(), id).unwrap();
    let first =
        repo::articles::revision(&mut app.db.connect(), id, revisions.last().unwrap().version)
            .unwrap();
    assert_eq!(first.published_at, Some(stored_in_winter));
}

// --- Publishing ------------------------------------------------------------------------

#[actix_web::test]
async fn a_published_article_is_listed_in_the_feed_and_the_sitemap_and_described_as_an_article() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let title = "What does a platform engineer do";
    let slug = "what-does-a-platform-engineer-do";

    let id = create(&client, &ArticleForm::published(title)).await;

    assert_eq!(lists_without(&app, slug).await, Vec::<&str>::new());
    app.get("/articles").await.assert_contains(title);
    app.get("/articles/feed.xml")
        .await
        .assert_contains(&format!("<title>{title}</title>"));
    app.get("/sitemaps/articles.xml")
        .await
        .assert_contains(&format!("<loc>{}/articles/{slug}</loc>", app.address));
    let page = app.get(&format!("/articles/{slug}")).await;
    assert_eq!(page.status, 200);
    let data = article_block(&page.body);
    assert_eq!(data["headline"], title);
    assert_eq!(data["author"]["name"], "Jana Voss");
    assert_eq!(
        data["mainEntityOfPage"],
        format!("{}/articles/{slug}", app.address)
    );
    let published = article(&app, id).publication.published_at.unwrap();
    let stated = DateTime::parse_from_rfc3339(data["datePublished"].as_str().unwrap()).unwrap();
    assert_eq!(stated, published);
}

#[actix_web::test]
async fn another_instance_shows_a_published_article_within_a_second() {
    let app = spawn_app().await;
    let other = spawn_instance_on(&app).await;
    let reader = AdminClient::new(&other.address);
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let title = "Moving to Munich as a developer";
    // The other instance has the list in its page cache.
    reader.get("/articles").await.assert_lacks(title);

    create(&client, &ArticleForm::published(title)).await;
    let published = Instant::now();

    loop {
        let list = reader.get("/articles").await;
        if list.body.contains(title) {
            break;
        }
        assert!(
            published.elapsed() < Duration::from_secs(1),
            "the other instance does not list the article after a second"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    reader
        .get("/articles/moving-to-munich-as-a-developer")
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn changing_the_slug_of_a_published_article_redirects_its_old_address() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let form = ArticleForm::published("Moving to Berlin as a developer");
    let id = create(&client, &form).await;
    assert_eq!(
        app.get("/articles/moving-to-berlin-as-a-developer")
            .await
            .status,
        200
    );

    save(
        &client,
        id,
        &form.with("slug", "relocating-to-berlin-as-a-developer"),
    )
    .await
    .assert_status(303);

    let old = within_a_second(&app, "/articles/moving-to-berlin-as-a-developer", |p| {
        p.status == 301
    })
    .await;
    assert_eq!(
        (old.status, old.header("location")),
        (301, Some("/articles/relocating-to-berlin-as-a-developer"))
    );
    assert_eq!(
        app.get("/articles/relocating-to-berlin-as-a-developer")
            .await
            .status,
        200
    );
}

// --- Unpublishing and deleting ---------------------------------------------------------

#[actix_web::test]
async fn unpublishing_a_live_article_makes_its_address_answer_410() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let title = "Freelancing in Germany";
    let id = create(&client, &ArticleForm::published(title)).await;
    let edit = client.get(&edit_path(id)).await;
    assert_eq!(
        app.get("/articles/freelancing-in-germany").await.status,
        200
    );

    client
        .post(
            &format!("/admin/articles/{id}/unpublish"),
            &[("csrf", &edit.csrf().unwrap())],
        )
        .await
        .assert_redirect(&edit_path(id));

    assert_eq!(article(&app, id).publication.published_at, None);
    assert_not_public(&app, title, "freelancing-in-germany", &[], 410).await;
}

#[actix_web::test]
async fn unpublishing_a_scheduled_article_leaves_its_address_404() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let title = "Hiring trends for the new year";
    let id = create(
        &client,
        &ArticleForm::scheduled(title, Utc::now() + TimeDelta::hours(2)),
    )
    .await;
    let edit = client.get(&edit_path(id)).await;

    client
        .post(
            &format!("/admin/articles/{id}/unpublish"),
            &[("csrf", &edit.csrf().unwrap())],
        )
        .await
        .assert_redirect(&edit_path(id));

    assert_eq!(article(&app, id).publication.published_at, None);
    assert_not_public(&app, title, "hiring-trends-for-the-new-year", &[], 404).await;
}

#[actix_web::test]
async fn deleting_asks_on_a_page_of_its_own_and_then_leaves_410() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let title = "Freelancing in Germany";
    let id = create(&client, &ArticleForm::published(title)).await;
    let before = table_digests(&mut app.db.connect());

    let confirm = client.get(&format!("/admin/articles/{id}/delete")).await;

    confirm.assert_status(200);
    confirm.assert_contains(&format!(
        "<form action=\"/admin/articles/{id}/delete\" method=\"post\""
    ));
    confirm.assert_contains(title);
    assert_eq!(
        before,
        table_digests(&mut app.db.connect()),
        "asking deleted nothing"
    );
    assert_eq!(
        app.get("/articles/freelancing-in-germany").await.status,
        200
    );

    client
        .post(
            &format!("/admin/articles/{id}/delete"),
            &[("csrf", &confirm.csrf().unwrap())],
        )
        .await
        .assert_redirect("/admin/articles");

    assert_eq!(article_count(&app), 0);
    assert_not_public(&app, title, "freelancing-in-germany", &[], 410).await;
}

// --- No lost edits ---------------------------------------------------------------------

#[actix_web::test]
async fn a_save_over_a_newer_version_is_refused_and_keeps_the_editors_text() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let (ben, _) = app.signed_in("ben@example.org", Role::Editor).await;
    let form = ArticleForm::draft("Negotiating a salary");
    let id = create(&anna, &form).await;
    let annas_form = anna.get(&edit_path(id)).await;
    let bens = form.clone().with("body", "Ben writes: ask for a range.");
    let annas = form.with("body", "Anna's text: know the market rate first.");
    save(&ben, id, &bens).await.assert_status(303);

    let conflict = post_from(&anna, &annas_form, id, &annas).await;

    conflict.assert_status(409);
    conflict.assert_contains("Saved: version 2 by ben");
    conflict.assert_contains("Ben writes: ask for a range.");
    conflict.assert_contains("Yours: not saved yet");
    assert_eq!(
        textarea_value(&conflict.body, "body").as_deref(),
        Some(annas.get("body"))
    );
    assert_eq!(form_value(&conflict.body, "version").as_deref(), Some("2"));
    assert_eq!(article(&app, id).body_markdown, bens.get("body"));

    post_from(&anna, &conflict, id, &annas)
        .await
        .assert_redirect(&edit_path(id));

    let saved = article(&app, id);
    assert_eq!(
        (saved.version, saved.body_markdown.as_str()),
        (3, annas.get("body"))
    );
    let history: Vec<(i32, String)> = repo::articles::revisions(&mut app.db.connect(), id)
        .unwrap()
        .into_iter()
        .map(|r| (r.version, r.editor_name))
        .collect();
    assert_eq!(
        history,
        vec![
            (3, "anna".to_owned()),
            (2, "ben".to_owned()),
            (1, "anna".to_owned())
        ]
    );
}

// --- Validation ------------------------------------------------------------------------

#[actix_web::test]
async fn an_invalid_form_answers_422_with_every_message_beside_its_field_and_every_input_kept() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let image = upload_photo(&app, &client, 640, 360).await;
    let image_id = image.id.to_string();
    let typed = ArticleForm::draft("")
        .with("slug", "my-kept-slug")
        .with("summary", &"A summary that goes on and on. ".repeat(11))
        .with("body", "## Kept\n\nEvery <word> & \"quote\" stays.\n")
        .with("tags", "career, Salary")
        .with("author", "Jana Voss")
        .with("cover_image", &image_id);

    let page = client
        .submit("/admin/articles", &typed.post(&[("action", "save")]))
        .await;

    page.assert_status(422);
    assert_eq!(article_count(&app), 0);
    page.assert_contains("class=\"error-summary\"");
    for field in ["title", "summary", "cover_alt"] {
        page.assert_contains(&format!("<a href=\"#{field}\">"));
        let block = field_block(&page.body, field)
            .unwrap_or_else(|| panic!("no field {field} on the page:\n{}", page.body));
        assert!(
            block.contains(&format!("class=\"field__error\" id=\"{field}-error\"")),
            "no message beside {field}:\n{block}"
        );
        let control = control_tag(&page.body, field).unwrap();
        let described_by = attribute(control, "aria-describedby").unwrap_or_default();
        assert!(
            described_by
                .split_whitespace()
                .any(|id| id == format!("{field}-error")),
            "{control}"
        );
        assert_eq!(attribute(control, "aria-invalid").as_deref(), Some("true"));
    }
    for field in ["slug", "tags", "author"] {
        assert_eq!(
            form_value(&page.body, field).as_deref(),
            Some(typed.get(field)),
            "{field}"
        );
    }
    for field in ["summary", "body"] {
        assert_eq!(
            textarea_value(&page.body, field).as_deref(),
            Some(typed.get(field)),
            "{field}"
        );
    }
    page.assert_contains(&format!("<option value=\"{image_id}\" selected>"));
}

#[actix_web::test]
async fn a_summary_longer_than_search_results_show_saves_with_a_warning() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let summary =
        "Backend developers build the parts of an application users never see. ".repeat(3);
    let summary = summary.trim();
    assert!((161..=300).contains(&summary.chars().count()));

    let id = create(
        &client,
        &ArticleForm::draft("What does a backend developer do").with("summary", summary),
    )
    .await;
    let form = client.get(&edit_path(id)).await;

    assert_eq!(article(&app, id).summary, summary);
    form.assert_contains("Note: the summary is longer than search results show");
    form.assert_contains(&format!(
        "id=\"summary-warning\">The summary is {} characters long",
        summary.chars().count()
    ));
}

// --- Revisions -------------------------------------------------------------------------

#[actix_web::test]
async fn every_save_is_kept_whole_as_a_revision_and_listed() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let (ben, _) = app.signed_in("ben@example.org", Role::Editor).await;
    let started = Utc::now();
    let first = ArticleForm::draft("Learning Rust").with("tags", "rust, career");
    let id = create(&anna, &first).await;
    let second = first
        .clone()
        .with("title", "Learning Rust in 2027")
        .with("summary", "A new summary.")
        .with("body", "Ben's version of the text.");
    save(&ben, id, &second).await.assert_status(303);
    save(
        &anna,
        id,
        &second.clone().with("body", "Anna's third text."),
    )
    .await
    .assert_status(303);

    let mut conn = app.db.connect();
    let listed = repo::articles::revisions(&mut conn, id).unwrap();
    let kept = repo::articles::revision(&mut conn, id, 2).unwrap();
    let page = anna.get(&format!("/admin/articles/{id}/revisions")).await;

    let who: Vec<(i32, &str)> = listed
        .iter()
        .map(|r| (r.version, r.editor_name.as_str()))
        .collect();
    assert_eq!(who, vec![(3, "anna"), (2, "ben"), (1, "anna")]);
    assert!(
        listed
            .iter()
            .all(|r| r.created_at >= started - TimeDelta::seconds(1) && r.created_at <= Utc::now())
    );
    assert_eq!(
        (
            kept.title.as_str(),
            kept.slug.as_str(),
            kept.summary.as_str(),
            kept.body_markdown.as_str(),
            kept.author_name.as_str(),
            kept.tags.clone()
        ),
        (
            "Learning Rust in 2027",
            "learning-rust-in-2027",
            "A new summary.",
            "Ben's version of the text.",
            "Jana Voss",
            vec!["rust".to_owned(), "career".to_owned()]
        )
    );
    page.assert_status(200);
    for version in [1, 2] {
        page.assert_contains(&format!(
            "href=\"/admin/articles/{id}/revisions/{version}\""
        ));
    }
    page.assert_lacks(&format!("href=\"/admin/articles/{id}/revisions/3\""));
    page.assert_contains("<td>ben</td>");
    page.assert_contains("<td>anna</td>");
}

#[actix_web::test]
async fn the_diff_of_a_revision_shows_removed_and_added_lines() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let form =
        ArticleForm::draft("Learning Rust").with("body", "Line one\nOld middle line\nLine three");
    let id = create(&client, &form).await;
    save(
        &client,
        id,
        &form.with(
            "body",
            "Line one\nNew middle line\nLine three\nAdded last line",
        ),
    )
    .await
    .assert_status(303);

    let diff = client
        .get(&format!("/admin/articles/{id}/revisions/1"))
        .await;

    diff.assert_status(200);
    diff.assert_contains("<del>Old middle line</del>");
    diff.assert_contains("<ins>New middle line</ins>");
    diff.assert_contains("<ins>Added last line</ins>");
    diff.assert_lacks("<del>Line one</del>");
    diff.assert_lacks("<ins>Line one</ins>");
}

#[actix_web::test]
async fn restoring_a_revision_saves_its_content_as_a_new_version() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let first = ArticleForm::published("Learning Rust").with("tags", "rust");
    let id = create(&client, &first).await;
    save(
        &client,
        id,
        &first
            .with("title", "Learning Go")
            .with("slug", "learning-go")
            .with("summary", "Another language.")
            .with("body", "All about Go.")
            .with("tags", "go"),
    )
    .await
    .assert_status(303);
    let diff = client
        .get(&format!("/admin/articles/{id}/revisions/1"))
        .await;

    client
        .post(
            &format!("/admin/articles/{id}/revisions/1/restore"),
            &[
                ("version", &form_value(&diff.body, "version").unwrap()),
                ("csrf", &diff.csrf().unwrap()),
            ],
        )
        .await
        .assert_redirect(&edit_path(id));

    let mut conn = app.db.connect();
    let now = article(&app, id);
    let old = repo::articles::revision(&mut conn, id, 1).unwrap();
    let replaced = repo::articles::revision(&mut conn, id, 2).unwrap();
    let restored = repo::articles::revision(&mut conn, id, 3).unwrap();
    assert_eq!(now.version, 3);
    let content = |r: &jobboard::domain::article::ArticleRevision| {
        (
            r.title.clone(),
            r.slug.clone(),
            r.summary.clone(),
            r.body_markdown.clone(),
            r.author_name.clone(),
            r.tags.clone(),
        )
    };
    assert_eq!(
        (
            now.title.clone(),
            now.slug.to_string(),
            now.summary.clone(),
            now.body_markdown.clone(),
            now.author_name.clone(),
            now.tags.clone()
        ),
        content(&old)
    );
    assert_eq!(content(&restored), content(&old));
    assert_eq!(replaced.title, "Learning Go", "the replaced revision stays");
    assert_eq!(repo::articles::revisions(&mut conn, id).unwrap().len(), 3);
    assert_eq!(app.get("/articles/learning-rust").await.status, 200);
}

// --- Audit trail -----------------------------------------------------------------------

#[actix_web::test]
async fn editorial_actions_are_audited_with_the_editor_and_the_article() {
    let app = spawn_app().await;
    let (client, editor) = app.signed_in("jana@example.org", Role::Editor).await;
    let form = ArticleForm::draft("Audited article");
    let a = create(&client, &form).await;
    save(&client, a, &form.clone().with("status", "published"))
        .await
        .assert_status(303);
    let diff = client
        .get(&format!("/admin/articles/{a}/revisions/1"))
        .await;
    client
        .post(
            &format!("/admin/articles/{a}/revisions/1/restore"),
            &[
                ("version", &form_value(&diff.body, "version").unwrap()),
                ("csrf", &diff.csrf().unwrap()),
            ],
        )
        .await
        .assert_redirect(&edit_path(a));
    client
        .submit(&format!("/admin/articles/{a}/unpublish"), &[])
        .await
        .assert_redirect(&edit_path(a));
    let b = create(
        &client,
        &ArticleForm::scheduled("Scheduled article", Utc::now() + TimeDelta::days(1)),
    )
    .await;
    client
        .submit(&format!("/admin/articles/{b}/delete"), &[])
        .await
        .assert_redirect("/admin/articles");

    let entries: Vec<(String, Option<i64>, String, Option<i64>)> = audit_log::table
        .filter(audit_log::action.like("article.%"))
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::editor_id,
            audit_log::subject_type,
            audit_log::subject_id,
        ))
        .load(&mut app.db.connect())
        .unwrap();
    let expected: Vec<(String, Option<i64>, String, Option<i64>)> = [
        ("article.created", a),
        ("article.published", a),
        ("article.restored", a),
        ("article.unpublished", a),
        ("article.scheduled", b),
        ("article.deleted", b),
    ]
    .into_iter()
    .map(|(action, id)| {
        (
            action.to_owned(),
            Some(editor),
            "article".to_owned(),
            Some(id),
        )
    })
    .collect();
    assert_eq!(entries, expected);
}

// --- Cover images ----------------------------------------------------------------------

#[actix_web::test]
async fn a_cover_image_is_served_in_every_width_with_its_size_and_alt_text() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let image = upload_photo(&app, &client, 1600, 900).await;
    let alt = "A developer working at a standing desk by a window";
    create(
        &client,
        &ArticleForm::published("Working at a standing desk")
            .with("cover_image", &image.id.to_string())
            .with("cover_alt", alt),
    )
    .await;

    let page = app.get("/articles/working-at-a-standing-desk").await;

    assert_eq!(page.status, 200);
    let img = page
        .body
        .split("<figure class=\"article__cover\">")
        .nth(1)
        .and_then(|rest| rest.split("<img").nth(1))
        .and_then(|rest| rest.split('>').next())
        .map(|attrs| format!("<img{attrs}>"))
        .unwrap_or_else(|| panic!("no cover image on the page:\n{}", page.body));
    let url = |w: u32| format!("/media/{}-{w}.{}", image.base_name, image.extension);
    assert!(image.widths.len() > 1, "{:?}", image.widths);
    let srcset: Vec<String> = image
        .widths
        .iter()
        .map(|w| format!("{} {w}w", url(*w)))
        .collect();
    assert_eq!(attribute(&img, "srcset"), Some(srcset.join(", ")), "{img}");
    assert_eq!(
        attribute(&img, "sizes").as_deref(),
        Some(COVER_SIZES),
        "{img}"
    );
    assert_eq!(attribute(&img, "alt").as_deref(), Some(alt), "{img}");
    let width: u32 = attribute(&img, "width").unwrap().parse().unwrap();
    let height: u32 = attribute(&img, "height").unwrap().parse().unwrap();
    assert!(image.widths.contains(&width), "{img}");
    assert_eq!(
        height,
        (width * image.height + image.width / 2) / image.width,
        "{img}"
    );
    assert_eq!(attribute(&img, "src"), Some(url(width)), "{img}");
    for w in &image.widths {
        let file = app.get(&url(*w)).await;
        assert_eq!(file.status, 200, "{}", url(*w));
    }
    let largest = *image.widths.iter().max().unwrap();
    assert_eq!(
        article_block(&page.body)["image"],
        serde_json::json!([format!("{}{}", app.address, url(largest))])
    );
}

#[actix_web::test]
async fn a_cover_image_without_alt_text_is_refused() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let image = upload_photo(&app, &client, 640, 360).await;

    let page = client
        .submit(
            "/admin/articles",
            &ArticleForm::published("Working at a standing desk")
                .with("cover_image", &image.id.to_string())
                .with("cover_alt", "   ")
                .post(&[("action", "save")]),
        )
        .await;

    page.assert_status(422);
    page.assert_contains("<a href=\"#cover_alt\">");
    assert!(
        field_block(&page.body, "cover_alt").is_some_and(|b| b.contains("id=\"cover_alt-error\"")),
        "{}",
        page.body
    );
    assert_eq!(article_count(&app), 0);
}

// --- A session that ends while writing -------------------------------------------------

#[actix_web::test]
async fn a_save_after_the_session_expired_comes_back_after_signing_in_again() {
    let app = spawn_app().await;
    let (client, editor) = app.signed_in("jana@example.org", Role::Editor).await;
    let form = ArticleForm::draft("Notes on remote work");
    let id = create(&client, &form).await;
    let edit = client.get(&edit_path(id)).await;
    let typed = form.clone().with(
        "body",
        "Typed while the session ran out.\n\nWith a second paragraph & more.",
    );
    repo::editors::age_sessions_of(&mut app.db.connect(), editor, TimeDelta::minutes(121)).unwrap();

    let refused = post_from(&client, &edit, id, &typed).await;

    refused.assert_status(401);
    refused.assert_contains("action=\"/admin/login\"");
    let next = form_value(&refused.body, "next").expect("next");
    let resume = form_value(&refused.body, "resume").expect("the typed fields");
    assert_eq!(next, format!("/admin/articles/{id}"));
    let unchanged = article(&app, id);
    assert_eq!(
        (unchanged.version, unchanged.body_markdown.as_str()),
        (1, form.get("body"))
    );

    let resumed = client
        .post(
            "/admin/login",
            &[
                ("email", "jana@example.org"),
                ("password", EDITOR_PASSWORD),
                ("next", &next),
                ("resume", &resume),
                ("csrf", &refused.csrf().unwrap()),
            ],
        )
        .await;

    resumed.assert_status(200);
    resumed.assert_contains(&format!("action=\"/admin/articles/{id}\""));
    assert_eq!(
        textarea_value(&resumed.body, "body").as_deref(),
        Some(typed.get("body"))
    );
    assert_eq!(form_value(&resumed.body, "version").as_deref(), Some("1"));
    post_from(&client, &resumed, id, &typed)
        .await
        .assert_redirect(&edit_path(id));
    let saved = article(&app, id);
    assert_eq!(
        (saved.version, saved.body_markdown.as_str()),
        (2, typed.get("body"))
    );
}

// --- Roles -----------------------------------------------------------------------------

#[actix_web::test]
async fn editors_who_are_not_admins_create_and_publish_articles() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    client.get("/admin/articles/new").await.assert_status(200);
    let form = ArticleForm::draft("Written by an editor");
    let id = create(&client, &form).await;

    save(&client, id, &form.with("status", "published"))
        .await
        .assert_redirect(&edit_path(id));

    assert!(article(&app, id).publication.is_live(Utc::now()));
    assert_eq!(app.get("/articles/written-by-an-editor").await.status, 200);
    client
        .get("/admin/articles")
        .await
        .assert_contains("Written by an editor");
}
