//! A person in a real browser: headless Chromium driven over the W3C WebDriver
//! protocol (plain JSON over HTTP, spoken with awc) by Debian's ChromeDriver.
//! `scripts/test` installs both; without them these tests fail and say so.

use crate::helpers::{JobBuilder, basic_fixtures, spawn_app};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key WebDriver uses for Tab.
const TAB: &str = "\u{E004}";
/// The property name under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One ChromeDriver process with one browser session; both end with the value.
pub(crate) struct Browser {
    driver: Child,
    base: String,
    session: String,
    client: awc::Client,
    _profile: TempDir,
}

/// A fresh user-data-dir, removed afterwards.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The absolute path of a program: `$variable`, or `name` looked up on PATH (ChromeDriver
/// needs an absolute path to the browser).
fn executable(variable: &str, name: &str) -> String {
    let found = std::env::var(variable).ok().or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
                .map(|path| path.display().to_string())
        })
    });
    found.unwrap_or_else(|| {
        panic!(
            "{name} not found: the browser tests need Chromium and ChromeDriver \
             (scripts/test installs them; Debian: apt-get install chromium chromium-driver)"
        )
    })
}

impl Browser {
    /// A browser with a window of `width`×`height` CSS pixels. Narrow phones are
    /// emulated, because desktop windows cannot shrink that far.
    pub(crate) async fn start(width: u32, height: u32) -> Self {
        let driver_path = executable("CHROMEDRIVER", "chromedriver");
        let chromium = executable("CHROMIUM", "chromium");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = TempDir(
            std::env::temp_dir().join(format!("jobboard-chromium-{}-{port}", std::process::id())),
        );
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut response) = client.get(format!("{base}/status")).send().await
                && response
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true)
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.0.display()),
                format!("--window-size={width},{height}"),
            ],
        });
        if width < 500 {
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2 } });
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let mut response = client
            .post(format!("{base}/session"))
            .send_json(&capabilities)
            .await
            .expect("new WebDriver session");
        let body: Value = response.json().limit(1 << 20).await.expect("session JSON");
        let session = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {body}"))
            .to_owned();
        Self {
            driver,
            base,
            session,
            client,
            _profile: profile,
        }
    }

    pub(crate) async fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let request = match method {
            "GET" => self.client.get(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.post(url),
        };
        let mut response = if method == "POST" {
            request.send_json(&body).await
        } else {
            request.send().await
        }
        .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value: Value = response
            .json()
            .limit(8 << 20)
            .await
            .expect("WebDriver JSON");
        assert!(
            value["value"]["error"].is_null(),
            "WebDriver {method} {path} failed: {value}"
        );
        value["value"].clone()
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url })).await;
    }

    pub(crate) async fn current_url(&self) -> String {
        self.command("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let found = self
            .command(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    pub(crate) async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command("POST", &format!("/element/{element}/click"), json!({}))
            .await;
    }

    pub(crate) async fn script(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .await
    }

    pub(crate) async fn press(&self, key: &str) {
        self.command(
            "POST",
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }
            ]}]}),
        )
        .await;
    }

    /// Types `text` into the element at `css` as a person would, key by key.
    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Types `text` wherever the focus is, with no element chosen: the keyboard alone.
    async fn type_keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({ "type": "keyDown", "value": c.to_string() }),
                    json!({ "type": "keyUp", "value": c.to_string() }),
                ]
            })
            .collect();
        self.command(
            "POST",
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }]}),
        )
        .await;
    }

    async fn clear(&self, css: &str) {
        let element = self.find(css).await;
        self.command("POST", &format!("/element/{element}/clear"), json!({}))
            .await;
    }

    /// Clicks `css` and waits until a new page has loaded in place of this one (even at
    /// the same URL, as after saving a form that redirects back to itself).
    pub(crate) async fn click_and_wait(&self, css: &str) -> String {
        self.script("window.__old_page = true; return true").await;
        self.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let fresh = self
                .script("return window.__old_page !== true && document.readyState === 'complete'")
                .await;
            if fresh == true {
                return self.current_url().await;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after clicking {css}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text of the page's `<main>`.
    pub(crate) async fn main_text(&self) -> String {
        self.script("return document.querySelector('main').innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the browser has navigated to a URL that satisfies `done`.
    pub(crate) async fn wait_for_url(&self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.current_url().await;
            if done(&url) && self.script("return document.readyState").await == "complete" {
                return url;
            }
            assert!(Instant::now() < deadline, "still at {url}");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Browser {
    /// Ends the session first, so that ChromeDriver closes Chromium and no browser
    /// process outlives the test; Drop cannot await, hence plain blocking HTTP.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://");
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[actix_web::test]
async fn a_person_narrows_the_job_list_with_the_filter_form() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Platform Engineer").technologies(&["rust"]));
    app.insert(JobBuilder::new("Go Services Engineer").technologies(&["go"]));
    let browser = Browser::start(1366, 900).await;
    app.sync().await;

    browser.goto(&format!("{}/jobs", app.address)).await;
    browser.click("#technology-rust").await;
    browser.click(".filters__form button[type='submit']").await;
    let url = browser
        .wait_for_url(|u| u.ends_with("/technologies/rust"))
        .await;
    let results = browser
        .script("return document.querySelector('.results').innerText")
        .await;

    assert!(
        url.ends_with("/technologies/rust"),
        "the form lands on the normal URL, got {url}"
    );
    let results = results.as_str().unwrap_or_default();
    assert!(results.contains("Rust Platform Engineer"), "{results}");
    assert!(!results.contains("Go Services Engineer"), "{results}");
}

#[actix_web::test]
async fn on_a_phone_the_filters_open_from_their_disclosure() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Remote Rust Engineer")
            .technologies(&["rust"])
            .remote(&["DE"]),
    );
    app.insert(JobBuilder::new("Office Rust Engineer").technologies(&["rust"]));
    let browser = Browser::start(390, 844).await;
    app.sync().await;

    browser.goto(&format!("{}/jobs", app.address)).await;
    let hidden_before = browser
        .script("return !document.querySelector('#filter-type').checkVisibility()")
        .await;
    browser.click(".filters__toggle").await;
    browser.click("input[name='remote'][value='remote']").await;
    browser.click(".filters__form button[type='submit']").await;
    let url = browser.wait_for_url(|u| u.ends_with("/remote")).await;
    let results = browser
        .script("return document.querySelector('.results').innerText")
        .await;

    assert_eq!(
        hidden_before, true,
        "the filter form starts folded on a phone"
    );
    assert!(
        url.ends_with("/remote"),
        "the form lands on the remote landing page, got {url}"
    );
    let results = results.as_str().unwrap_or_default();
    assert!(
        results.contains("Remote Rust Engineer") && !results.contains("Office Rust Engineer"),
        "{results}"
    );
}

#[actix_web::test]
async fn pages_fit_a_320_pixel_screen_without_sideways_scrolling() {
    let app = spawn_app().await;
    app.seed_demo();
    let browser = Browser::start(320, 640).await;
    let job = app.first_job_path().await;

    for path in [
        "/",
        "/jobs",
        job.as_str(),
        "/companies",
        "/articles/what-does-a-backend-developer-do",
        "/nope",
    ] {
        browser.goto(&format!("{}{path}", app.address)).await;
        let widths = browser
            .script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            .await;
        let (scroll, client) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(client <= 320, "{path}: viewport {client}px");
        assert!(
            scroll <= client,
            "{path} scrolls sideways: content {scroll}px in a {client}px viewport"
        );
    }
}

#[actix_web::test]
async fn the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content() {
    let app = spawn_app().await;
    let browser = Browser::start(1366, 900).await;
    app.sync().await;

    browser.goto(&format!("{}/jobs", app.address)).await;
    browser.press(TAB).await;
    let focused = browser
        .script("return document.activeElement.textContent.trim()")
        .await;
    let outline = browser
        .script("return getComputedStyle(document.activeElement).outlineStyle")
        .await;
    browser.press("\u{E007}").await;
    let after_enter = browser.script("return document.activeElement.id").await;

    assert_eq!(focused, "Skip to content");
    assert_ne!(
        outline, "none",
        "the focused skip link shows a focus outline"
    );
    assert_eq!(
        after_enter, "content",
        "Enter on the skip link moves focus to <main>"
    );
}

/// A small landscape JPEG for the cover image, written to a temporary file.
fn cover_photo_file(dir: &std::path::Path) -> std::path::PathBuf {
    let pixels = image::RgbImage::from_fn(1200, 600, |x, y| {
        image::Rgb([(x / 5 % 256) as u8, (y / 3 % 256) as u8, 170])
    });
    let path = dir.join("desk.jpg");
    pixels.save(&path).expect("write the cover photo");
    path
}

/// Whether the page is wider than the window (sideways scrolling).
async fn scrolls_sideways(browser: &Browser) -> bool {
    browser
        .script("return document.documentElement.scrollWidth > window.innerWidth")
        .await
        == true
}

/// An editor's whole day with one article, in a real browser of `width`×`height`:
/// sign in with the keyboard, upload a cover, write, preview, schedule, publish, rename
/// the slug, sign out.
async fn editorial_journey(width: u32, height: u32) {
    use jobboard::domain::editor::Role;
    let app = spawn_app().await;
    app.editor("wendy@example.org", "Wendy Writer", Role::Editor);
    let browser = Browser::start(width, height).await;
    let files = TempDir(
        std::env::temp_dir().join(format!("jobboard-journey-{}-{width}", std::process::id())),
    );
    std::fs::create_dir_all(&files.0).unwrap();
    let photo = cover_photo_file(&files.0);
    let base = app.address.clone();
    let mut sideways = Vec::new();

    // Signed out, the admin sends the editor to sign in; the keyboard alone does it.
    browser.goto(&format!("{base}/admin/articles")).await;
    browser.wait_for_url(|u| u.contains("/admin/login")).await;
    let focused = browser.script("return document.activeElement.id").await;
    browser.type_keys("wendy@example.org").await;
    browser.press(TAB).await;
    let password_outline = browser
        .script("return getComputedStyle(document.activeElement).outlineStyle")
        .await;
    browser.type_keys(crate::helpers::EDITOR_PASSWORD).await;
    browser.press("\u{E007}").await;
    browser
        .wait_for_url(|u| u.ends_with("/admin/articles"))
        .await;
    if scrolls_sideways(&browser).await {
        sideways.push("/admin/articles");
    }

    // A cover image.
    browser.goto(&format!("{base}/admin/images")).await;
    browser
        .type_into("#file", &photo.display().to_string())
        .await;
    browser
        .click_and_wait("form[enctype] button[type='submit']")
        .await;
    let uploaded = browser.main_text().await;

    // Write and preview.
    browser.goto(&format!("{base}/admin/articles/new")).await;
    browser
        .wait_for_url(|u| u.ends_with("/admin/articles/new"))
        .await;
    if scrolls_sideways(&browser).await {
        sideways.push("/admin/articles/new");
    }
    browser
        .type_into("#title", "What does a platform engineer do?")
        .await;
    browser
        .type_into(
            "#summary",
            "Platform engineers build the paved road other developers ship on: tooling, clusters and pipelines.",
        )
        .await;
    browser
        .type_into(
            "#body",
            "Platform teams run the internal product called infrastructure.\n\n## A typical week\n\nReviewing Terraform, pairing on pipelines and answering questions.",
        )
        .await;
    browser.type_into("#tags", "devops, careers").await;
    browser.clear("#author").await;
    browser.type_into("#author", "Wendy Writer").await;
    browser
        .script("var s = document.querySelector('#cover_image'); s.selectedIndex = s.options.length - 1; return s.value")
        .await;
    browser
        .type_into("#cover_alt", "A tidy desk with two monitors")
        .await;
    browser.click_and_wait("button[value='preview']").await;
    let preview = browser.main_text().await;

    // Schedule for tomorrow morning (Berlin), then check it is not public yet.
    let tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(1))
        .format("%Y-%m-%d")
        .to_string();
    browser.click("#status-scheduled").await;
    browser
        .script(&format!(
            "document.querySelector('#publish_date').value = '{tomorrow}'; \
             document.querySelector('#publish_time').value = '09:00'; return true"
        ))
        .await;
    let edit_url = browser.click_and_wait("button[value='save']").await;
    let scheduled_flash = browser.main_text().await;
    let listed_while_scheduled = app.get("/articles").await.body;

    // Publish now.
    browser.click("#status-published").await;
    browser.click_and_wait("button[value='save']").await;
    let published_flash = browser.main_text().await;
    browser.goto(&format!("{base}/articles")).await;
    let listed = browser.main_text().await;
    browser
        .goto(&format!("{base}/articles/what-does-a-platform-engineer-do"))
        .await;
    let article_page = browser.main_text().await;
    let cover_srcset = browser
        .script("var i = document.querySelector('main img[srcset]'); return i ? i.getAttribute('srcset') + ' | ' + i.alt + ' | ' + i.naturalWidth : ''")
        .await;
    let feed = app.get("/articles/feed.xml").await.body;
    let sitemap = app.get("/sitemaps/articles.xml").await.body;

    // Rename the slug: the old address moves to the new one.
    browser.goto(&edit_url).await;
    browser.clear("#slug").await;
    browser.type_into("#slug", "platform-engineer-role").await;
    browser.click_and_wait("button[value='save']").await;
    browser
        .goto(&format!("{base}/articles/what-does-a-platform-engineer-do"))
        .await;
    let moved_to = browser
        .wait_for_url(|u| u.ends_with("/articles/platform-engineer-role"))
        .await;

    // Sign out ends the session.
    browser.goto(&format!("{base}/admin/articles")).await;
    browser
        .click_and_wait(".admin-header__signout button[type='submit']")
        .await;
    browser.goto(&format!("{base}/admin/articles")).await;
    let after_sign_out = browser.wait_for_url(|u| u.contains("/admin/login")).await;

    assert_eq!(
        focused, "email",
        "the sign-in page starts in the e-mail field"
    );
    assert_ne!(
        password_outline, "none",
        "the focused field shows where it is"
    );
    assert!(uploaded.contains("desk.jpg"), "{uploaded}");
    assert!(
        preview.contains("A typical week") && preview.contains("Reviewing Terraform"),
        "the preview renders the Markdown: {preview}"
    );
    assert!(scheduled_flash.contains("scheduled"), "{scheduled_flash}");
    assert!(
        !listed_while_scheduled.contains("platform engineer do"),
        "a scheduled article is not public before its time"
    );
    assert!(
        published_flash.to_lowercase().contains("published"),
        "{published_flash}"
    );
    assert!(
        listed.contains("What does a platform engineer do?"),
        "{listed}"
    );
    assert!(article_page.contains("A typical week"), "{article_page}");
    let cover = cover_srcset.as_str().unwrap_or_default();
    assert!(
        cover.contains("480w")
            && cover.contains("960w")
            && cover.contains("A tidy desk with two monitors"),
        "the cover is responsive and described: {cover}"
    );
    assert!(!cover.ends_with("| 0"), "the cover image loaded: {cover}");
    assert!(
        feed.contains("What does a platform engineer do?"),
        "in the feed"
    );
    assert!(
        sitemap.contains("/articles/what-does-a-platform-engineer-do"),
        "in the sitemap"
    );
    assert!(moved_to.ends_with("/articles/platform-engineer-role"));
    assert!(after_sign_out.contains("/admin/login"), "{after_sign_out}");
    assert!(
        sideways.is_empty(),
        "pages scroll sideways at {width}px: {sideways:?}"
    );
}

#[actix_web::test]
async fn an_editor_publishes_an_article_with_a_cover_in_a_desktop_browser() {
    editorial_journey(1366, 900).await;
}

#[actix_web::test]
async fn an_editor_publishes_an_article_with_a_cover_on_a_phone() {
    editorial_journey(390, 844).await;
}

// ---------------------------------------------------------------------------------------
// A job seeker with the keyboard alone: home → search → filters → job → apply link.

/// The WebDriver keys the journey needs besides Tab.
const KEY_ENTER: &str = "\u{E007}";
const KEY_SHIFT: &str = "\u{E008}";
const KEY_SPACE: &str = " ";

/// What the focused element is, and whether a person can see where the focus is: the
/// element has a box and shows an outline (style not `none`, width above zero) or a
/// box-shadow ring.
const FOCUS_PROBE: &str = "
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) {
        return { what: 'nothing (body)', matches: '', visible: false };
    }
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const ring = s.boxShadow !== '' && s.boxShadow !== 'none';
    let what = e.tagName.toLowerCase();
    if (e.id) what += '#' + e.id;
    if (e.getAttribute('name')) what += '[name=' + e.getAttribute('name') + ']';
    if (e.getAttribute('value')) what += '[value=' + e.getAttribute('value') + ']';
    if (e.getAttribute('href')) what += '[href=' + e.getAttribute('href') + ']';
    const text = (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    if (text) what += ' \"' + text + '\"';
    return {
        what: what,
        matches: arguments[0] ? String(e.matches(arguments[0])) : '',
        visible: (outline || ring) && r.width > 0 && r.height > 0,
    };
";

impl Browser {
    /// Presses `key` while Shift is held (Shift+Tab goes back one stop).
    async fn press_with_shift(&self, key: &str) {
        self.command(
            "POST",
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": KEY_SHIFT }, { "type": "keyDown", "value": key },
                { "type": "keyUp", "value": key }, { "type": "keyUp", "value": KEY_SHIFT }
            ]}]}),
        )
        .await;
    }

    /// The focused element: its description, whether it matches `css` and whether its
    /// focus is visible.
    async fn focused(&self, css: &str) -> (String, bool, bool) {
        let probe = self
            .command(
                "POST",
                "/execute/sync",
                json!({ "script": FOCUS_PROBE, "args": [css] }),
            )
            .await;
        (
            probe["what"].as_str().unwrap_or_default().to_owned(),
            probe["matches"] == "true",
            probe["visible"] == true,
        )
    }

    /// Presses Tab until the focus is on an element matching `css` (at most `limit`
    /// times). Every stop on the way is recorded in `stops`; a stop without a visible
    /// focus indicator also goes to `unseen`.
    async fn tab_to(
        &self,
        css: &str,
        limit: usize,
        stops: &mut Vec<String>,
        unseen: &mut Vec<String>,
    ) {
        let page = self.current_url().await;
        for _ in 0..limit {
            self.press(TAB).await;
            let (what, matches, visible) = self.focused(css).await;
            stops.push(what.clone());
            if !visible {
                unseen.push(format!("{what} on {page}"));
            }
            if matches {
                return;
            }
        }
        panic!(
            "{limit} presses of Tab on {page} never reached {css}; the stops were:\n{}",
            stops.join("\n")
        );
    }
}

