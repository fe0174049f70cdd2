//! Spawning the app on a fresh database, and builders for test data.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::{Connection, PgConnection, RunQueryDsl};
use jobboard::app::Application;
use jobboard::config::{DEFAULT_DATABASE_URL, Settings};
use jobboard::domain::company::NewCompany;
use jobboard::domain::job::{
    ApplyChannel, EmploymentType, JobStatus, Location, NewJob, RemotePolicy, Seniority,
};
use jobboard::domain::salary::{Currency, SalaryPeriod, SalaryRange};
use jobboard::domain::slug::Slug;
use jobboard::repo;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// The server every test database lives on: `DATABASE_URL` (its database name is
/// ignored) or the local default.
pub fn server_url() -> url::Url {
    let raw = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
    url::Url::parse(&raw).expect("DATABASE_URL must be a postgres:// URL")
}

pub fn database_url(name: &str) -> String {
    let mut url = server_url();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn maintenance_connection() -> PgConnection {
    PgConnection::establish(&database_url("postgres")).unwrap_or_else(|e| {
        panic!("cannot reach PostgreSQL for tests ({e}); run the tests through scripts/test, which starts it")
    })
}

/// The template's name changes with the migrations, so an old template is never used.
fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in files {
        for byte in path
            .to_string_lossy()
            .bytes()
            .chain(std::fs::read(&path).unwrap_or_default())
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("jobboard_it_tpl_{:012x}", hash & 0xffff_ffff_ffff)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Creates the migrated template once per migration set. An advisory lock keeps
/// parallel test processes from building it twice.
fn ensure_template() -> String {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = template_name();
            let mut conn = maintenance_connection();
            diesel::sql_query("SELECT pg_advisory_lock(7171717)")
                .execute(&mut conn)
                .unwrap();
            let exists: Count =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result(&mut conn)
                    .unwrap();
            if exists.n == 0 {
                let building = format!("{name}_building");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .execute(&mut conn)
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {building}"))
                    .execute(&mut conn)
                    .unwrap();
                {
                    let mut tpl = PgConnection::establish(&database_url(&building)).unwrap();
                    jobboard::db::run_migrations(&mut tpl).unwrap();
                }
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut conn)
                    .unwrap();
                // Templates of other migration sets are left alone: another checkout may
                // be testing against one of them right now on the same server.
            }
            diesel::sql_query("SELECT pg_advisory_unlock(7171717)")
                .execute(&mut conn)
                .unwrap();
            name
        })
        .clone()
}

/// A fresh, migrated, empty database; dropped when the value is dropped.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    pub fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let template = ensure_template();
        let name = format!(
            "jobboard_it_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_subsec_nanos()
        );
        let mut conn = maintenance_connection();
        // CREATE DATABASE … TEMPLATE fails while another session is connected to the
        // template; retry briefly when parallel processes clone at the same moment.
        let mut attempts = 0;
        loop {
            match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .execute(&mut conn)
            {
                Ok(_) => break,
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    let _ = e;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("creating test database failed: {e}"),
            }
        }
        Self { name }
    }

    pub fn url(&self) -> String {
        database_url(&self.name)
    }

    /// The image store of apps on this database: a temporary folder, shared by every
    /// instance on it (as a shared store would be) and removed with the database.
    pub fn upload_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("{}_uploads", self.name))
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url()).expect("connect to test database")
    }

    /// Where apps on this database write mail without an SMTP server (`MAIL_DIR`): a
    /// temporary folder, removed with the database.
    pub fn mail_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("{}_mail", self.name))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.upload_dir());
        let _ = std::fs::remove_dir_all(self.mail_dir());
        let mut conn = maintenance_connection();
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn);
    }
}

