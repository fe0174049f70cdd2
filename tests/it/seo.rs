//! What search engines and feed readers see: robots.txt, sitemaps, structured data,
//! head tags, normal-form redirects, Atom feeds, HTTP validators, and a crawl of the
//! demo site.

use crate::helpers::{JobBuilder, Page, TestApp, basic_fixtures, spawn_app};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use diesel::RunQueryDsl;
use futures_util::future::join_all;
use jobboard::domain::article::NewArticle;
use jobboard::domain::job::JobStatus;
use jobboard::domain::slug::Slug;
use jobboard::repo;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

// ---------------------------------------------------------------------------------
// XML: a small element tree built from quick-xml events, so that every document is
// really parsed (well-formedness, matching end tags, defined entities only).
// ---------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Element {
    /// The qualified name as written (`url`, `xml:lang`, …).
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    /// Text directly inside the element, entities resolved.
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The one child called `name`; panics when there is none or several.
    #[track_caller]
    fn one(&self, name: &str) -> &Element {
        let found: Vec<&Element> = self.children.iter().filter(|c| c.name == name).collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one <{name}> in <{}>, found {}: {self:#?}",
            self.name,
            found.len()
        );
        found[0]
    }

    #[track_caller]
    fn text_of(&self, name: &str) -> &str {
        self.one(name).text.trim()
    }
}

/// Parses a whole XML document into its root element; panics with the position on any
/// well-formedness error.
#[track_caller]
fn parse_xml(what: &str, body: &str) -> Element {
    assert!(
        body.starts_with("<?xml"),
        "{what}: the XML declaration must come first:\n{body}"
    );
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut roots: Vec<Element> = Vec::new();
    let start = |e: &quick_xml::events::BytesStart<'_>| -> Element {
        let mut element = Element {
            name: String::from_utf8(e.name().as_ref().to_vec()).expect("UTF-8 name"),
            ..Element::default()
        };
        for attr in e.attributes() {
            let attr = attr.unwrap_or_else(|err| panic!("{what}: bad attribute: {err}"));
            element.attrs.push((
                String::from_utf8(attr.key.as_ref().to_vec()).expect("UTF-8 attribute name"),
                attr.unescape_value()
                    .unwrap_or_else(|err| panic!("{what}: bad attribute value: {err}"))
                    .into_owned(),
            ));
        }
        element
    };
    loop {
        let event = reader.read_event().unwrap_or_else(|err| {
            panic!(
                "{what} is not well-formed XML at byte {}: {err}\n{body}",
                reader.error_position()
            )
        });
        match event {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let element = start(&e);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => roots.push(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().expect("end tag without start");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => roots.push(element),
                }
            }
            Event::Text(t) => {
                let text = t.decode().expect("UTF-8 text");
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&text),
                    None => assert!(
                        text.trim().is_empty(),
                        "{what}: text outside the root element: {text:?}"
                    ),
                }
            }
            Event::CData(t) => {
                let text = t.decode().expect("UTF-8 CDATA");
                stack
                    .last_mut()
                    .expect("CDATA outside the root element")
                    .text
                    .push_str(&text);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => {
                        let name = r.decode().expect("UTF-8 entity name");
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("{what}: undefined entity &{name};"))
                            .to_owned()
                    }
                    Err(err) => panic!("{what}: bad character reference: {err}"),
                };
                stack
                    .last_mut()
                    .unwrap_or_else(|| panic!("{what}: entity outside the root element"))
                    .text
                    .push_str(&resolved);
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => panic!("{what}: no DOCTYPE expected"),
            Event::Eof => break,
        }
    }
    assert!(stack.is_empty(), "{what}: unclosed elements {stack:#?}");
    assert_eq!(roots.len(), 1, "{what}: exactly one root element expected");
    roots.pop().unwrap()
}

#[track_caller]
fn rfc3339(what: &str, value: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(value)
        .unwrap_or_else(|e| panic!("{what}: {value:?} is not an RFC 3339 date-time: {e}"))
}

// ---------------------------------------------------------------------------------
// HTML: just enough to read tags and attributes that the layout prints.
// ---------------------------------------------------------------------------------

/// Resolves the character references askama and hand-written templates produce.
fn html_unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(ch) => {
                out.push(ch);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of every `<tag …>` in `html`, values unescaped.
fn tags(html: &str, tag: &str) -> Vec<HashMap<String, String>> {
    let open = format!("<{tag}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        rest = after;
        if !after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
            continue; // `<abbr` when looking for `<a`
        }
        let end = after.find('>').expect("unterminated tag");
        found.push(parse_attributes(&after[..end]));
    }
    found
}

fn parse_attributes(mut s: &str) -> HashMap<String, String> {
    let mut attrs = HashMap::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return attrs;
        }
        let name_end = s
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(s.len());
        let name = s[..name_end].to_ascii_lowercase();
        s = s[name_end..].trim_start();
        if let Some(value) = s.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next().expect("attribute value");
            let (raw, after) = if quote == '"' || quote == '\'' {
                let close = value[1..].find(quote).expect("closing quote") + 1;
                (&value[1..close], &value[close + 1..])
            } else {
                let end = value
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(value.len());
                (&value[..end], &value[end..])
            };
            attrs.insert(name, html_unescape(raw));
            s = after;
        } else {
            attrs.insert(name, String::new());
        }
    }
}

/// `content` of every `<meta {key}="{value}">`.
fn meta(html: &str, key: &str, value: &str) -> Vec<String> {
    tags(html, "meta")
        .into_iter()
        .filter(|a| a.get(key).map(String::as_str) == Some(value))
        .map(|a| a.get("content").cloned().unwrap_or_default())
        .collect()
}

