//! Every page type through two automated checkers: axe-core (accessibility) in headless
//! Chromium, and the Nu Html Checker (vnu.jar) on the HTML exactly as the server sent
//! it. No axe violation of any impact and no Nu error may remain; Nu warnings are
//! printed. Colour contrast is checked in the light and the dark colour scheme.
//!
//! Both checkers come from npm (`axe-core`, `vnu-jar`), pinned in `.tools/package.json`
//! and `.tools/package-lock.json`; `scripts/test` installs them into `.tools/node_modules`
//! and exports `AXE_JS` and `VNU_JAR` (`JAVA` too, when it is not `java` on PATH).
//!
//! One browser and one checker run per test: Chromium and the JVM are slow to start.

use crate::browser::Browser;
use crate::helpers::{
    AdminClient, AdminResponse, EDITOR_PASSWORD, JobBuilder, Page, TestApp, form_value,
    html_unescape, spawn_app,
};
use diesel::RunQueryDsl;
use jobboard::domain::editor::Role;
use jobboard::domain::job::JobStatus;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A tool installed by `scripts/test`: the path in `variable`, else the usual place in
/// `.tools/node_modules`; the test fails saying how to install it when it is missing.
fn tool(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(default),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "{} not found ({variable}): the quality tests need axe-core and vnu-jar from npm and \
         Java 17+. Run them through scripts/test, which installs them, or install them by hand: \
         npm ci --prefix .tools --ignore-scripts, and set {variable}",
        path.display()
    );
    path
}