/// The running application and its database.
pub struct TestApp {
    pub address: String,
    pub db: TestDatabase,
    pub client: awc::Client,
    catalog: Arc<jobboard::catalog::live::LiveCatalog>,
    mail: Arc<jobboard::mail::worker::MailWorker>,
    notices: Arc<jobboard::mail::notices::NoticeWorker>,
    digests: Arc<jobboard::alerts::DigestTimer>,
    backfill: Arc<jobboard::backfill::DescriptionBackfill>,
    /// Set when the test may have changed jobs; the next request first waits until the
    /// app's catalog has seen every change (see [`TestApp::sync`]).
    dirty: AtomicBool,
    sync_tokens: AtomicU64,
}

/// A response read whole.
pub struct Page {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    #[track_caller]
    pub fn assert_contains(&self, needle: &str) {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in the page:\n{}",
            self.body
        );
    }

    #[track_caller]
    pub fn assert_lacks(&self, needle: &str) {
        assert!(
            !self.body.contains(needle),
            "did not expect {needle:?} in the page:\n{}",
            self.body
        );
    }
}

pub async fn spawn_app() -> TestApp {
    let db = TestDatabase::new();
    spawn_app_with(db.url(), db, &[]).await
}

/// Starts the app against any database URL (an unreachable one for outage tests).
/// Requests do not wait for the catalog: call [`TestApp::sync`] where that matters.
pub async fn spawn_app_with_database_url(database_url: String, db: TestDatabase) -> TestApp {
    let app = spawn_app_with(database_url, db, &[]).await;
    app.dirty.store(false, Ordering::SeqCst);
    app
}

/// Starts the app with extra settings (`SITE_URL`, …) on top of the test defaults.
pub async fn spawn_app_with(
    database_url: String,
    db: TestDatabase,
    extra: &[(&'static str, &str)],
) -> TestApp {
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url),
        ("BIND", "127.0.0.1:0".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
        ("DB_POOL_SIZE", "4".to_owned()),
        ("UPLOAD_DIR", db.upload_dir().display().to_string()),
        ("SEARCH_INDEX_DIR", "memory".to_owned()),
        ("MAIL_DIR", db.mail_dir().display().to_string()),
        // Tests send the job form at once; the minimum fill time has its own test.
        ("SUBMIT_MIN_SECONDS", "0".to_owned()),
    ]);
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let mut settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    settings.static_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let app = Application::build(&settings).expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let catalog = app.catalog();
    let mail = app.mail_worker();
    let notices = app.notice_worker();
    let digests = app.digest_timer();
    let backfill = app.description_backfill();
    actix_web::rt::spawn(app.into_server());
    TestApp {
        address,
        db,
        catalog,
        mail,
        notices,
        digests,
        backfill,
        dirty: AtomicBool::new(true),
        sync_tokens: AtomicU64::new(0),
        client: awc::Client::builder()
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(30))
            .finish(),
    }
}

