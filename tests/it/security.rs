//! Security headers, escaping of hostile content, caching policies.

use crate::helpers::{JobBuilder, basic_fixtures, spawn_app};
use jobboard::domain::company::NewCompany;
use jobboard::domain::slug::Slug;
use jobboard::repo;

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;

    for path in ["/", "/jobs", "/no-such-page", "/jobs?page=abc", "/healthz"] {
        let page = app.get(path).await;
        let csp = page
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {path}"));
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            page.header("referrer-policy"),
            Some("strict-origin-when-cross-origin"),
            "{path}"
        );
        assert!(
            page.header("server").is_none(),
            "no server banner on {path}"
        );
        assert!(
            page.header("x-request-id").is_some(),
            "request id on {path}"
        );
    }
}

#[actix_web::test]
async fn html_is_revalidated_and_static_files_are_cached_for_a_year() {
    let app = spawn_app().await;

    let home = app.get("/").await;
    let stylesheet = home
        .body
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link")
        .to_owned();
    let css = app.get(&stylesheet).await;

    assert_eq!(home.header("cache-control"), Some("no-cache"));
    assert!(
        stylesheet.starts_with("/static/css/site.") && stylesheet.ends_with(".css"),
        "{stylesheet}"
    );
    assert_ne!(
        stylesheet, "/static/css/site.css",
        "the URL carries a fingerprint"
    );
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        css.header("content-type")
            .unwrap_or_default()
            .starts_with("text/css")
    );
    assert_eq!(
        app.get("/static/css/site.00000000.css").await.status,
        404,
        "unknown fingerprints are 404"
    );
}

#[actix_web::test]
async fn responses_are_compressed_when_the_client_asks() {
    let app = spawn_app().await;

    let page = app.get_with("/jobs", &[("accept-encoding", "gzip")]).await;

    assert_eq!(page.header("content-encoding"), Some("gzip"));
}

#[actix_web::test]
async fn hostile_job_content_never_runs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("<script>alert('title')</script> Engineer")
            .slug("hostile-job")
            .city("<img src=x onerror=alert(1)>")
            .description(
                "Hello <script>alert('desc')</script>\n\n[click me](javascript:alert('link'))\n\n\
                 <a href=\"JAVASCRIPT:alert(2)\">upper</a>\n\n<img src=\"x\" onerror=\"alert('img')\">\n\n\
                 <div onmouseover=\"alert('hover')\">hover</div>\n\n<iframe src=\"https://evil.example\"></iframe>",
            ),
    );

    for path in ["/jobs/hostile-job", "/jobs", "/"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let lower = page.body.to_lowercase();
        assert!(!lower.contains("<script>alert"), "script tag on {path}");
        assert!(!lower.contains("javascript:"), "javascript: link on {path}");
        // Escaped text may still spell "onerror=", but never inside a real tag.
        assert!(!lower.contains("onerror=\""), "event handler on {path}");
        assert!(!lower.contains("onmouseover=\""), "event handler on {path}");
        assert!(!lower.contains("<iframe"), "iframe on {path}");
        assert!(!page.body.contains("<img src=x"), "raw img on {path}");
    }
    let page = app.get("/jobs/hostile-job").await;
    page.assert_contains("&#60;script&#62;alert(");
}

#[actix_web::test]
async fn hostile_company_text_is_sanitised_too() {
    let app = spawn_app().await;
    repo::companies::insert(
        &mut app.conn(),
        &NewCompany {
            slug: Slug::parse("evil").unwrap(),
            name: "Evil <b>Corp</b>".to_owned(),
            city: "Berlin".to_owned(),
            website: Some("https://evil.example".to_owned()),
            about_markdown: "We <script>steal()</script> and [link](javascript:void(0))."
                .to_owned(),
            size_band: "1-10".to_owned(),
        },
    )
    .unwrap();

    let page = app.get("/companies/evil").await;

    assert_eq!(page.status, 200);
    page.assert_contains("Evil &#60;b&#62;Corp&#60;/b&#62;");
    page.assert_lacks("<script>steal");
    assert!(!page.body.to_lowercase().contains("javascript:"));
}