/// The one `<meta {key}="{value}">`'s content; panics when there is none or several.
#[track_caller]
fn one_meta(page: &Page, path: &str, key: &str, value: &str) -> String {
    let found = meta(&page.body, key, value);
    assert_eq!(
        found.len(),
        1,
        "{path}: expected one <meta {key}=\"{value}\">, found {found:?}"
    );
    found.into_iter().next().unwrap()
}

/// Every `<link rel="{rel}">`.
fn links(html: &str, rel: &str) -> Vec<HashMap<String, String>> {
    tags(html, "link")
        .into_iter()
        .filter(|a| a.get("rel").map(String::as_str) == Some(rel))
        .collect()
}

/// The one `<link rel="{rel}">`'s href; `None` when there is none, a panic when several.
#[track_caller]
fn link_href(page: &Page, path: &str, rel: &str) -> Option<String> {
    let found = links(&page.body, rel);
    assert!(
        found.len() <= 1,
        "{path}: more than one <link rel=\"{rel}\">: {found:?}"
    );
    found.into_iter().next().map(|a| a["href"].clone())
}

fn robots_meta(page: &Page) -> Option<String> {
    meta(&page.body, "name", "robots").into_iter().next()
}

/// The text of the one `<title>`.
#[track_caller]
fn title_of(page: &Page, path: &str) -> String {
    // The document's title, in the head; inline SVG charts have titles of their own.
    let head = &page.body[..page.body.find("</head>").unwrap_or(page.body.len())];
    assert_eq!(
        head.matches("<title>").count(),
        1,
        "{path}: exactly one <title> expected"
    );
    assert_eq!(head.matches("</title>").count(), 1, "{path}");
    let start = head.find("<title>").unwrap() + "<title>".len();
    let end = head.find("</title>").unwrap();
    html_unescape(&head[start..end])
}

/// Every `<script type="application/ld+json">` block, parsed.
#[track_caller]
fn json_ld(page: &Page, path: &str) -> Vec<Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page.body
        .match_indices(OPEN)
        .map(|(at, _)| {
            let rest = &page.body[at + OPEN.len()..];
            let end = rest
                .find("</script>")
                .unwrap_or_else(|| panic!("{path}: unterminated JSON-LD block"));
            serde_json::from_str(&rest[..end]).unwrap_or_else(|e| {
                panic!(
                    "{path}: a JSON-LD block is not JSON ({e}):\n{}",
                    &rest[..end]
                )
            })
        })
        .collect()
}

/// The JSON-LD blocks of `@type` `kind`.
fn blocks_of<'a>(blocks: &'a [Value], kind: &str) -> Vec<&'a Value> {
    blocks.iter().filter(|b| b["@type"] == kind).collect()
}

#[track_caller]
fn one_block<'a>(blocks: &'a [Value], kind: &str, path: &str) -> &'a Value {
    let found = blocks_of(blocks, kind);
    assert_eq!(
        found.len(),
        1,
        "{path}: expected one {kind} block in {blocks:#?}"
    );
    found[0]
}

#[track_caller]
fn string_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| panic!("expected a non-empty string at {pointer} in {value:#}"))
}

/// The `href` of every `<a>`.
fn anchors(html: &str) -> Vec<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|mut a| a.remove("href"))
        .collect()
}

// ---------------------------------------------------------------------------------
// Requests and data.
// ---------------------------------------------------------------------------------

/// The path of an absolute URL on the app; panics for any other URL.
#[track_caller]
fn site_path(app: &TestApp, url: &str) -> String {
    let path = url
        .strip_prefix(&app.address)
        .unwrap_or_else(|| panic!("{url:?} is not an absolute URL on {}", app.address));
    assert!(path.starts_with('/'), "{url:?}");
    path.to_owned()
}

/// GETs many paths, a few at a time.
async fn get_all(app: &TestApp, paths: &[String]) -> Vec<Page> {
    let mut pages = Vec::with_capacity(paths.len());
    for batch in paths.chunks(6) {
        pages.extend(join_all(batch.iter().map(|p| app.get(p))).await);
    }
    pages
}