/// A temporary folder, removed afterwards.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `<title>` of an HTML document, unescaped, with whitespace collapsed.
fn title_of(html: &str) -> String {
    let title = html
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map_or("", |(title, _)| title);
    html_unescape(title)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Loads axe-core into the browser's current page.
async fn inject_axe(browser: &Browser, axe_source: &str) {
    let loaded = browser
        .script(&format!(
            "{axe_source}\n;return typeof window.axe === 'object'"
        ))
        .await;
    assert_eq!(loaded, true, "axe-core did not load into the page");
}

/// Runs axe-core (see [`inject_axe`]) on the browser's current page: `rules` null for
/// every rule, or a list of rule ids. The violations, one line each (rule, impact, help,
/// then every element).
async fn axe_violations(browser: &Browser, rules: &Value) -> Vec<String> {
    let result = browser
        .command(
            "POST",
            "/execute/async",
            json!({
                "script": "const rules = arguments[0]; const done = arguments[arguments.length - 1];
                    const options = { resultTypes: ['violations'] };
                    if (rules) { options.runOnly = { type: 'rule', values: rules }; }
                    axe.run(document, options).then(
                        r => done({ violations: r.violations.map(v => ({
                            id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => ({
                                target: n.target.join(' '),
                                summary: (n.failureSummary || '').replace(/\\s+/g, ' '),
                            })),
                        })) }),
                        e => done({ error: String(e) }));",
                "args": [rules],
            }),
        )
        .await;
    assert!(result["error"].is_null(), "axe failed: {}", result["error"]);
    result["violations"]
        .as_array()
        .expect("axe's violations")
        .iter()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| {
                    format!(
                        "\n      at {}: {}",
                        n["target"].as_str().unwrap_or_default(),
                        n["summary"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            format!(
                "{} ({}): {}{}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or("no impact"),
                v["help"].as_str().unwrap_or_default(),
                nodes.concat()
            )
        })
        .collect()
}

/// Switches the browser's `prefers-color-scheme` (through ChromeDriver's DevTools
/// bridge): `dark` or `light`.
async fn color_scheme(browser: &Browser, scheme: &str) {
    browser
        .command(
            "POST",
            "/goog/cdp/execute",
            json!({
                "cmd": "Emulation.setEmulatedMedia",
                "params": { "features": [{ "name": "prefers-color-scheme", "value": scheme }] },
            }),
        )
        .await;
}

/// The checks of one test: the pages the server sent, kept for the Nu checker, and what
/// axe found in the browser.
struct Quality {
    axe_source: String,
    vnu_jar: PathBuf,
    java: String,
    files: TempDir,
    /// Label, file and `<title>` of every page the server sent.
    pages: Vec<(String, PathBuf, String)>,
    axe_checked: usize,
    failures: Vec<String>,
    started: Instant,
}

impl Quality {
    fn new(name: &str) -> Self {
        let axe = tool("AXE_JS", ".tools/node_modules/axe-core/axe.min.js");
        let vnu_jar = tool("VNU_JAR", ".tools/node_modules/vnu-jar/build/dist/vnu.jar");
        let java = std::env::var("JAVA").unwrap_or_else(|_| "java".to_owned());
        let files = TempDir(std::env::temp_dir().join(format!(
            "jobboard-quality-{name}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_subsec_nanos()
        )));
        std::fs::create_dir_all(&files.0).expect("a folder for the pages");
        Self {
            axe_source: std::fs::read_to_string(&axe).expect("read axe.min.js"),
            vnu_jar,
            java,
            files,
            pages: Vec::new(),
            axe_checked: 0,
            failures: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Keeps the HTML the server sent as `label` for the Nu checker, after checking its
    /// status.
    fn keep(&mut self, label: &str, status: u16, page: &Page) {
        assert_eq!(
            page.status, status,
            "{label}: expected {status}, got {}:\n{}",
            page.status, page.body
        );
        assert!(
            page.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{label}: not HTML: {:?}",
            page.header("content-type")
        );
        let file = self
            .files
            .0
            .join(format!("{:02}-{}.html", self.pages.len() + 1, slug(label)));
        std::fs::write(&file, &page.body).expect("write the page");
        self.pages
            .push((label.to_owned(), file, title_of(&page.body)));
    }

    /// Like [`Quality::keep`], for an answer to the admin client.
    fn keep_admin(&mut self, label: &str, status: u16, response: &AdminResponse) {
        self.keep(label, status, &response.page);
    }

    /// Runs the Nu checker once on every kept page, in the background: its answer. A
    /// broken canary page goes with them, to show that the checker does find errors.
    fn start_nu(&self) -> actix_web::rt::task::JoinHandle<std::io::Result<std::process::Output>> {
        std::fs::write(self.files.0.join(NU_CANARY), CANARY_HTML).expect("write the canary");
        let mut command = std::process::Command::new(&self.java);
        // A short run: the quick JIT tier and one GC thread start fastest. The checker
        // recurses deeply (it asks for a 512k stack at least; the quick tier needs more).
        command
            .args([
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss16m",
                "-jar",
            ])
            .arg(&self.vnu_jar)
            .args(["--format", "json", "--exit-zero-always", "--stdout"])
            .args(self.pages.iter().map(|(_, file, _)| file))
            .arg(self.files.0.join(NU_CANARY));
        actix_web::rt::task::spawn_blocking(move || command.output())
    }

    /// Reads the Nu checker's answer: every error is a failure; warnings are printed.
    fn read_nu(&mut self, output: std::io::Result<std::process::Output>) {
        let output = output.unwrap_or_else(|e| {
            panic!(
                "cannot run {} (the Nu checker needs Java 17+; Debian: apt-get install \
                 default-jre-headless): {e}",
                self.java
            )
        });
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "the Nu checker's answer is not JSON ({e}), exit {:?}:\n{}\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let messages = report["messages"].as_array().cloned().unwrap_or_default();
        let (canary, messages): (Vec<Value>, Vec<Value>) = messages
            .into_iter()
            .partition(|m| m["url"].as_str().is_some_and(|u| u.ends_with(NU_CANARY)));
        assert!(
            canary.iter().any(|m| m["type"] == "error"
                && m["message"].as_str().is_some_and(|t| t.contains("alt"))),
            "the Nu checker found no missing alt in the canary page: is it working? {report}"
        );
        for message in messages {
            let url = message["url"].as_str().unwrap_or_default();
            let page = self
                .pages
                .iter()
                .find(|(_, file, _)| {
                    file.file_name()
                        .is_some_and(|name| url.ends_with(&*name.to_string_lossy()))
                })
                .map_or(url, |(label, _, _)| label.as_str());
            let kind = match (message["type"].as_str(), message["subType"].as_str()) {
                (Some("info"), Some("warning")) => "warning",
                (Some("info"), _) => continue,
                (Some(kind), _) => kind,
                (None, _) => "message",
            };
            let line = format!(
                "Nu {kind} on {page}, line {}: {}\n      {}",
                message["lastLine"],
                message["message"].as_str().unwrap_or_default(),
                message["extract"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('\n', " ")
            );
            if kind == "warning" {
                eprintln!("{line}");
            } else {
                self.failures.push(line);
            }
        }
    }

    /// Runs axe on the browser's page, which must be the page kept as `label` (same
    /// `<title>`) and hold an element matching `marker` (a CSS selector, or empty): every
    /// rule in the light colour scheme, and colour contrast again in the dark one.
    async fn axe(&mut self, browser: &Browser, label: &str, marker: &str) {
        let expected = self
            .pages
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, _, title)| title.clone())
            .unwrap_or_else(|| panic!("{label}: no page kept under this label"));
        let state = browser
            .script(&format!(
                "return [document.title, {marker:?} === '' || document.querySelector({marker:?}) !== null]"
            ))
            .await;
        let title = state[0]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            title,
            expected,
            "{label}: the browser is at {} with another page than the server sent",
            browser.current_url().await
        );
        assert_eq!(
            state[1],
            true,
            "{label}: no {marker} on the browser's page ({})",
            browser.current_url().await
        );
        inject_axe(browser, &self.axe_source).await;
        for violation in axe_violations(browser, &Value::Null).await {
            self.failures
                .push(format!("axe on {label} (light): {violation}"));
        }
        color_scheme(browser, "dark").await;
        let dark = browser
            .script("return matchMedia('(prefers-color-scheme: dark)').matches")
            .await;
        assert_eq!(
            dark, true,
            "the browser did not switch to the dark colour scheme"
        );
        for violation in axe_violations(browser, &json!(["color-contrast"])).await {
            self.failures
                .push(format!("axe on {label} (dark): {violation}"));
        }
        color_scheme(browser, "light").await;
        self.axe_checked += 1;
    }

    /// Fails with every violation and error found, after the Nu checker's answer. Axe
    /// must find the canary page's faults first, to show that it works.
    async fn finish(
        mut self,
        browser: &Browser,
        nu: actix_web::rt::task::JoinHandle<std::io::Result<std::process::Output>>,
    ) {
        browser
            .goto(&format!(
                "data:text/html,{}",
                CANARY_HTML.replace('#', "%23")
            ))
            .await;
        inject_axe(browser, &self.axe_source).await;
        let found = axe_violations(browser, &Value::Null).await;
        assert!(
            found.iter().any(|v| v.starts_with("image-alt "))
                && found.iter().any(|v| v.starts_with("html-has-lang ")),
            "axe missed the canary page's faults: is it working? {found:#?}"
        );
        let output = nu.await.expect("the Nu checker's thread");
        self.read_nu(output);
        let kept: Vec<&str> = self.pages.iter().map(|(l, _, _)| l.as_str()).collect();
        eprintln!(
            "quality: {} pages through the Nu checker, {} through axe, in {:.1?}: {}",
            self.pages.len(),
            self.axe_checked,
            self.started.elapsed(),
            kept.join(", ")
        );
        assert!(
            self.failures.is_empty(),
            "{} problem(s) found:\n  {}",
            self.failures.len(),
            self.failures.join("\n  ")
        );
    }
}

/// A page with known faults (no `lang`, an image without `alt`), which both checkers
/// must find.
const CANARY_HTML: &str = "<!doctype html><html><head><meta charset=utf-8><title>Canary</title></head>\
<body><main><h1>Canary</h1><img src=\"x.png\" width=\"10\" height=\"10\"></main></body></html>";

/// The canary's file name among the pages for the Nu checker.
const NU_CANARY: &str = "zz-canary.html";

/// `label` as a file name.
fn slug(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The first `href` on the page that starts with `prefix` (e.g. `/companies/`).
fn first_link(page: &Page, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    page.body
        .split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|rest| format!("{prefix}{rest}"))
        .unwrap_or_else(|| panic!("no link to {prefix}… on the page:\n{}", page.body))
}

fn execute(app: &TestApp, sql: &str) {
    let changed = diesel::sql_query(sql)
        .execute(&mut app.conn())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(changed, 1, "{sql}");
}

#[actix_web::test]
async fn public_pages_pass_axe_and_the_nu_html_checker() {
    let mut check = Quality::new("public");
    let app = spawn_app().await;
    app.seed_demo();
    app.company("acme", "Acme Software", "Berlin");
    app.insert(
        JobBuilder::new("Filled Rust Position")
            .technologies(&["rust"])
            .status(JobStatus::Closed),
    );
    app.insert(JobBuilder::new("Leaving Engineer").slug("leaving-engineer"));
    execute(&app, "DELETE FROM jobs WHERE slug = 'leaving-engineer'");
    execute(
        &app,
        "DELETE FROM articles WHERE slug = 'preparing-for-technical-interviews'",
    );
    let browser = Browser::start(1366, 900).await;
    let job = app.first_job_path().await;
    let company = first_link(&app.get("/companies").await, "/companies/");
    // Logos for the first job's company and the first company: the listing, the job
    // page and the company page are checked with one.
    let (editor, _) = app.signed_in("logos@example.org", Role::Editor).await;
    let job_company = first_link(&app.get(&job).await, "/companies/");
    crate::logos::give_logo(&app, &editor, &job_company).await;
    if company != job_company {
        crate::logos::give_logo(&app, &editor, &company).await;
    }
    for path in ["/jobs", job.as_str(), company.as_str()] {
        app.get(path).await.assert_contains("<img class=\"logo");
    }
    let report = format!("{job}/report");

    // (label, path, status, an element the page must have)
    let pages: [(&str, &str, u16, &str); 29] = [
        ("home", "/", 200, ".hero-search"),
        ("listing", "/jobs", 200, ".job-list"),
        (
            "listing with two filters",
            "/jobs?technology=rust&seniority=senior",
            200,
            ".active-filters",
        ),
        ("listing, page 2", "/jobs?page=2", 200, ".job-list"),
        (
            "empty result",
            "/jobs?q=xylophone&remote=remote",
            200,
            ".empty",
        ),
        (
            "technology landing page",
            "/technologies/rust",
            200,
            ".job-list",
        ),
        ("city landing page", "/cities/berlin", 200, ".job-list"),
        (
            "technology in city landing page",
            "/technologies/rust/berlin",
            200,
            ".job-list",
        ),
        ("remote landing page", "/remote", 200, ".job-list"),
        ("technology index", "/technologies", 200, ""),
        ("city index", "/cities", 200, ""),
        ("job", &job, 200, ""),
        ("report a job", &report, 200, "textarea"),
        ("closed job", "/jobs/filled-rust-position", 200, ""),
        ("company", &company, 200, ""),
        ("companies index", "/companies", 200, ""),
        ("article index", "/articles", 200, ""),
        (
            "article",
            "/articles/what-does-a-backend-developer-do",
            200,
            "",
        ),
        ("404", "/no/such/page", 404, ".error-page"),
        ("410 job", "/jobs/leaving-engineer", 410, ".error-page"),
        (
            "410 article",
            "/articles/preparing-for-technical-interviews",
            410,
            ".error-page",
        ),
        ("company without open jobs", "/companies/acme", 200, ""),
        ("salaries", "/salaries", 200, ".salary-chart"),
        (
            "technology salaries",
            "/salaries/rust",
            200,
            ".salary-chart",
        ),
        (
            "technology in city salaries",
            "/salaries/kubernetes/berlin",
            200,
            ".salaries__facts",
        ),
        (
            "alert sign-up",
            "/alerts/new?search=technology%3Drust",
            200,
            "#alert-email",
        ),
        (
            "alert check your inbox",
            "/alerts/sent?search=technology%3Drust",
            200,
            ".notice",
        ),
        (
            "alert confirmation, unknown link",
            "/alerts/confirm/0000000000000000000000000000000000000000000000000000000000000000",
            404,
            "",
        ),
        (
            "alert unsubscribe, unknown link",
            "/alerts/unsubscribe/0000000000000000000000000000000000000000000000000000000000000000",
            404,
            "",
        ),
    ];
    for (label, path, status, _) in &pages {
        check.keep(label, *status, &app.get(path).await);
    }
    let nu = check.start_nu();
    for (label, path, _, marker) in &pages {
        browser.goto(&format!("{}{path}", app.address)).await;
        check.axe(&browser, label, marker).await;
    }
    check.finish(&browser, nu).await;
}

/// The article form's fields, as an editor fills them in.
fn article_fields<'a>(title: &'a str, body: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", ""),
        (
            "summary",
            "What the work is like, what it pays in Germany and how to get there.",
        ),
        ("body", body),
        ("tags", "career, salary"),
        ("author", "Jana Voss"),
        ("cover_image", ""),
        ("cover_alt", ""),
        ("status", status),
        ("publish_date", ""),
        ("publish_time", ""),
    ]
}