impl Drop for TestApp {
    /// The server's worker threads may outlive the test; its catalog and mail threads
    /// must not (see `LiveCatalog::stop`).
    fn drop(&mut self) {
        self.catalog.stop();
        self.notices.stop();
        self.digests.stop();
        self.backfill.stop();
        self.mail.stop();
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// Waits until the app's catalog has applied every job change committed so far: a
    /// `sync:<n>` notification queues behind them, and the catalog reports the highest
    /// one it has applied. The same path every change takes, just awaited.
    pub async fn sync(&self) {
        let token = self.sync_tokens.fetch_add(1, Ordering::SeqCst) + 1;
        let mut conn = self.db.connect();
        let started = std::time::Instant::now();
        let mut sent_at: Option<std::time::Instant> = None;
        while self.catalog.synced_through() < token {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the job catalog did not catch up within 20 s"
            );
            // Sent again now and then: one sent before the catalog started listening
            // (right after the app starts) reaches nobody.
            if sent_at.is_none_or(|at| at.elapsed() > std::time::Duration::from_millis(500)) {
                diesel::sql_query(format!(
                    "NOTIFY {}, 'sync:{token}'",
                    jobboard::catalog::live::CHANNEL
                ))
                .execute(&mut conn)
                .expect("NOTIFY");
                sent_at = Some(std::time::Instant::now());
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        if self.dirty.swap(false, Ordering::SeqCst) {
            self.sync().await;
        }
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        let body = response.body().limit(10 * 1024 * 1024).await.expect("body");
        Page {
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        v.to_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// The path of the first job listed on `/jobs`.
    pub async fn first_job_path(&self) -> String {
        self.get("/jobs")
            .await
            .body
            .split("href=\"/jobs/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|slug| format!("/jobs/{slug}"))
            .expect("a job link on /jobs")
    }

    /// A connection to the app's database; requests after it wait for the catalog.
    pub fn conn(&self) -> PgConnection {
        self.dirty.store(true, Ordering::SeqCst);
        self.db.connect()
    }

    /// Seeds the full demo data set.
    pub fn seed_demo(&self) {
        jobboard::seed::demo(&mut self.conn(), Utc::now()).expect("demo seed");
    }

    pub fn technology(&self, slug: &str, name: &str) {
        repo::technologies::upsert(&mut self.conn(), &Slug::parse(slug).unwrap(), name).unwrap();
    }

    pub fn company(&self, slug: &str, name: &str, city: &str) {
        let company = NewCompany {
            slug: Slug::parse(slug).unwrap(),
            name: name.to_owned(),
            city: city.to_owned(),
            website: Some(format!("https://www.{slug}.example")),
            about_markdown: format!("{name} builds software in {city}."),
            size_band: "51-200".to_owned(),
        };
        repo::companies::insert(&mut self.conn(), &company)
            .unwrap()
            .expect("new company");
    }

    pub fn insert(&self, job: JobBuilder) -> i64 {
        repo::jobs::insert(&mut self.conn(), &job.build())
            .unwrap()
            .expect("new job")
    }
}

/// A job with sensible defaults; each setter changes one thing.
pub struct JobBuilder {
    job: NewJob,
}

impl JobBuilder {
    /// A published, open, on-site full-time job in Berlin at company `acme`.
    pub fn new(title: &str) -> Self {
        let now = Utc::now();
        Self {
            job: NewJob {
                slug: Slug::from_text(title).unwrap(),
                title: title.to_owned(),
                company_slug: Slug::parse("acme").unwrap(),
                description_markdown: format!("## About the role\n\nYou will work on {title}."),
                location: Location {
                    city: Some("Berlin".to_owned()),
                    country: "DE".to_owned(),
                    remote: RemotePolicy::Onsite,
                    remote_countries: Vec::new(),
                },
                seniority: Seniority::Mid,
                employment_type: EmploymentType::FullTime,
                salary: Some(
                    SalaryRange::parse(65_000, 80_000, Currency::Eur, SalaryPeriod::Year).unwrap(),
                ),
                apply: ApplyChannel::Url("https://www.acme.example/apply".to_owned()),
                posted_at: now - Duration::days(1),
                valid_through: now + Duration::days(30),
                status: JobStatus::Published,
                technology_slugs: Vec::new(),
            },
        }
    }

    pub fn slug(mut self, slug: &str) -> Self {
        self.job.slug = Slug::parse(slug).unwrap();
        self
    }

    pub fn company(mut self, slug: &str) -> Self {
        self.job.company_slug = Slug::parse(slug).unwrap();
        self
    }

    pub fn description(mut self, markdown: &str) -> Self {
        self.job.description_markdown = markdown.to_owned();
        self
    }

    pub fn city(mut self, city: &str) -> Self {
        self.job.location.city = Some(city.to_owned());
        self
    }

    pub fn remote(mut self, countries: &[&str]) -> Self {
        self.job.location.remote = RemotePolicy::Remote;
        self.job.location.city = None;
        self.job.location.remote_countries = countries.iter().map(|c| (*c).to_owned()).collect();
        self
    }

    pub fn hybrid(mut self) -> Self {
        self.job.location.remote = RemotePolicy::Hybrid;
        self
    }

    pub fn seniority(mut self, seniority: Seniority) -> Self {
        self.job.seniority = seniority;
        self
    }

    pub fn technologies(mut self, slugs: &[&str]) -> Self {
        self.job.technology_slugs = slugs.iter().map(|s| Slug::parse(*s).unwrap()).collect();
        self
    }

    pub fn salary(mut self, min: u32, max: u32) -> Self {
        self.job.salary =
            Some(SalaryRange::parse(min, max, Currency::Eur, SalaryPeriod::Year).unwrap());
        self
    }

    /// A contract paid by the hour, in EUR.
    pub fn contract_hourly(mut self, min: u32, max: u32) -> Self {
        self.job.employment_type = EmploymentType::Contract;
        self.job.salary =
            Some(SalaryRange::parse(min, max, Currency::Eur, SalaryPeriod::Hour).unwrap());
        self
    }

    pub fn monthly(mut self, min: u32, max: u32) -> Self {
        self.job.salary =
            Some(SalaryRange::parse(min, max, Currency::Eur, SalaryPeriod::Month).unwrap());
        self
    }

    /// A yearly salary in US dollars, which euro filters do not compare.
    pub fn usd(mut self, yearly: u32) -> Self {
        self.job.salary =
            Some(SalaryRange::parse(yearly, yearly, Currency::Usd, SalaryPeriod::Year).unwrap());
        self
    }

    pub fn no_salary(mut self) -> Self {
        self.job.salary = None;
        self
    }

    pub fn apply_email(mut self, email: &str) -> Self {
        self.job.apply = ApplyChannel::Email(email.to_owned());
        self
    }

    pub fn posted(mut self, at: DateTime<Utc>) -> Self {
        self.job.posted_at = at;
        self.job.valid_through = at + Duration::days(60);
        self
    }

    pub fn status(mut self, status: JobStatus) -> Self {
        self.job.status = status;
        self
    }

    pub fn expired(mut self) -> Self {
        let now = Utc::now();
        self.job.posted_at = now - Duration::days(70);
        self.job.valid_through = now - Duration::days(10);
        self
    }

    pub fn build(self) -> NewJob {
        self.job
    }
}

/// A company `acme` in Berlin and the technologies rust, go and postgresql: the usual
/// ground for job tests.
pub fn basic_fixtures(app: &TestApp) {
    app.company("acme", "Acme Software", "Berlin");
    app.technology("rust", "Rust");
    app.technology("go", "Go");
    app.technology("postgresql", "PostgreSQL");
}

// ---------------------------------------------------------------------------------------
// The editorial side: editors, a cookie-keeping admin client, more app instances.

/// A password that passes the strength rule; every test editor gets it unless told.
pub const EDITOR_PASSWORD: &str = "violet tractor harbour 42 sings";

/// Creates an active editor through the library and returns their id.
pub fn create_editor(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    role: jobboard::domain::editor::Role,
    password: &str,
) -> i64 {
    let email = jobboard::domain::editor::EmailAddress::parse(email).expect("a valid e-mail");
    repo::editors::create(
        conn,
        &email,
        name,
        role,
        &jobboard::domain::password::hash_password(password),
    )
    .expect("new editor")
}

impl TestApp {
    /// An active editor with [`EDITOR_PASSWORD`]; their id.
    pub fn editor(&self, email: &str, name: &str, role: jobboard::domain::editor::Role) -> i64 {
        create_editor(&mut self.db.connect(), email, name, role, EDITOR_PASSWORD)
    }

    /// A new, signed-out admin client for this app.
    pub fn admin_client(&self) -> AdminClient {
        AdminClient::new(&self.address)
    }

    /// A new editor with `role`, signed in on a client of its own: the client and the id.
    pub async fn signed_in(
        &self,
        email: &str,
        role: jobboard::domain::editor::Role,
    ) -> (AdminClient, i64) {
        let name = email.split('@').next().unwrap_or("Editor").to_owned();
        let id = self.editor(email, &name, role);
        let client = self.admin_client();
        client.sign_in(email, EDITOR_PASSWORD).await;
        (client, id)
    }
}

/// Another server instance on an existing database (which it does not own or drop):
/// sessions and throttling are shared through PostgreSQL.
pub struct AppInstance {
    pub address: String,
    catalog: Arc<jobboard::catalog::live::LiveCatalog>,
    mail: Arc<jobboard::mail::worker::MailWorker>,
    notices: Arc<jobboard::mail::notices::NoticeWorker>,
    digests: Arc<jobboard::alerts::DigestTimer>,
    backfill: Arc<jobboard::backfill::DescriptionBackfill>,
}

impl Drop for AppInstance {
    fn drop(&mut self) {
        self.catalog.stop();
        self.notices.stop();
        self.digests.stop();
        self.backfill.stop();
        self.mail.stop();
    }
}

impl AppInstance {
    pub fn admin_client(&self) -> AdminClient {
        AdminClient::new(&self.address)
    }
}

/// Starts one more app instance on `app`'s database, with the test settings.
pub async fn spawn_instance_on(app: &TestApp) -> AppInstance {
    spawn_instance_with(app, &[]).await
}

/// Like [`spawn_instance_on`], with extra settings (`SMTP_URL`, …).
pub async fn spawn_instance_with(app: &TestApp, extra: &[(&'static str, &str)]) -> AppInstance {
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", app.db.url()),
        ("BIND", "127.0.0.1:0".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
        ("DB_POOL_SIZE", "4".to_owned()),
        ("UPLOAD_DIR", app.db.upload_dir().display().to_string()),
        ("SEARCH_INDEX_DIR", "memory".to_owned()),
        ("MAIL_DIR", app.db.mail_dir().display().to_string()),
        ("SUBMIT_MIN_SECONDS", "0".to_owned()),
    ]);
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let mut settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    settings.static_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let instance = Application::build(&settings).expect("app builds");
    let address = format!("http://127.0.0.1:{}", instance.port());
    let catalog = instance.catalog();
    let mail = instance.mail_worker();
    let notices = instance.notice_worker();
    let digests = instance.digest_timer();
    let backfill = instance.description_backfill();
    actix_web::rt::spawn(instance.into_server());
    AppInstance {
        address,
        catalog,
        mail,
        notices,
        digests,
        backfill,
    }
}

/// A response of [`AdminClient`]: the page, and every `Set-Cookie` header as sent.
pub struct AdminResponse {
    pub page: Page,
    pub set_cookies: Vec<String>,
}

impl std::ops::Deref for AdminResponse {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.page
    }
}

impl AdminResponse {
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The whole `Set-Cookie` header that sets `name`, attributes included.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&prefix))
            .map(String::as_str)
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> Option<String> {
        form_value(&self.body, "csrf")
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {} (location {:?}):\n{}",
            self.status,
            self.location(),
            self.body
        );
    }

    /// Asserts a 303 to exactly `location`.
    #[track_caller]
    pub fn assert_redirect(&self, location: &str) {
        assert_eq!(
            (self.status, self.location()),
            (303, Some(location)),
            "{}",
            self.body
        );
    }

    /// Asserts a 303 to the sign-in page (any `next`).
    #[track_caller]
    pub fn assert_sign_in_redirect(&self) {
        assert!(
            self.status == 303
                && self
                    .location()
                    .is_some_and(|l| l == "/admin/login" || l.starts_with("/admin/login?")),
            "expected a 303 to /admin/login, got {} to {:?}",
            self.status,
            self.location()
        );
    }
}

/// The (HTML-unescaped) `value` of the first `<input>` named `name` in `html`.
pub fn form_value(html: &str, name: &str) -> Option<String> {
    let wanted = format!("name=\"{name}\"");
    html.split("<input").skip(1).find_map(|rest| {
        let tag = rest.split('>').next()?;
        if !tag.contains(&wanted) {
            return None;
        }
        let value = tag.split(" value=\"").nth(1)?.split('"').next()?;
        Some(html_unescape(value))
    })
}

/// Undoes HTML escaping of attribute values: named and numeric character references.
pub fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A browser-like client for `/admin`: keeps cookies by hand (redirects are not
/// followed), sends `Origin` with every form post, and finds CSRF tokens in pages.
pub struct AdminClient {
    pub address: String,
    origin: String,
    client: awc::Client,
    cookies: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

impl AdminClient {
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            origin: address.to_owned(),
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            cookies: std::sync::Mutex::default(),
        }
    }

    /// The `Origin` form posts carry (by default the app's address).
    pub fn with_origin(mut self, origin: &str) -> Self {
        origin.clone_into(&mut self.origin);
        self
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    /// The session token (`jb_session` cookie) this client holds.
    pub fn session(&self) -> Option<String> {
        self.cookie("jb_session")
    }

    /// A new client on `address` holding only this session token: another browser (or
    /// another server) presenting the same cookie.
    pub fn with_session(address: &str, token: &str) -> Self {
        let client = Self::new(address);
        client.set_cookie("jb_session", token);
        client
    }

    fn cookie_header(&self) -> Option<String> {
        let cookies = self.cookies.lock().unwrap();
        (!cookies.is_empty()).then(|| {
            cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn send(
        &self,
        request: awc::ClientRequest,
        body: Option<(&str, Vec<u8>)>,
        what: &str,
    ) -> AdminResponse {
        let request = match self.cookie_header() {
            Some(cookies) => request.insert_header(("cookie", cookies)),
            None => request,
        };
        let sent = match body {
            Some((content_type, body)) => request.content_type(content_type).send_body(body).await,
            None => request.send().await,
        };
        let mut response = sent.unwrap_or_else(|e| panic!("{what} failed: {e}"));
        let body = response.body().limit(10 * 1024 * 1024).await.expect("body");
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        {
            let mut jar = self.cookies.lock().unwrap();
            for raw in &set_cookies {
                let mut parts = raw.split(';');
                let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('='))
                else {
                    continue;
                };
                let removed =
                    value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
                if removed {
                    jar.remove(name);
                } else {
                    jar.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        AdminResponse {
            page: Page {
                status: response.status().as_u16(),
                headers: response
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            v.to_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                body: String::from_utf8_lossy(&body).into_owned(),
            },
            set_cookies,
        }
    }

    pub async fn get(&self, path: &str) -> AdminResponse {
        let request = self.client.get(format!("{}{path}", self.address));
        self.send(request, None, &format!("GET {path}")).await
    }

    /// Posts `fields` as a form with `Origin` set, exactly as given (no token added).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> AdminResponse {
        let origin = self.origin.clone();
        self.post_with(path, fields, &[("origin", &origin)]).await
    }

    /// Posts `fields` with only the `headers` given (no `Origin` unless listed).
    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> AdminResponse {
        let mut request = self.client.post(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let body = serde_urlencoded::to_string(fields).expect("form fields");
        self.send(
            request,
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
            &format!("POST {path}"),
        )
        .await
    }

    /// Uploads `bytes` as the multipart field `file` (named `filename`, declared as
    /// `content_type`) to `path`, with the session's CSRF token in the query string as
    /// the upload form sends it.
    pub async fn upload(
        &self,
        path: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> AdminResponse {
        let csrf = self.csrf().await;
        self.upload_as(path, &csrf, filename, content_type, bytes)
            .await
    }

    /// Uploads a PNG named `logo.png` like [`AdminClient::upload`], but with `csrf` as
    /// the token (empty: none at all), signed in or not.
    pub async fn upload_with_csrf(&self, path: &str, csrf: &str, bytes: &[u8]) -> AdminResponse {
        self.upload_as(path, csrf, "logo.png", "image/png", bytes)
            .await
    }

    async fn upload_as(
        &self,
        path: &str,
        csrf: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> AdminResponse {
        let boundary = "jobboardtestboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let url = if csrf.is_empty() {
            format!("{}{path}", self.address)
        } else {
            format!("{}{path}?csrf={csrf}", self.address)
        };
        let mut request = self.client.post(url);
        if !self.origin.is_empty() {
            request = request.insert_header(("origin", self.origin.as_str()));
        }
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send(
            request,
            Some((&content_type, body)),
            &format!("POST {path} (upload)"),
        )
        .await
    }

    /// The CSRF token of the signed-in session, read from the account page.
    pub async fn csrf(&self) -> String {
        let page = self.get("/admin/account").await;
        page.csrf().unwrap_or_else(|| {
            panic!(
                "no csrf token on /admin/account (status {}, location {:?}): not signed in?",
                page.status,
                page.location()
            )
        })
    }

    /// Posts `fields` plus the session's CSRF token, as the app's own form would.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> AdminResponse {
        let csrf = self.csrf().await;
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(path, &all).await
    }

    /// Opens the sign-in page (for its token) and posts the sign-in form with `next`;
    /// the answer to the post. Works signed in too (signing in again).
    pub async fn login_next(&self, email: &str, password: &str, next: &str) -> AdminResponse {
        let query = serde_urlencoded::to_string([("next", next)]).unwrap();
        let form = self.get(&format!("/admin/login?{query}")).await;
        let csrf = match form.csrf() {
            Some(csrf) => csrf,
            None => self.csrf().await,
        };
        self.post(
            "/admin/login",
            &[
                ("email", email),
                ("password", password),
                ("next", next),
                ("csrf", &csrf),
            ],
        )
        .await
    }

    /// Like [`AdminClient::login_next`], with no `next`.
    pub async fn login(&self, email: &str, password: &str) -> AdminResponse {
        self.login_next(email, password, "").await
    }

    /// Signs in and asserts it worked.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self.login(email, password).await;
        assert_eq!(
            response.status, 303,
            "sign-in as {email} failed:\n{}",
            response.body
        );
        assert!(self.session().is_some(), "no session cookie after sign-in");
    }
}

#[derive(QueryableByName)]
struct TableDigest {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    digest: String,
}

/// A digest of every row of every table of the app (migrations bookkeeping aside), by
/// table: equal digests before and after a request mean it changed nothing.
pub fn table_digests(conn: &mut PgConnection) -> std::collections::BTreeMap<String, String> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name NOT LIKE '\\_\\_%' ORDER BY 1",
    )
    .load(conn)
    .expect("list tables");
    tables
        .into_iter()
        .map(|t| {
            let row: TableDigest = diesel::sql_query(format!(
                "SELECT '{0}' AS name, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') \
                 AS digest FROM \"{0}\" t",
                t.name
            ))
            .get_result(conn)
            .expect("table digest");
            (row.name, row.digest)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reading admin forms beyond `<input>`s.

/// The (HTML-unescaped) content of the `<textarea>` whose `id` is `id`.
pub fn textarea_value(html: &str, id: &str) -> Option<String> {
    let open = format!("<textarea id=\"{id}\"");
    let rest = html.split_once(&open)?.1;
    let content = rest.split_once('>')?.1.split("</textarea>").next()?;
    Some(html_unescape(content))
}

/// The opening tag of the form control (`<input>`, `<textarea>` or `<select>`) whose `id`
/// is `id`, attributes included.
pub fn control_tag<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    ["input", "textarea", "select"].iter().find_map(|kind| {
        let open = format!("<{kind} id=\"{id}\"");
        let at = html.find(&open)?;
        let end = html[at..].find('>')?;
        Some(&html[at..=at + end])
    })
}

/// The (HTML-unescaped) value of attribute `name` in the tag `tag`.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let wanted = format!(" {name}=\"");
    let value = tag.split_once(&wanted)?.1.split('"').next()?;
    Some(html_unescape(value))
}

/// The `<div class="field">` block holding the control with `id`: its label, hint,
/// error message and the control itself.
pub fn field_block<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let control = format!(" id=\"{id}\"");
    html.split("<div class=\"field\">")
        .skip(1)
        .map(|rest| rest.split("</div>").next().unwrap_or_default())
        .find(|block| {
            ["<input", "<textarea", "<select"]
                .iter()
                .any(|kind| block.contains(&format!("{kind}{control}")))
        })
}

// ---------------------------------------------------------------------------------------
// E-mail: a real SMTP server (aiosmtpd) and the app's mail worker.

impl TestApp {
    /// The app's outbox worker.
    pub fn mail_worker(&self) -> &jobboard::mail::worker::MailWorker {
        &self.mail
    }
}

impl AppInstance {
    /// The instance's outbox worker.
    pub fn mail_worker(&self) -> &jobboard::mail::worker::MailWorker {
        &self.mail
    }
}

/// A Python that can run aiosmtpd: `AIOSMTPD_PYTHON` (set by scripts/test), else the
/// `python3` on PATH or the system's.
fn aiosmtpd_python() -> String {
    let candidates = std::env::var("AIOSMTPD_PYTHON")
        .into_iter()
        .chain(["python3".to_owned(), "/usr/bin/python3".to_owned()]);
    for python in candidates {
        let works = std::process::Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return python;
        }
    }
    panic!(
        "the mail tests need the SMTP server aiosmtpd: run them through scripts/test, which \
         installs it, or install python3-aiosmtpd (Debian) or `pip install --user aiosmtpd`"
    );
}

/// A port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A real SMTP server for one test: `python3 -m aiosmtpd` on 127.0.0.1, storing every
/// message it accepts in a maildir. Killed, and its folder removed, when dropped.
pub struct SmtpServer {
    pub port: u16,
    pub maildir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

impl SmtpServer {
    /// A server on a free port, accepting connections when this returns.
    pub fn start() -> Self {
        let mut server = Self::not_started();
        server.run();
        server
    }

    /// A free port with no server on it yet (mail sent there fails); [`SmtpServer::run`]
    /// starts it.
    pub fn not_started() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let port = free_port();
        let maildir = std::env::temp_dir().join(format!(
            "jobboard-smtp-{}-{}-{port}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        Self {
            port,
            maildir,
            child: None,
        }
    }

    /// Starts the server on its port and waits until it accepts connections.
    pub fn run(&mut self) {
        assert!(self.child.is_none(), "the SMTP server runs already");
        let mut child = std::process::Command::new(aiosmtpd_python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start aiosmtpd");
        let started = std::time::Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
                }
                panic!("aiosmtpd exited ({status}) on port {}:\n{err}", self.port);
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(15),
                "aiosmtpd did not listen on port {} within 15 s",
                self.port
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.child = Some(child);
    }

    /// `SMTP_URL` for this server (no TLS: it is on this machine).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn files(&self) -> Vec<std::path::PathBuf> {
        let mut files: Vec<std::path::PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir.join(sub)).ok())
            .flat_map(|dir| dir.flatten().map(|e| e.path()))
            .collect();
        files.sort();
        files
    }

    /// Every message received so far, as the raw text the server stored.
    pub fn messages(&self) -> Vec<String> {
        self.files()
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect()
    }

    /// Waits (up to `within`) until at least `count` messages arrived; all of them.
    pub async fn wait_for(&self, count: usize, within: std::time::Duration) -> Vec<String> {
        let started = std::time::Instant::now();
        loop {
            let arrived = self.files().len();
            if arrived >= count {
                return self.messages();
            }
            assert!(
                started.elapsed() < within,
                "{arrived} of {count} messages arrived within {within:?}"
            );
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// Queues a message the way the app does, in a transaction of its own; its id.
pub fn enqueue(conn: &mut PgConnection, mail: &jobboard::domain::mail::OutgoingMail) -> i64 {
    conn.transaction(|conn| repo::outbox::enqueue(conn, mail))
        .expect("enqueue")
}

/// A plain-text message to `to` with `subject`.
pub fn outgoing(to: &str, subject: &str) -> jobboard::domain::mail::OutgoingMail {
    jobboard::domain::mail::OutgoingMail::new(
        jobboard::domain::editor::EmailAddress::parse(to).expect("address"),
        subject,
        &format!("{subject}\n\nThis is the text part."),
    )
    .expect("a valid message")
}