fn execute(app: &TestApp, sql: &str) -> usize {
    diesel::sql_query(sql)
        .execute(&mut app.conn())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn insert_article(app: &TestApp, slug: &str, title: &str) {
    let now = Utc::now();
    repo::articles::insert(
        &mut app.conn(),
        &NewArticle {
            slug: Slug::parse(slug).unwrap(),
            title: title.to_owned(),
            summary: format!("All about {title}."),
            body_markdown: format!("## Why\n\n{}", "word ".repeat(300)),
            author_name: "Jana Voss".to_owned(),
            tags: vec!["career".to_owned()],
            published_at: Some(now - Duration::days(3)),
            updated_at: now - Duration::days(1),
        },
    )
    .unwrap()
    .expect("new article");
}

/// Every URL of every sitemap the index lists, by sitemap URL.
async fn sitemap_urls(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let index = app.get("/sitemap.xml").await;
    assert_eq!(index.status, 200);
    let index = parse_xml("/sitemap.xml", &index.body);
    let mut out = BTreeMap::new();
    for sitemap in index.all("sitemap") {
        let loc = sitemap.text_of("loc").to_owned();
        let page = app.get(&site_path(app, &loc)).await;
        assert_eq!(page.status, 200, "{loc}");
        let urlset = parse_xml(&loc, &page.body);
        assert_eq!(urlset.name, "urlset", "{loc}");
        let locs = urlset
            .all("url")
            .map(|u| u.text_of("loc").to_owned())
            .collect();
        out.insert(loc, locs);
    }
    out
}

fn all_sitemap_urls(sitemaps: &BTreeMap<String, Vec<String>>) -> HashSet<&str> {
    sitemaps.values().flatten().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------
// robots.txt and sitemaps
// ---------------------------------------------------------------------------------

#[actix_web::test]
async fn robots_txt_disallows_the_admin_area_and_names_the_absolute_sitemap_url() {
    let app = spawn_app().await;

    let robots = app.get("/robots.txt").await;

    assert_eq!(robots.status, 200);
    let content_type = robots.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let lines: Vec<&str> = robots.body.lines().map(str::trim).collect();
    assert!(lines.contains(&"User-agent: *"), "{}", robots.body);
    assert!(lines.contains(&"Disallow: /admin"), "{}", robots.body);
    assert!(
        lines.contains(&format!("Sitemap: {}/sitemap.xml", app.address).as_str()),
        "{}",
        robots.body
    );
}

#[actix_web::test]
async fn the_sitemap_index_lists_every_sitemap_with_absolute_locations_and_rfc3339_dates() {
    let app = spawn_app().await;
    app.seed_demo();

    let page = app.get("/sitemap.xml").await;

    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap_or_default()
            .starts_with("application/xml"),
        "{:?}",
        page.header("content-type")
    );
    let index = parse_xml("/sitemap.xml", &page.body);
    assert_eq!(index.name, "sitemapindex");
    assert_eq!(index.attr("xmlns"), Some(SITEMAP_NS));
    let mut locs = Vec::new();
    for sitemap in index.all("sitemap") {
        let loc = sitemap.text_of("loc");
        assert!(
            loc.starts_with(&format!("{}/sitemaps/", app.address)),
            "not absolute: {loc}"
        );
        rfc3339(loc, sitemap.text_of("lastmod"));
        locs.push(site_path(&app, loc));
    }
    assert!(locs.contains(&"/sitemaps/pages.xml".to_owned()), "{locs:?}");
    assert!(
        locs.contains(&"/sitemaps/articles.xml".to_owned()),
        "{locs:?}"
    );
    assert!(
        locs.contains(&"/sitemaps/companies-1.xml".to_owned()),
        "{locs:?}"
    );
    assert!(
        locs.contains(&"/sitemaps/jobs-1.xml".to_owned()),
        "{locs:?}"
    );
    assert_eq!(
        index.children.len(),
        locs.len(),
        "only <sitemap> entries in the index"
    );
}

#[actix_web::test]
async fn every_sitemap_url_is_absolute_dated_unique_within_the_limit_and_answers_200() {
    let app = spawn_app().await;
    app.seed_demo();

    let index = parse_xml("/sitemap.xml", &app.get("/sitemap.xml").await.body);
    let mut every_path = Vec::new();
    let mut seen = HashSet::new();
    for sitemap in index.all("sitemap") {
        let loc = sitemap.text_of("loc");
        let page = app.get(&site_path(&app, loc)).await;
        assert_eq!(page.status, 200, "{loc}");
        let urlset = parse_xml(loc, &page.body);
        assert_eq!(urlset.name, "urlset", "{loc}");
        assert_eq!(urlset.attr("xmlns"), Some(SITEMAP_NS), "{loc}");
        let urls: Vec<&Element> = urlset.all("url").collect();
        assert!(!urls.is_empty(), "{loc} lists nothing");
        assert!(urls.len() <= 50_000, "{loc} lists {} URLs", urls.len());
        for url in urls {
            let u = url.text_of("loc");
            rfc3339(u, url.text_of("lastmod"));
            assert!(seen.insert(u.to_owned()), "{u} is listed twice");
            every_path.push(site_path(&app, u));
        }
    }

    let pages = get_all(&app, &every_path).await;

    let failing: Vec<String> = every_path
        .iter()
        .zip(&pages)
        .filter(|(_, page)| page.status != 200)
        .map(|(path, page)| format!("{path} → {}", page.status))
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {} sitemap URLs do not answer 200: {failing:#?}",
        failing.len(),
        every_path.len()
    );
    assert!(
        every_path.len() > 100,
        "the demo data should give a sizeable sitemap, got {}",
        every_path.len()
    );
}

#[actix_web::test]
async fn sitemaps_list_open_jobs_but_not_closed_expired_or_draft_ones() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Open Rust Engineer").slug("open-one"));
    app.insert(
        JobBuilder::new("Closed Rust Engineer")
            .slug("closed-one")
            .status(JobStatus::Closed),
    );
    app.insert(
        JobBuilder::new("Expired Rust Engineer")
            .slug("expired-one")
            .expired(),
    );
    app.insert(
        JobBuilder::new("Draft Rust Engineer")
            .slug("draft-one")
            .status(JobStatus::Draft),
    );

    let sitemaps = sitemap_urls(&app).await;

    let urls = all_sitemap_urls(&sitemaps);
    assert!(
        urls.contains(format!("{}/jobs/open-one", app.address).as_str()),
        "{sitemaps:#?}"
    );
    for absent in ["closed-one", "expired-one", "draft-one"] {
        assert!(
            !urls.contains(format!("{}/jobs/{absent}", app.address).as_str()),
            "{absent} must not be in a sitemap: {sitemaps:#?}"
        );
    }
}