/// The seeker's journey in a browser `width` CSS pixels wide, by keyboard alone: Tab to
/// the home search, type, Shift+Tab back from the city, Enter; Space on a seniority
/// filter (on a phone after opening the folded filters with Space), Enter on "Show
/// jobs"; Tab to the job and Enter; Tab to the apply link, which is not followed. Every
/// stop must show where the focus is, and no page of the journey may scroll sideways.
async fn keyboard_seeker_journey(width: u32, height: u32) {
    use jobboard::domain::job::Seniority;
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Senior Rust Platform Engineer")
            .technologies(&["rust", "postgresql"])
            .seniority(Seniority::Senior)
            .salary(85_000, 105_000)
            .description(
                "## About the role\n\nYou will build the Rust services behind our \
                 scheduling platform and look after their PostgreSQL databases.",
            ),
    );
    app.insert(
        JobBuilder::new("Junior Rust Developer")
            .technologies(&["rust"])
            .seniority(Seniority::Junior),
    );
    app.insert(JobBuilder::new("Senior Go Services Engineer").technologies(&["go"]));
    let browser = Browser::start(width, height).await;
    app.sync().await;
    let base = app.address.clone();
    let job_path = "/jobs/senior-rust-platform-engineer";
    let mut stops = Vec::new();
    let mut unseen = Vec::new();
    let mut sideways = Vec::new();

    // Home: the skip link comes first, then the page up to the search field.
    browser.goto(&format!("{base}/")).await;
    browser.wait_for_url(|u| u.ends_with('/')).await;
    if scrolls_sideways(&browser).await {
        sideways.push("/".to_owned());
    }
    browser.tab_to("#home-q", 20, &mut stops, &mut unseen).await;
    let first_stop = stops[0].clone();
    browser.type_keys("rust").await;
    browser
        .tab_to("#home-city", 1, &mut stops, &mut unseen)
        .await;
    browser.press_with_shift(TAB).await;
    let (back_on, back_on_search, back_visible) = browser.focused("#home-q").await;
    if !back_visible {
        unseen.push(format!("{back_on} after Shift+Tab"));
    }
    browser.press(KEY_ENTER).await;
    let search_url = browser.wait_for_url(|u| u.contains("q=rust")).await;
    if scrolls_sideways(&browser).await {
        sideways.push(search_url.clone());
    }

    // The results: fold the filters open on a phone, tick "Senior", show the jobs.
    let folded = browser
        .script("return !document.querySelector('.filters__form').checkVisibility()")
        .await
        == true;
    if folded {
        browser
            .tab_to(".filters__toggle", 30, &mut stops, &mut unseen)
            .await;
        browser.press(KEY_SPACE).await;
    }
    browser
        .tab_to(
            "input[name='seniority'][value='senior']",
            60,
            &mut stops,
            &mut unseen,
        )
        .await;
    browser.press(KEY_SPACE).await;
    let ticked = browser
        .script("return document.activeElement.checked")
        .await;
    browser
        .tab_to(
            ".filters__form button[type='submit']",
            30,
            &mut stops,
            &mut unseen,
        )
        .await;
    browser.press(KEY_ENTER).await;
    let filtered_url = browser
        .wait_for_url(|u| u.contains("seniority=senior"))
        .await;
    if scrolls_sideways(&browser).await {
        sideways.push(filtered_url.clone());
    }
    let results = browser
        .script("return document.querySelector('.results').innerText")
        .await;

    // The job: Tab to its title in the results, Enter.
    browser
        .tab_to(
            &format!(".job-card__title a[href='{job_path}']"),
            80,
            &mut stops,
            &mut unseen,
        )
        .await;
    browser.press(KEY_ENTER).await;
    let job_url = browser.wait_for_url(|u| u.ends_with(job_path)).await;
    if scrolls_sideways(&browser).await {
        sideways.push(job_url.clone());
    }

    // The apply link: reached by Tab, with the employer's address; not followed.
    browser
        .tab_to(".job__apply a", 30, &mut stops, &mut unseen)
        .await;
    let apply_href = browser
        .script("return document.activeElement.getAttribute('href')")
        .await;
    let apply_text = browser
        .script("return document.activeElement.innerText.trim()")
        .await;
    let still_on_job = browser.current_url().await;

    assert_eq!(
        first_stop, "a[href=#content] \"Skip to content\"",
        "the first Tab reaches the skip link"
    );
    assert!(
        back_on_search,
        "Shift+Tab from the city goes back to the search field, not to {back_on}"
    );
    assert!(
        search_url.contains("/jobs?q=rust"),
        "Enter in the search field searches: {search_url}"
    );
    assert_eq!(ticked, true, "Space ticks the focused seniority filter");
    let results = results.as_str().unwrap_or_default();
    assert!(
        results.contains("Senior Rust Platform Engineer")
            && !results.contains("Junior Rust Developer")
            && !results.contains("Senior Go Services Engineer"),
        "the search with the filter shows the senior Rust job only: {results}"
    );
    assert_eq!(apply_href, "https://www.acme.example/apply");
    assert_eq!(apply_text, "Apply on the company’s site");
    assert!(still_on_job.ends_with(job_path), "{still_on_job}");
    assert!(
        unseen.is_empty(),
        "at {width}px, these keyboard stops show no visible focus: {unseen:#?}"
    );
    assert!(
        sideways.is_empty(),
        "at {width}px these pages scroll sideways: {sideways:?}"
    );
}