const ARTICLE_BODY: &str = "A first paragraph with a [link](https://example.org/) and `code`.\n\n\
## What the work is like\n\n- Reviews\n- Pairing\n- **On-call**, sometimes\n\n\
> A quote from someone who does it.\n\n```\nfn main() {}\n```\n\n### Pay\n\n1. Ask\n2. Compare\n";

/// Saves `fields` over article `id` from its edit form (the version it shows); the answer.
async fn save_article(
    client: &AdminClient,
    id: i64,
    fields: &[(&str, &str)],
    form: Option<&AdminResponse>,
) -> AdminResponse {
    let fresh;
    let form = match form {
        Some(form) => form,
        None => {
            fresh = client.get(&format!("/admin/articles/{id}/edit")).await;
            &fresh
        }
    };
    let version = form_value(&form.body, "version").expect("the form's version");
    let csrf = form.csrf().expect("the form's token");
    let mut all = fields.to_vec();
    all.extend([
        ("version", version.as_str()),
        ("csrf", csrf.as_str()),
        ("action", "save"),
    ]);
    client.post(&format!("/admin/articles/{id}"), &all).await
}

/// The id of the article a save redirected to (`/admin/articles/{id}/edit`).
fn article_id(response: &AdminResponse) -> i64 {
    response
        .location()
        .and_then(|l| l.strip_prefix("/admin/articles/"))
        .and_then(|rest| rest.strip_suffix("/edit"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no article saved: {}\n{}", response.status, response.body))
}

/// Sets the value of the form control at `css` in the browser, as typing would.
async fn set_value(browser: &Browser, css: &str, value: &str) {
    browser
        .script(&format!(
            "const e = document.querySelector({css:?}); e.value = {value:?}; \
             e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true"
        ))
        .await;
}

#[actix_web::test]
async fn admin_pages_pass_axe_and_the_nu_html_checker() {
    let mut check = Quality::new("admin");
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let anna = app.editor("anna@example.org", "Anna Schmidt", Role::Editor);
    let browser = Browser::start(1366, 900).await;
    let base = app.address.clone();

    // Content: an image, a published article saved twice (a revision to compare), a
    // draft and a scheduled one.
    boss.upload(
        "/admin/images",
        "standing-desk.jpg",
        "image/jpeg",
        &crate::images::jpeg_with_gps(640, 360),
    )
    .await
    .assert_redirect("/admin/images");
    let created = boss
        .submit(
            "/admin/articles",
            &[
                article_fields(
                    "What does a platform engineer do?",
                    ARTICLE_BODY,
                    "published",
                ),
                vec![("action", "save")],
            ]
            .concat(),
        )
        .await;
    let id = article_id(&created);
    let second_body = format!("{ARTICLE_BODY}\nAn added closing line.\n");
    save_article(
        &boss,
        id,
        &article_fields(
            "What does a platform engineer do?",
            &second_body,
            "published",
        ),
        None,
    )
    .await
    .assert_redirect(&format!("/admin/articles/{id}/edit"));
    for (title, status, date) in [
        ("Negotiating a salary", "draft", ""),
        ("Learning Rust in a year", "scheduled", "2099-05-04"),
    ] {
        let mut fields = article_fields(title, "Some text.", status);
        fields.retain(|(k, _)| *k != "publish_date" && *k != "publish_time");
        fields.extend([
            ("publish_date", date),
            ("publish_time", if date.is_empty() { "" } else { "09:30" }),
            ("action", "save"),
        ]);
        boss.submit("/admin/articles", &fields)
            .await
            .assert_status(303);
    }
    let edit = format!("/admin/articles/{id}/edit");

    // What the server sends, for the Nu checker.
    let signed_out = app.admin_client();
    check.keep_admin("sign-in", 200, &signed_out.get("/admin/login").await);
    check.keep_admin(
        "sign-in with a wrong password",
        401,
        &signed_out
            .login("boss@example.org", "not the password at all")
            .await,
    );
    check.keep_admin("articles list", 200, &boss.get("/admin/articles").await);
    check.keep_admin(
        "new article form",
        200,
        &boss.get("/admin/articles/new").await,
    );
    let new_form = boss.get("/admin/articles/new").await;
    let first_image = new_form
        .body
        .split("<option value=\"")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .expect("the uploaded image in the cover select")
        .to_owned();
    let long_summary = "A summary that goes on and on. ".repeat(11);
    let mut invalid = article_fields("", "Text.", "scheduled");
    invalid.retain(|(k, _)| !["summary", "cover_image"].contains(k));
    invalid.extend([
        ("summary", long_summary.as_str()),
        ("cover_image", first_image.as_str()),
        ("action", "save"),
    ]);
    check.keep_admin(
        "article form with errors (422)",
        422,
        &boss.submit("/admin/articles", &invalid).await,
    );
    check.keep_admin("edit article form", 200, &boss.get(&edit).await);
    let edit_form = boss.get(&edit).await;
    let mut preview = article_fields(
        "What does a platform engineer do?",
        ARTICLE_BODY,
        "published",
    );
    let version = form_value(&edit_form.body, "version").unwrap();
    let csrf = edit_form.csrf().unwrap();
    preview.extend([
        ("version", version.as_str()),
        ("csrf", csrf.as_str()),
        ("action", "preview"),
    ]);
    check.keep_admin(
        "article preview",
        200,
        &boss.post(&format!("/admin/articles/{id}"), &preview).await,
    );
    // A conflict: saved from a form loaded before someone else's save.
    let stale_form = boss.get(&edit).await;
    let third_body = format!("{second_body}\nSomeone else's line.\n");
    save_article(
        &boss,
        id,
        &article_fields(
            "What does a platform engineer do?",
            &third_body,
            "published",
        ),
        None,
    )
    .await
    .assert_status(303);
    check.keep_admin(
        "article conflict (409)",
        409,
        &save_article(
            &boss,
            id,
            &article_fields(
                "What does a platform engineer do?",
                "My own text.",
                "published",
            ),
            Some(&stale_form),
        )
        .await,
    );
    let revisions = format!("/admin/articles/{id}/revisions");
    check.keep_admin("revisions", 200, &boss.get(&revisions).await);
    check.keep_admin(
        "revision diff",
        200,
        &boss.get(&format!("{revisions}/1")).await,
    );
    let delete = format!("/admin/articles/{id}/delete");
    check.keep_admin("delete confirmation", 200, &boss.get(&delete).await);
    check.keep_admin("images", 200, &boss.get("/admin/images").await);
    check.keep_admin("editors", 200, &boss.get("/admin/editors").await);
    let editor = format!("/admin/editors/{anna}");
    check.keep_admin("editor", 200, &boss.get(&editor).await);
    check.keep_admin("account", 200, &boss.get("/admin/account").await);
    check.keep_admin(
        "account with an error (422)",
        422,
        &boss
            .submit(
                "/admin/account/password",
                &[
                    ("current", "not the password at all"),
                    ("password", "short"),
                    ("confirm", "different"),
                ],
            )
            .await,
    );
    check.keep_admin("audit log", 200, &boss.get("/admin/audit").await);
    // Jobs: one made in the form (with the linter's warnings), the list, the form, a 422.
    crate::helpers::basic_fixtures(&app);
    let acme = jobboard::repo::admin_jobs::company_choices(&mut app.conn()).unwrap()[0]
        .0
        .to_string();
    let until = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let job_fields = |title: &'static str| {
        vec![
            ("title", title),
            ("company", acme.as_str()),
            ("description", "Build the checkout service in Rust."),
            ("technologies", "rust"),
            ("seniority", "senior"),
            ("employment_type", "full_time"),
            ("remote_policy", "onsite"),
            ("city", "Berlin"),
            ("apply", "https://acme.example/jobs/1"),
            ("valid_through", until.as_str()),
            ("status", "published"),
        ]
    };
    let job_saved = boss
        .submit("/admin/jobs", &job_fields("Rust Engineer"))
        .await;
    job_saved.assert_status(303);
    let job_edit = job_saved.location().unwrap().to_owned();
    check.keep_admin("jobs list", 200, &boss.get("/admin/jobs").await);
    check.keep_admin("new job form", 200, &boss.get("/admin/jobs/new").await);
    check.keep_admin(
        "edit job form with warnings",
        200,
        &boss.get(&job_edit).await,
    );
    check.keep_admin(
        "job form with an error (422)",
        422,
        &boss
            .submit("/admin/jobs", &job_fields("SENIOR RUST ENGINEER"))
            .await,
    );
    let company_edit = format!(
        "/admin/companies/{}/edit",
        jobboard::repo::admin_jobs::company_choices(&mut app.conn()).unwrap()[0].0
    );
    check.keep_admin("companies list", 200, &boss.get("/admin/companies").await);
    check.keep_admin("edit company form", 200, &boss.get(&company_edit).await);
    check.keep_admin(
        "logo upload refused (422)",
        422,
        &boss
            .upload(
                &company_edit.replace("/edit", "/logo"),
                "logo.png",
                "image/png",
                b"not an image",
            )
            .await,
    );
    boss.upload(
        &company_edit.replace("/edit", "/logo"),
        "logo.png",
        "image/png",
        &crate::logos::png_logo(160, 160),
    )
    .await
    .assert_redirect(&company_edit);
    check.keep_admin(
        "edit company form with a logo",
        200,
        &boss.get(&company_edit).await,
    );
    check.keep_admin(
        "new company form",
        200,
        &boss.get("/admin/companies/new").await,
    );
    check.keep_admin(
        "company form with an error (422)",
        422,
        &boss
            .submit(
                "/admin/companies",
                &[("name", "Nordlicht"), ("city", ""), ("size_band", "11-50")],
            )
            .await,
    );
    // Moderation: a new job with the linter's findings and a duplicate hint, an edit of
    // a live job with its diff, a report, and a decision form with an error.
    let live = app.insert(JobBuilder::new("Platform Engineer").company("acme"));
    let mut urgent = crate::moderation::posting(
        "Platform Engineer URGENT!!!",
        "Acme Software",
        "hr@acme.example",
    );
    urgent.job.salary_min.clear();
    urgent.job.salary_max.clear();
    let (_, fresh_id) = crate::moderation::insert_pending(
        &app,
        &urgent,
        chrono::Utc::now() - chrono::Duration::hours(2),
        None,
    );
    let (_, edit_id) = crate::moderation::insert_pending(
        &app,
        &crate::moderation::posting(
            "Staff Platform Engineer",
            "Acme Software",
            "hr@acme.example",
        ),
        chrono::Utc::now(),
        Some(live),
    );
    execute(
        &app,
        &format!(
            "INSERT INTO job_reports (job_id, reason, details) VALUES ({live}, 'scam', 'They ask for a fee.')"
        ),
    );
    let fresh_review = format!("/admin/moderation/submissions/{fresh_id}");
    let edit_review = format!("/admin/moderation/submissions/{edit_id}");
    check.keep_admin(
        "moderation queue",
        200,
        &boss.get("/admin/moderation").await,
    );
    check.keep_admin("review of a new job", 200, &boss.get(&fresh_review).await);
    check.keep_admin("review of an edit", 200, &boss.get(&edit_review).await);
    check.keep_admin(
        "review with an error (422)",
        422,
        &boss
            .submit(&format!("{edit_review}/changes"), &[("note", "")])
            .await,
    );
    let nu = check.start_nu();

    // The same pages in Chromium, for axe.
    browser.goto(&format!("{base}/admin/login")).await;
    check.axe(&browser, "sign-in", "#email").await;
    set_value(&browser, "#email", "boss@example.org").await;
    set_value(&browser, "#password", "not the password at all").await;
    browser
        .click_and_wait("form.stack-form button[type='submit']")
        .await;
    check
        .axe(&browser, "sign-in with a wrong password", "#login-error")
        .await;
    set_value(&browser, "#password", EDITOR_PASSWORD).await;
    browser
        .click_and_wait("form.stack-form button[type='submit']")
        .await;
    browser.goto(&format!("{base}/admin/articles")).await;
    check.axe(&browser, "articles list", "table").await;

    browser.goto(&format!("{base}/admin/articles/new")).await;
    check
        .axe(&browser, "new article form", "#article-form")
        .await;
    set_value(&browser, "#summary", &long_summary).await;
    set_value(&browser, "#body", "Text.").await;
    browser
        .script(
            "const s = document.querySelector('#cover_image'); s.selectedIndex = 1; return true",
        )
        .await;
    browser.click("#status-scheduled").await;
    browser.click_and_wait("button[value='save']").await;
    check
        .axe(&browser, "article form with errors (422)", ".error-summary")
        .await;

    browser.goto(&format!("{base}{edit}")).await;
    check
        .axe(&browser, "edit article form", ".article-editor__more")
        .await;
    browser.click_and_wait("button[value='preview']").await;
    check
        .axe(&browser, "article preview", ".article-preview")
        .await;

    // Someone saves while the browser's form is open: its save is refused.
    browser.goto(&format!("{base}{edit}")).await;
    save_article(
        &boss,
        id,
        &article_fields(
            "What does a platform engineer do?",
            "Yet another text.",
            "published",
        ),
        None,
    )
    .await
    .assert_status(303);
    set_value(&browser, "#body", "My own text.").await;
    browser.click_and_wait("button[value='save']").await;
    check
        .axe(&browser, "article conflict (409)", ".conflict")
        .await;

    for (label, path, marker) in [
        ("revisions", revisions.as_str(), "table"),
        ("revision diff", &format!("{revisions}/1"), "table.diff"),
        ("delete confirmation", &delete, "form"),
        ("images", "/admin/images", "img"),
        ("editors", "/admin/editors", "table"),
        ("editor", &editor, "form"),
        ("account", "/admin/account", "#current"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        check.axe(&browser, label, marker).await;
    }
    set_value(&browser, "#current", "not the password at all").await;
    set_value(&browser, "#password", "short").await;
    set_value(&browser, "#confirm", "different").await;
    browser
        .click_and_wait("form.stack-form button[type='submit']")
        .await;
    check
        .axe(&browser, "account with an error (422)", ".error-summary")
        .await;
    browser.goto(&format!("{base}/admin/audit")).await;
    check.axe(&browser, "audit log", "table").await;
    browser.goto(&format!("{base}/admin/jobs")).await;
    check.axe(&browser, "jobs list", "table").await;
    browser.goto(&format!("{base}{job_edit}")).await;
    check
        .axe(&browser, "edit job form with warnings", ".notice--warning")
        .await;
    browser.goto(&format!("{base}/admin/jobs/new")).await;
    check.axe(&browser, "new job form", "#job-form").await;
    set_value(&browser, "#title", "SENIOR RUST ENGINEER").await;
    browser
        .click_and_wait("#job-form button[type='submit']")
        .await;
    check
        .axe(&browser, "job form with an error (422)", ".error-summary")
        .await;
    browser.goto(&format!("{base}/admin/companies")).await;
    check.axe(&browser, "companies list", "table").await;
    browser.goto(&format!("{base}{company_edit}")).await;
    check
        .axe(
            &browser,
            "edit company form with a logo",
            ".company-logo__current img",
        )
        .await;
    browser.goto(&format!("{base}/admin/companies/new")).await;
    check
        .axe(&browser, "new company form", "#company-form")
        .await;
    set_value(&browser, "#name", "Nordlicht").await;
    browser
        .click_and_wait("#company-form button[type='submit']")
        .await;
    check
        .axe(
            &browser,
            "company form with an error (422)",
            ".error-summary",
        )
        .await;
    browser.goto(&format!("{base}/admin/moderation")).await;
    check
        .axe(&browser, "moderation queue", ".moderation__list")
        .await;
    browser.goto(&format!("{base}{fresh_review}")).await;
    check
        .axe(&browser, "review of a new job", ".moderation__findings")
        .await;
    browser.goto(&format!("{base}{edit_review}")).await;
    check.axe(&browser, "review of an edit", "table.diff").await;
    browser
        .click_and_wait("form[action$='/changes'] button[type='submit']")
        .await;
    check
        .axe(&browser, "review with an error (422)", ".error-summary")
        .await;

    check.finish(&browser, nu).await;
}

#[test]
fn titles_are_read_unescaped_and_collapsed() {
    assert_eq!(
        title_of("<head><title>Rust &amp; Go\n  jobs · x</title></head>"),
        "Rust & Go jobs · x"
    );
    assert_eq!(slug("410 job (a/b)"), "410-job--a-b-");
}

#[actix_web::test]
async fn employer_pages_pass_axe_and_the_nu_html_checker() {
    use crate::intake::{
        EMPLOYER, ad, approve_newest, confirmed_ad, link, mails_to, post, send, with,
    };
    let mut check = Quality::new("employer");
    let app = spawn_app().await;
    crate::helpers::basic_fixtures(&app);
    let client = AdminClient::new(&app.address);
    let browser = Browser::start(1366, 900).await;
    let base = app.address.clone();

    check.keep_admin("post a job", 200, &client.get("/post-a-job").await);
    check.keep_admin(
        "post a job with errors (422)",
        422,
        &post(
            &client,
            "/post-a-job",
            &[("action".into(), "preview".into())],
        )
        .await,
    );
    check.keep_admin(
        "job ad preview",
        200,
        &post(
            &client,
            "/post-a-job",
            &with(ad("Senior Rust Engineer"), "action", "preview"),
        )
        .await,
    );
    send(&client, ad("Platform Engineer"))
        .await
        .assert_redirect("/post-a-job/sent");
    check.keep_admin("ad sent", 200, &client.get("/post-a-job/sent").await);
    let (_, text) = mails_to(&app, EMPLOYER).pop().expect("confirmation");
    let confirm = link(&text, &base, "/post-a-job/confirm/");
    check.keep_admin("confirm the address", 200, &client.get(&confirm).await);
    check.keep_admin(
        "address confirmed",
        200,
        &post(&client, &confirm, &[]).await,
    );
    check.keep_admin("confirm link used", 200, &client.get(&confirm).await);
    confirmed_ad(&app, &client, "Senior Rust Engineer").await;
    let (manage, _) = approve_newest(&app);
    check.keep_admin("manage page", 200, &client.get(&manage).await);
    check.keep_admin(
        "change the ad",
        200,
        &client.get(&format!("{manage}/edit")).await,
    );
    check.keep_admin("ask for the links", 200, &client.get("/manage").await);
    check.keep_admin(
        "links sent",
        200,
        &post(&client, "/manage", &[("email".into(), EMPLOYER.into())]).await,
    );
    let nu = check.start_nu();

    for (label, path, marker) in [
        ("post a job", "/post-a-job".to_owned(), ".post-form"),
        ("ad sent", "/post-a-job/sent".to_owned(), ".page-head"),
        ("confirm link used", confirm.clone(), ".page-head"),
        ("manage page", manage.clone(), ".manage"),
        ("change the ad", format!("{manage}/edit"), ".post-form"),
        ("ask for the links", "/manage".to_owned(), "#email"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        check.axe(&browser, label, marker).await;
    }
    browser.goto(&format!("{base}/post-a-job")).await;
    browser.click_and_wait("button[value='preview']").await;
    check
        .axe(&browser, "post a job with errors (422)", ".error-summary")
        .await;
    set_value(&browser, "#company_name", "Nordlicht Logistics").await;
    set_value(&browser, "#company_city", "Berlin").await;
    set_value(&browser, "#company_size_band", "51-200").await;
    set_value(&browser, "#title", "Senior Rust Engineer").await;
    set_value(
        &browser,
        "#description",
        &"Rust services for parcel routing. ".repeat(15),
    )
    .await;
    set_value(&browser, "#city", "Berlin").await;
    set_value(&browser, "#apply", "https://nordlicht.example/apply").await;
    set_value(&browser, "#contact_email", EMPLOYER).await;
    browser.click("#tech-rust").await;
    browser.click_and_wait("button[value='preview']").await;
    check
        .axe(&browser, "job ad preview", ".preview-panel")
        .await;
    check.finish(&browser, nu).await;
}