#[actix_web::test]
async fn a_deleted_job_leaves_the_sitemap_and_its_page_answers_410() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Staying Engineer").slug("staying"));
    app.insert(JobBuilder::new("Leaving Engineer").slug("leaving"));
    let leaving = format!("{}/jobs/leaving", app.address);
    assert!(all_sitemap_urls(&sitemap_urls(&app).await).contains(leaving.as_str()));

    assert_eq!(execute(&app, "DELETE FROM jobs WHERE slug = 'leaving'"), 1);
    let sitemaps = sitemap_urls(&app).await;
    let page = app.get("/jobs/leaving").await;

    let urls = all_sitemap_urls(&sitemaps);
    assert!(!urls.contains(leaving.as_str()), "{sitemaps:#?}");
    assert!(
        urls.contains(format!("{}/jobs/staying", app.address).as_str()),
        "{sitemaps:#?}"
    );
    assert_eq!(page.status, 410);
}

#[actix_web::test]
async fn a_sitemap_index_lastmod_is_never_older_than_the_urls_in_its_file() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    insert_article(&app, "career-guide", "Career guide");
    // The company row last changed two days ago; a job posted yesterday changed its
    // page (and its sitemap entry) since.
    execute(
        &app,
        "UPDATE companies SET updated_at = now() - interval '2 days' WHERE slug = 'acme'",
    );
    app.insert(JobBuilder::new("Fresh Rust Engineer").posted(Utc::now() - Duration::days(1)));

    let index = parse_xml("/sitemap.xml", &app.get("/sitemap.xml").await.body);

    for sitemap in index.all("sitemap") {
        let loc = sitemap.text_of("loc");
        let file_lastmod = rfc3339(loc, sitemap.text_of("lastmod"));
        let urlset = parse_xml(loc, &app.get(&site_path(&app, loc)).await.body);
        for url in urlset.all("url") {
            let url_lastmod = rfc3339(url.text_of("loc"), url.text_of("lastmod"));
            assert!(
                url_lastmod <= file_lastmod,
                "{loc} is dated {file_lastmod} in the index, but its entry {} changed at {url_lastmod}",
                url.text_of("loc")
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// JSON-LD
// ---------------------------------------------------------------------------------

#[actix_web::test]
async fn an_open_job_page_describes_the_job_as_a_job_posting() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let id = app.insert(
        JobBuilder::new("Senior Rust Engineer")
            .slug("senior-rust")
            .salary(70_000, 90_000)
            .city("Berlin"),
    );

    let page = app.get("/jobs/senior-rust").await;

    assert_eq!(page.status, 200);
    let blocks = json_ld(&page, "/jobs/senior-rust");
    let posting = one_block(&blocks, "JobPosting", "/jobs/senior-rust");
    assert_eq!(posting["@context"], "https://schema.org");
    assert_eq!(posting["title"], "Senior Rust Engineer");
    assert!(
        string_at(posting, "/description").contains("Senior Rust Engineer"),
        "{posting:#}"
    );
    let posted = rfc3339("datePosted", string_at(posting, "/datePosted"));
    let valid = rfc3339("validThrough", string_at(posting, "/validThrough"));
    assert!(posted < valid, "{posting:#}");
    assert_eq!(posting["employmentType"], "FULL_TIME");
    assert_eq!(posting["hiringOrganization"]["name"], "Acme Software");
    assert_eq!(posting["identifier"]["value"], id.to_string());
    string_at(posting, "/identifier/name");
    assert_eq!(posting["baseSalary"]["currency"], "EUR");
    assert_eq!(posting["baseSalary"]["value"]["minValue"], 70_000);
    assert_eq!(posting["baseSalary"]["value"]["maxValue"], 90_000);
    assert_eq!(posting["baseSalary"]["value"]["unitText"], "YEAR");
    assert_eq!(
        posting["jobLocation"]["address"]["addressLocality"],
        "Berlin"
    );
    assert_eq!(posting["jobLocation"]["address"]["addressCountry"], "DE");
    assert!(posting.get("jobLocationType").is_none(), "{posting:#}");
    assert_eq!(
        posting["url"],
        format!("{}/jobs/senior-rust", app.address).as_str()
    );
}

#[actix_web::test]
async fn a_remote_job_posting_is_telecommute_with_the_countries_applicants_may_live_in() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Remote Go Engineer")
            .slug("remote-go")
            .remote(&["DE", "AT"]),
    );

    let page = app.get("/jobs/remote-go").await;

    let blocks = json_ld(&page, "/jobs/remote-go");
    let posting = one_block(&blocks, "JobPosting", "/jobs/remote-go");
    assert_eq!(posting["jobLocationType"], "TELECOMMUTE");
    let countries: Vec<&str> = posting["applicantLocationRequirements"]
        .as_array()
        .unwrap_or_else(|| panic!("applicantLocationRequirements: {posting:#}"))
        .iter()
        .map(|c| {
            assert_eq!(c["@type"], "Country");
            c["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(countries, ["DE", "AT"]);
}

#[actix_web::test]
async fn closed_and_expired_jobs_keep_their_breadcrumbs_but_lose_the_job_posting() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Closed Engineer")
            .slug("closed-engineer")
            .status(JobStatus::Closed),
    );
    app.insert(
        JobBuilder::new("Expired Engineer")
            .slug("expired-engineer")
            .expired(),
    );
    app.insert(JobBuilder::new("Open Engineer").slug("open-engineer"));

    for (path, open) in [
        ("/jobs/closed-engineer", false),
        ("/jobs/expired-engineer", false),
        ("/jobs/open-engineer", true),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let blocks = json_ld(&page, path);
        assert_eq!(
            blocks_of(&blocks, "JobPosting").len(),
            usize::from(open),
            "{path}: {blocks:#?}"
        );
        one_block(&blocks, "BreadcrumbList", path);
    }
}

#[actix_web::test]
async fn an_article_page_describes_the_article() {
    let app = spawn_app().await;
    insert_article(&app, "salary-guide", "Salary guide");

    let page = app.get("/articles/salary-guide").await;

    assert_eq!(page.status, 200);
    let blocks = json_ld(&page, "/articles/salary-guide");
    let article = one_block(&blocks, "Article", "/articles/salary-guide");
    assert_eq!(article["headline"], "Salary guide");
    assert_eq!(article["description"], "All about Salary guide.");
    let image = article["image"]
        .as_array()
        .and_then(|images| images.first())
        .and_then(Value::as_str)
        .or_else(|| article["image"].as_str())
        .unwrap_or_else(|| panic!("image: {article:#}"));
    assert!(image.starts_with(&format!("{}/", app.address)), "{image}");
    let published = rfc3339("datePublished", string_at(article, "/datePublished"));
    let modified = rfc3339("dateModified", string_at(article, "/dateModified"));
    assert!(published <= modified, "{article:#}");
    assert_eq!(article["author"]["name"], "Jana Voss");
}

#[actix_web::test]
async fn the_home_page_describes_the_website_with_its_job_search_and_the_organization() {
    let app = spawn_app().await;

    let page = app.get("/").await;

    let blocks = json_ld(&page, "/");
    let website = one_block(&blocks, "WebSite", "/");
    let template = string_at(website, "/potentialAction/target/urlTemplate");
    assert!(
        template.contains("/jobs?q={search_term_string}"),
        "{template}"
    );
    assert!(template.starts_with(&app.address), "{template}");
    assert_eq!(
        website["potentialAction"]["query-input"],
        "required name=search_term_string"
    );
    let organization = one_block(&blocks, "Organization", "/");
    string_at(organization, "/name");
    assert!(
        string_at(organization, "/logo").starts_with(&app.address),
        "{organization:#}"
    );
}

#[actix_web::test]
async fn breadcrumb_lists_use_absolute_urls_and_match_the_visible_trail() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer").slug("rust-engineer"));
    insert_article(&app, "cv-tips", "CV tips");

    for path in [
        "/jobs",
        "/jobs/rust-engineer",
        "/companies",
        "/companies/acme",
        "/articles",
        "/articles/cv-tips",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let blocks = json_ld(&page, path);
        let list = one_block(&blocks, "BreadcrumbList", path);
        let items = list["itemListElement"].as_array().expect("items");
        assert!(items.len() >= 2, "{path}: {list:#}");
        for (i, item) in items.iter().enumerate() {
            assert_eq!(item["position"], i + 1, "{path}: {list:#}");
            string_at(item, "/name");
            let url = string_at(item, "/item");
            assert!(
                url.starts_with(&format!("{}/", app.address)),
                "{path}: breadcrumb {url} is not absolute"
            );
        }
        assert_eq!(items[0]["item"], format!("{}/", app.address).as_str());
        assert_eq!(
            items.last().unwrap()["item"],
            format!("{}{path}", app.address).as_str(),
            "{path}: the last crumb is the page itself"
        );
        let visible = page
            .body
            .split("<nav class=\"breadcrumbs\"")
            .nth(1)
            .and_then(|nav| nav.split("</nav>").next())
            .unwrap_or_else(|| panic!("{path}: no visible breadcrumbs"));
        assert_eq!(visible.matches("<li>").count(), items.len(), "{path}");
    }
}