#[actix_web::test]
async fn a_job_seeker_finds_and_reaches_a_job_by_keyboard_alone_on_a_desktop() {
    keyboard_seeker_journey(1366, 900).await;
}

#[actix_web::test]
async fn a_job_seeker_finds_and_reaches_a_job_by_keyboard_alone_on_a_phone() {
    keyboard_seeker_journey(390, 844).await;
}

/// An employer on a phone posts a job, confirms the address with the link from a real
/// mail server, an editor approves it, and the job is on the board.
#[actix_web::test]
async fn an_employer_posts_a_job_on_a_phone_and_it_is_on_the_board_once_approved() {
    use jobboard::domain::editor::Role;
    let smtp = crate::helpers::SmtpServer::start();
    let db = crate::helpers::TestDatabase::new();
    let smtp_url = smtp.url();
    let app = crate::helpers::spawn_app_with(db.url(), db, &[("SMTP_URL", &smtp_url)]).await;
    basic_fixtures(&app);
    app.editor("wendy@example.org", "Wendy Writer", Role::Editor);
    let browser = Browser::start(390, 844).await;
    let base = app.address.clone();
    let mut sideways = Vec::new();

    browser.goto(&format!("{base}/")).await;
    browser.click_and_wait("header a[href='/post-a-job']").await;
    if scrolls_sideways(&browser).await {
        sideways.push("/post-a-job");
    }
    browser
        .type_into("#company_name", "Nordlicht Logistics")
        .await;
    browser.click(".post-form__new-company summary").await;
    browser.type_into("#company_city", "Hamburg").await;
    browser
        .script("document.querySelector('#company_size_band').value = '51-200'; return true")
        .await;
    browser.type_into("#title", "Senior Rust Engineer").await;
    browser
        .type_into(
            "#description",
            "## The work\n\nYou build the services that route parcels across Europe: Rust on the backend, PostgreSQL for the data, and a team that reviews every change together.\n\n## The team\n\nSix engineers in Hamburg and remote, a product manager and a designer. We ship every day, keep meetings short and pair when it helps.\n\n## Hiring\n\nA call, a paid take-home task of three hours, and a conversation with the team.",
        )
        .await;
    browser.click("#tech-rust").await;
    browser.type_into("#city", "Hamburg").await;
    browser.type_into("#salary_min", "70000").await;
    browser.type_into("#salary_max", "90000").await;
    browser
        .type_into("#apply", "https://nordlicht.example/jobs/rust")
        .await;
    browser
        .type_into("#contact_email", "hiring@nordlicht.example")
        .await;
    browser.click_and_wait("button[value='preview']").await;
    let preview = browser.main_text().await;
    if scrolls_sideways(&browser).await {
        sideways.push("the preview");
    }
    assert!(preview.contains("Preview of your job ad"), "{preview}");
    assert!(preview.contains("Senior Rust Engineer"), "{preview}");
    assert!(preview.contains("nothing to improve"), "{preview}");

    let sent = browser.click_and_wait("button[value='submit']").await;
    assert!(sent.ends_with("/post-a-job/sent"), "{sent}");
    assert!(browser.main_text().await.contains("Check your inbox"));

    // The confirmation link, as the mail server received it.
    let mail = smtp
        .wait_for(1, Duration::from_secs(15))
        .await
        .remove(0)
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = mail
        .find(&format!("{base}/post-a-job/confirm/"))
        .expect("a confirmation link");
    let confirm: String = mail[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect();
    browser.goto(&confirm).await;
    browser
        .click_and_wait("main form button[type='submit']")
        .await;
    assert!(
        browser.main_text().await.contains("your ad is in review"),
        "{}",
        browser.main_text().await
    );
    browser.goto(&format!("{base}/jobs")).await;
    assert!(!browser.main_text().await.contains("Senior Rust Engineer"));

    // The editor signs in and approves it from the queue.
    approve_in_browser(&browser, &base, "wendy@example.org").await;
    app.sync().await;
    browser.goto(&format!("{base}/jobs")).await;
    let board = browser.main_text().await;
    assert!(board.contains("Senior Rust Engineer"), "{board}");
    assert!(board.contains("Nordlicht Logistics"), "{board}");
    let messages = smtp.wait_for(2, Duration::from_secs(15)).await;
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Subject: Your job is live: Senior Rust Engineer")),
        "no approval mail"
    );
    assert!(
        sideways.is_empty(),
        "scrolls sideways at 390 px: {sideways:?}"
    );
}

/// Signs `email` in (from the moderation queue) and approves the oldest submission.
async fn approve_in_browser(browser: &Browser, base: &str, email: &str) {
    browser.goto(&format!("{base}/admin/moderation")).await;
    browser.wait_for_url(|u| u.contains("/admin/login")).await;
    browser.type_into("#email", email).await;
    browser
        .type_into("#password", crate::helpers::EDITOR_PASSWORD)
        .await;
    browser
        .click_and_wait("form.stack-form button[type='submit']")
        .await;
    browser
        .wait_for_url(|u| u.ends_with("/admin/moderation"))
        .await;
    browser.click_and_wait(".moderation__title a").await;
    let review = browser.main_text().await;
    assert!(review.contains("Senior Rust Engineer"), "{review}");
    browser
        .click_and_wait("form[action$='/approve'] button[type='submit']")
        .await;
}