#[actix_web::test]
async fn a_hostile_job_title_cannot_break_out_of_the_json_ld_block() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let hostile = "Rust Engineer </script><script>alert(1)</script>";
    app.insert(JobBuilder::new(hostile).slug("hostile"));

    let page = app.get("/jobs/hostile").await;

    assert_eq!(page.status, 200);
    page.assert_lacks("<script>alert(1)");
    let blocks = json_ld(&page, "/jobs/hostile");
    assert_eq!(
        page.body.matches("<script").count(),
        blocks.len(),
        "every <script> element is a JSON-LD block"
    );
    let posting = one_block(&blocks, "JobPosting", "/jobs/hostile");
    assert_eq!(posting["title"], hostile);
    let crumbs = one_block(&blocks, "BreadcrumbList", "/jobs/hostile");
    assert_eq!(
        crumbs["itemListElement"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["name"],
        hostile
    );
}

// ---------------------------------------------------------------------------------
// Head tags
// ---------------------------------------------------------------------------------

#[actix_web::test]
async fn every_public_page_has_one_title_a_description_a_self_canonical_and_social_tags() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    for i in 0..25 {
        app.insert(
            JobBuilder::new(&format!("Engineer {i:02}")).posted(Utc::now() - Duration::minutes(i)),
        );
    }
    insert_article(&app, "interview-tips", "Interview tips");

    for path in [
        "/",
        "/jobs",
        "/jobs?page=2",
        "/jobs/engineer-00",
        "/companies",
        "/companies/acme",
        "/articles",
        "/articles/interview-tips",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let url = format!("{}{path}", app.address);

        assert!(!title_of(&page, path).trim().is_empty(), "{path}");
        assert!(
            !one_meta(&page, path, "name", "description")
                .trim()
                .is_empty(),
            "{path}"
        );
        assert_eq!(link_href(&page, path, "canonical"), Some(url.clone()));
        assert!(robots_meta(&page).is_none(), "{path} must be indexable");
        assert!(!one_meta(&page, path, "property", "og:title").is_empty());
        assert!(!one_meta(&page, path, "property", "og:description").is_empty());
        assert_eq!(one_meta(&page, path, "property", "og:url"), url);
        let image = one_meta(&page, path, "property", "og:image");
        assert!(
            image.starts_with(&format!("{}/", app.address)),
            "{path}: og:image {image} is not absolute"
        );
        assert!(!one_meta(&page, path, "name", "twitter:card").is_empty());
    }
}

#[actix_web::test]
async fn the_second_listing_page_is_canonical_to_itself_and_links_both_neighbours() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    for i in 0..45 {
        app.insert(
            JobBuilder::new(&format!("Engineer number {i:02}"))
                .posted(Utc::now() - Duration::minutes(i)),
        );
    }

    let page = app.get("/jobs?page=2").await;

    assert_eq!(page.status, 200);
    let a = &app.address;
    assert_eq!(
        link_href(&page, "/jobs?page=2", "canonical"),
        Some(format!("{a}/jobs?page=2"))
    );
    assert_eq!(
        link_href(&page, "/jobs?page=2", "prev"),
        Some(format!("{a}/jobs"))
    );
    assert_eq!(
        link_href(&page, "/jobs?page=2", "next"),
        Some(format!("{a}/jobs?page=3"))
    );
    assert!(robots_meta(&page).is_none());
}

#[actix_web::test]
async fn a_filtered_job_list_may_be_followed_but_not_indexed() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer").technologies(&["rust"]));

    let filtered = app.get("/jobs?technology=rust&seniority=senior").await;
    let plain = app.get("/jobs").await;

    assert_eq!(filtered.status, 200);
    assert_eq!(robots_meta(&filtered).as_deref(), Some("noindex,follow"));
    assert_eq!(robots_meta(&plain), None);
}

// ---------------------------------------------------------------------------------
// Redirects to the one normal URL, 410 and 404
// ---------------------------------------------------------------------------------

#[track_caller]
fn assert_moved(page: &Page, from: &str, to: &str) {
    assert_eq!(page.status, 301, "{from} should redirect permanently");
    assert_eq!(page.header("location"), Some(to), "{from}");
}

#[actix_web::test]
async fn listing_queries_redirect_permanently_to_their_normal_form() {
    let app = spawn_app().await;
    basic_fixtures(&app);

    for (from, to) in [
        (
            "/jobs?seniority=mid&city=Berlin&technology=rust",
            "/jobs?technology=rust&city=Berlin&seniority=mid",
        ),
        ("/jobs?page=1", "/jobs"),
        ("/jobs?city=&q=", "/jobs"),
        ("/articles?page=1", "/articles"),
    ] {
        let page = app.get(from).await;
        assert_moved(&page, from, to);
        assert_eq!(app.get(to).await.status, 200, "{to}");
    }
}

#[actix_web::test]
async fn capitals_and_trailing_slashes_redirect_to_the_lower_case_path_keeping_the_query() {
    let app = spawn_app().await;

    for (from, to) in [
        ("/Jobs", "/jobs"),
        ("/jobs/", "/jobs"),
        ("/Jobs?technology=rust", "/jobs?technology=rust"),
        ("/jobs/?technology=rust", "/jobs?technology=rust"),
    ] {
        let page = app.get(from).await;
        assert_moved(&page, from, to);
    }
}

#[actix_web::test]
async fn a_renamed_job_slug_redirects_permanently_to_the_new_slug() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Some Engineer").slug("old-slug"));

    execute(
        &app,
        "UPDATE jobs SET slug = 'new-slug' WHERE slug = 'old-slug'",
    );
    let old = app.get("/jobs/old-slug").await;
    let new = app.get("/jobs/new-slug").await;

    assert_moved(&old, "/jobs/old-slug", "/jobs/new-slug");
    assert_eq!(new.status, 200);
}

#[actix_web::test]
async fn a_renamed_article_slug_redirects_permanently_to_the_new_slug() {
    let app = spawn_app().await;
    insert_article(&app, "old-article", "Some article");

    execute(
        &app,
        "UPDATE articles SET slug = 'new-article' WHERE slug = 'old-article'",
    );
    let old = app.get("/articles/old-article").await;
    let new = app.get("/articles/new-article").await;

    assert_moved(&old, "/articles/old-article", "/articles/new-article");
    assert_eq!(new.status, 200);
}

#[actix_web::test]
async fn a_deleted_article_answers_410_in_the_site_layout() {
    let app = spawn_app().await;
    insert_article(&app, "short-lived", "Short-lived article");

    assert_eq!(
        execute(&app, "DELETE FROM articles WHERE slug = 'short-lived'"),
        1
    );
    let page = app.get("/articles/short-lived").await;

    assert_eq!(page.status, 410);
    page.assert_contains("<header class=\"site-header\">");
    page.assert_contains("This page has been removed");
    assert_eq!(robots_meta(&page).as_deref(), Some("noindex"));
}

#[actix_web::test]
async fn an_unknown_path_answers_404() {
    let app = spawn_app().await;

    let page = app.get("/no/such/page").await;

    assert_eq!(page.status, 404);
    page.assert_contains("<header class=\"site-header\">");
}

// ---------------------------------------------------------------------------------
// Atom feeds
// ---------------------------------------------------------------------------------

/// Fetches and checks a feed at `path`; returns its root element.
async fn atom_feed(app: &TestApp, path: &str) -> Element {
    let page = app.get(path).await;
    assert_eq!(page.status, 200, "{path}");
    let content_type = page.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{path}: {content_type}"
    );
    let feed = parse_xml(path, &page.body);
    assert_eq!(feed.name, "feed", "{path}");
    assert_eq!(feed.attr("xmlns"), Some(ATOM_NS), "{path}");
    assert!(!feed.text_of("id").is_empty(), "{path}");
    assert!(!feed.text_of("title").is_empty(), "{path}");
    rfc3339(path, feed.text_of("updated"));
    let self_links: Vec<_> = feed
        .all("link")
        .filter(|l| l.attr("rel") == Some("self"))
        .collect();
    assert_eq!(self_links.len(), 1, "{path}: one self link");
    assert_eq!(
        self_links[0].attr("href"),
        Some(format!("{}{path}", app.address).as_str()),
        "{path}: the self link is the feed's own URL"
    );
    for entry in feed.all("entry") {
        let id = entry.text_of("id");
        assert!(!id.is_empty(), "{path}");
        assert!(!entry.text_of("title").is_empty(), "{path}: {id}");
        rfc3339(id, entry.text_of("updated"));
        let href = entry
            .all("link")
            .find(|l| matches!(l.attr("rel"), None | Some("alternate")))
            .and_then(|l| l.attr("href"))
            .unwrap_or_else(|| panic!("{path}: entry {id} has no link"));
        assert!(
            href.starts_with(&format!("{}/", app.address)),
            "{path}: {href} is not absolute"
        );
    }
    feed
}

fn entry_titles(feed: &Element) -> Vec<String> {
    feed.all("entry")
        .map(|e| e.text_of("title").to_owned())
        .collect()
}

#[actix_web::test]
async fn the_job_feed_is_atom_with_the_open_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Open Rust Engineer").slug("open-rust"));
    app.insert(
        JobBuilder::new("Closed Go Engineer")
            .slug("closed-go")
            .status(JobStatus::Closed),
    );

    let feed = atom_feed(&app, "/jobs/feed.xml").await;

    assert_eq!(entry_titles(&feed), ["Open Rust Engineer at Acme Software"]);
    let entry = feed.one("entry");
    assert_eq!(
        entry.text_of("id"),
        format!("{}/jobs/open-rust", app.address)
    );
}

#[actix_web::test]
async fn the_article_feed_is_atom_with_the_published_articles() {
    let app = spawn_app().await;
    insert_article(&app, "first-guide", "First guide");
    insert_article(&app, "second-guide", "Second guide");

    let feed = atom_feed(&app, "/articles/feed.xml").await;

    let mut titles = entry_titles(&feed);
    titles.sort();
    assert_eq!(titles, ["First guide", "Second guide"]);
    for entry in feed.all("entry") {
        assert_eq!(entry.one("content").attr("type"), Some("html"));
        assert!(
            entry.text_of("content").contains("<h2>Why</h2>"),
            "the HTML content round-trips: {entry:#?}"
        );
    }
}

#[actix_web::test]
async fn a_filtered_job_feed_holds_only_the_matching_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust One").technologies(&["rust"]));
    app.insert(JobBuilder::new("Rust Two").technologies(&["rust", "go"]));
    app.insert(JobBuilder::new("Go Only").technologies(&["go"]));

    let feed = atom_feed(&app, "/jobs/feed.xml?technology=rust").await;

    let mut titles = entry_titles(&feed);
    titles.sort();
    assert_eq!(
        titles,
        ["Rust One at Acme Software", "Rust Two at Acme Software"]
    );
}

#[actix_web::test]
async fn pages_link_their_atom_feed_as_an_alternate() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust One").technologies(&["rust"]));

    for (path, feed) in [
        ("/", "/jobs/feed.xml"),
        ("/jobs", "/jobs/feed.xml"),
        ("/technologies/rust", "/jobs/feed.xml?technology=rust"),
        ("/articles", "/articles/feed.xml"),
    ] {
        let page = app.get(path).await;
        let alternates: Vec<_> = links(&page.body, "alternate")
            .into_iter()
            .filter(|l| l.get("type").map(String::as_str) == Some("application/atom+xml"))
            .collect();
        assert_eq!(alternates.len(), 1, "{path}: {alternates:?}");
        assert_eq!(
            alternates[0]["href"],
            format!("{}{feed}", app.address),
            "{path}"
        );
        assert!(
            !alternates[0]
                .get("title")
                .map(String::as_str)
                .unwrap_or_default()
                .is_empty(),
            "{path}: the feed link has a title"
        );
        atom_feed(&app, feed).await;
    }
}

#[actix_web::test]
async fn markup_in_a_job_title_is_escaped_in_the_feed() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust <b>& Go Engineer").slug("markup"));

    let page = app.get("/jobs/feed.xml").await;
    let feed = atom_feed(&app, "/jobs/feed.xml").await;

    page.assert_lacks("<b>");
    page.assert_lacks("<b>&");
    assert_eq!(
        entry_titles(&feed),
        ["Rust <b>& Go Engineer at Acme Software"]
    );
}

// ---------------------------------------------------------------------------------
// HTTP validators, HEAD and compression
// ---------------------------------------------------------------------------------

#[actix_web::test]
async fn pages_and_feeds_answer_304_when_their_etag_matches() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer").slug("rust-engineer"));
    insert_article(&app, "a-guide", "A guide");

    for path in [
        "/",
        "/jobs",
        "/jobs/rust-engineer",
        "/articles/a-guide",
        "/jobs/feed.xml",
        "/articles/feed.xml",
    ] {
        let first = app.get(path).await;
        let etag = first
            .header("etag")
            .unwrap_or_else(|| panic!("{path} has no ETag"))
            .to_owned();

        let again = app.get_with(path, &[("If-None-Match", &etag)]).await;
        let other = app
            .get_with(path, &[("If-None-Match", "W/\"0000000000000000\"")])
            .await;

        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{path}");
        assert_eq!(other.status, 200, "{path}: another ETag gets the page");
    }
}

#[actix_web::test]
async fn a_job_page_answers_304_when_not_modified_since_its_last_modified() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer").slug("rust-engineer"));

    let first = app.get("/jobs/rust-engineer").await;
    let last_modified = first
        .header("last-modified")
        .expect("Last-Modified on a job page")
        .to_owned();
    let at = DateTime::parse_from_rfc2822(&last_modified).expect("an HTTP date");
    let earlier = (at - Duration::hours(1))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();

    let unchanged = app
        .get_with(
            "/jobs/rust-engineer",
            &[("If-Modified-Since", &last_modified)],
        )
        .await;
    let changed = app
        .get_with("/jobs/rust-engineer", &[("If-Modified-Since", &earlier)])
        .await;

    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
    assert_eq!(changed.status, 200);
}

#[actix_web::test]
async fn head_requests_answer_200_without_a_body() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer").slug("rust-engineer"));

    for path in [
        "/",
        "/jobs",
        "/jobs/rust-engineer",
        "/sitemap.xml",
        "/robots.txt",
    ] {
        let mut response = app
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("HEAD {path}: {e}"));
        let body = response.body().await.expect("body");

        assert_eq!(response.status().as_u16(), 200, "HEAD {path}");
        assert!(body.is_empty(), "HEAD {path} sent {} bytes", body.len());
    }
}

#[actix_web::test]
async fn responses_are_compressed_with_the_encoding_the_client_accepts() {
    let app = spawn_app().await;

    let brotli = app.get_with("/", &[("Accept-Encoding", "br")]).await;
    let gzip = app.get_with("/", &[("Accept-Encoding", "gzip")]).await;
    let identity = app.get_with("/", &[("Accept-Encoding", "identity")]).await;

    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(identity.header("content-encoding"), None);
    assert!(identity.body.contains("<!doctype html>"));
}

// ---------------------------------------------------------------------------------
// A crawl of the demo site
// ---------------------------------------------------------------------------------

/// Listing pages beyond this number are not followed, to keep the crawl bounded.
const CRAWL_MAX_PAGE_NUMBER: u32 = 3;
const CRAWL_CAP: usize = 600;

/// The site path a link points at, or `None` when the crawl should not follow it.
fn crawlable(app: &TestApp, href: &str) -> Option<String> {
    let path = if let Some(rest) = href.strip_prefix(&app.address) {
        rest
    } else if href.starts_with('/') && !href.starts_with("//") {
        href
    } else {
        return None; // mailto:, external, fragment-only, relative
    };
    let path = path.split('#').next().unwrap_or_default();
    if path.is_empty() || path.starts_with("/static/") {
        return None;
    }
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let deep = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .iter()
        .any(|(k, v)| k == "page" && v.parse::<u32>().is_ok_and(|n| n > CRAWL_MAX_PAGE_NUMBER));
    (!deep).then(|| path.to_owned())
}

#[actix_web::test]
async fn a_crawl_of_the_demo_site_finds_no_broken_links_and_no_duplicate_titles() {
    let app = spawn_app().await;
    app.seed_demo();

    let mut queue: VecDeque<String> = VecDeque::from(["/".to_owned()]);
    let mut found_on: HashMap<String, String> = HashMap::from([("/".to_owned(), "-".to_owned())]);
    let mut crawled: Vec<String> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    let mut titles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while !queue.is_empty() && crawled.len() < CRAWL_CAP {
        let take = queue.len().min(6).min(CRAWL_CAP - crawled.len());
        let batch: Vec<String> = queue.drain(..take).collect();
        let pages = join_all(batch.iter().map(|p| app.get(p))).await;
        for (path, page) in batch.into_iter().zip(pages) {
            crawled.push(path.clone());
            let from = &found_on[&path];
            let (path, page) = if (300..400).contains(&page.status) {
                let location = page.header("location").unwrap_or_default().to_owned();
                let target = location
                    .strip_prefix(&app.address)
                    .unwrap_or(&location)
                    .to_owned();
                let followed = app.get(&target).await;
                if followed.status != 200 {
                    broken.push(format!(
                        "{path} (linked from {from}) → {} {location} → {}",
                        page.status, followed.status
                    ));
                    continue;
                }
                (target, followed)
            } else {
                (path, page)
            };
            if page.status != 200 {
                broken.push(format!("{path} (linked from {from}) → {}", page.status));
                continue;
            }
            if !page
                .header("content-type")
                .unwrap_or_default()
                .starts_with("text/html")
            {
                continue;
            }
            let indexable = robots_meta(&page).is_none_or(|r| !r.contains("noindex"));
            if indexable {
                titles
                    .entry(title_of(&page, &path))
                    .or_default()
                    .insert(path.clone());
            }
            for href in anchors(&page.body) {
                if let Some(next) = crawlable(&app, &href)
                    && !found_on.contains_key(&next)
                {
                    found_on.insert(next.clone(), path.clone());
                    queue.push_back(next);
                }
            }
        }
    }

    let n = crawled.len();
    assert!(
        broken.is_empty(),
        "{} broken links among {n} crawled pages: {broken:#?}",
        broken.len()
    );
    let duplicates: Vec<_> = titles.iter().filter(|(_, paths)| paths.len() > 1).collect();
    assert!(
        duplicates.is_empty(),
        "{} titles are shared by several indexable pages ({n} pages crawled): {duplicates:#?}",
        duplicates.len()
    );
    for prefix in ["/jobs/", "/companies/", "/articles/"] {
        let reached = crawled
            .iter()
            .filter(|p| p.starts_with(prefix) && !p.ends_with(".xml"))
            .count();
        assert!(
            reached > 0,
            "the crawl of {n} pages reached no page under {prefix}"
        );
    }
    eprintln!(
        "crawled {n} pages, {} still queued, {} indexable titles",
        queue.len(),
        titles.len()
    );
}
