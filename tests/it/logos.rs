//! Company logos: editors upload one through the image pipeline on the company's form;
//! it shows on the company page, on job cards and on the job page, and is the
//! JobPosting's `hiringOrganization.logo`. Removing it brings the monogram back.

use crate::helpers::{AdminClient, JobBuilder, Page, TestApp, basic_fixtures, spawn_app};
use diesel::prelude::*;
use jobboard::db::schema::{audit_log, companies, images};
use jobboard::domain::editor::Role;
use serde_json::Value;
use std::time::{Duration, Instant};

/// A real PNG logo, `width`×`height`, with transparent corners (so it stays a PNG).
pub(crate) fn png_logo(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbaImage::from_fn(width, height, |x, y| {
        let corner = (x < 8 || x >= width - 8) && (y < 8 || y >= height - 8);
        if corner {
            image::Rgba([0, 0, 0, 0])
        } else {
            image::Rgba([11, 92, 173, 255])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Gives the company at `/companies/{slug}` a logo, uploaded by `editor`.
pub(crate) async fn give_logo(app: &TestApp, editor: &AdminClient, company_path: &str) {
    let slug = company_path.trim_start_matches("/companies/");
    let id: i64 = companies::table
        .filter(companies::slug.eq(slug))
        .select(companies::id)
        // Through app.conn(): the next page request waits for the change to be heard.
        .first(&mut app.conn())
        .unwrap();
    editor
        .upload(
            &format!("/admin/companies/{id}/logo"),
            "logo.png",
            "image/png",
            &png_logo(160, 160),
        )
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));
}

/// An app with the company `acme` and one open job of it, and a signed-in editor.
async fn logo_app() -> (TestApp, AdminClient, i64) {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Senior Rust Engineer")
            .slug("senior-rust-engineer")
            .company("acme")
            .technologies(&["rust"]),
    );
    let id: i64 = companies::table
        .filter(companies::slug.eq("acme"))
        .select(companies::id)
        .first(&mut app.conn())
        .unwrap();
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    (app, client, id)
}

/// The `/media/…` path of acme's logo at its largest width, from the database.
fn logo_path(app: &TestApp) -> Option<String> {
    let row: Option<(String, String, i32)> = companies::table
        .inner_join(images::table)
        .filter(companies::slug.eq("acme"))
        .select((images::base_name, images::extension, images::width))
        .first(&mut app.db.connect())
        .optional()
        .unwrap();
    row.map(|(base, ext, width)| format!("/media/{base}-{width}.{ext}"))
}

/// Fetches `path` until `ready` holds (changes reach the pages through the content
/// notification and the one-second page cache), at most three seconds.
async fn page_when(app: &TestApp, path: &str, ready: impl Fn(&Page) -> bool) -> Page {
    let started = Instant::now();
    loop {
        let page = app.get(path).await;
        if ready(&page) || started.elapsed() > Duration::from_secs(3) {
            return page;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The JobPosting block of a job page.
fn job_posting(page: &Page) -> Value {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    page.body
        .match_indices(OPEN)
        .map(|(at, _)| {
            let rest = &page.body[at + OPEN.len()..];
            serde_json::from_str::<Value>(&rest[..rest.find("</script>").unwrap()]).unwrap()
        })
        .find(|v| v["@type"] == "JobPosting")
        .expect("a JobPosting block")
}

fn logo_actions(app: &TestApp, company: i64) -> Vec<String> {
    audit_log::table
        .filter(audit_log::action.like("company.logo_%"))
        .filter(audit_log::subject_id.eq(company))
        .order(audit_log::id.asc())
        .select(audit_log::action)
        .load(&mut app.db.connect())
        .unwrap()
}

#[actix_web::test]
async fn an_uploaded_logo_shows_on_the_company_page_the_job_card_the_job_page_and_in_json_ld() {
    let (app, client, id) = logo_app().await;
    // Pages rendered (and cached) before the upload must not keep it out.
    app.get("/companies/acme").await.assert_lacks("/media/");
    app.get("/jobs").await.assert_lacks("/media/");

    client
        .upload(
            &format!("/admin/companies/{id}/logo"),
            "acme-logo.png",
            "image/png",
            &png_logo(200, 100),
        )
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));

    let path = logo_path(&app).expect("acme has a logo");
    assert!(path.ends_with("-200.png"), "a PNG at its own width: {path}");
    let served = app.get(&path).await;
    assert_eq!(served.status, 200, "{path}");
    assert_eq!(served.header("content-type"), Some("image/png"));

    // 200 × 100 fitted into the 72 px square of the company header.
    let img = format!(
        "src=\"{path}\" srcset=\"{path} 200w\" sizes=\"72px\" width=\"72\" height=\"36\" alt=\"\""
    );
    let company = page_when(&app, "/companies/acme", |p| p.body.contains(&path)).await;
    company.assert_contains(&img);
    company.assert_lacks("monogram--large");

    // 48 px on the job card, beside the company's name (so no alt text of its own).
    let card = format!(
        "src=\"{path}\" srcset=\"{path} 200w\" sizes=\"48px\" width=\"48\" height=\"24\" alt=\"\""
    );
    let jobs = page_when(&app, "/jobs", |p| p.body.contains(&path)).await;
    jobs.assert_contains("job-card job-card--logo");
    jobs.assert_contains(&card);

    let job = app.get("/jobs/senior-rust-engineer").await;
    job.assert_contains(&card);
    let posting = job_posting(&job);
    let logo = posting["hiringOrganization"]["logo"]
        .as_str()
        .expect("hiringOrganization.logo");
    assert_eq!(logo, format!("{}{path}", app.address), "an absolute URL");

    let edit = client.get(&format!("/admin/companies/{id}/edit")).await;
    edit.assert_contains("alt=\"Current logo of Acme Software\"");
    edit.assert_contains("acme-logo.png");
    assert_eq!(logo_actions(&app, id), ["company.logo_changed"]);
    let audit_summary: String = audit_log::table
        .filter(audit_log::action.eq("company.logo_changed"))
        .select(audit_log::summary)
        .first(&mut app.db.connect())
        .unwrap();
    assert_eq!(audit_summary, "Acme Software: acme-logo.png");
}

#[actix_web::test]
async fn a_removed_logo_is_gone_from_every_page_and_the_monogram_is_back() {
    let (app, client, id) = logo_app().await;
    client
        .upload(
            &format!("/admin/companies/{id}/logo"),
            "acme-logo.png",
            "image/png",
            &png_logo(120, 120),
        )
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));
    let path = logo_path(&app).unwrap();
    page_when(&app, "/companies/acme", |p| p.body.contains(&path))
        .await
        .assert_contains(&path);

    client
        .submit(&format!("/admin/companies/{id}/logo/remove"), &[])
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));

    assert_eq!(logo_path(&app), None);
    let company = page_when(&app, "/companies/acme", |p| !p.body.contains(&path)).await;
    company.assert_lacks(&path);
    company.assert_contains("monogram monogram--large");
    let jobs = page_when(&app, "/jobs", |p| !p.body.contains(&path)).await;
    jobs.assert_lacks(&path);
    jobs.assert_lacks("job-card--logo");
    let job = app.get("/jobs/senior-rust-engineer").await;
    job.assert_lacks(&path);
    assert!(
        job_posting(&job)["hiringOrganization"]
            .get("logo")
            .is_none()
    );
    assert_eq!(
        logo_actions(&app, id),
        ["company.logo_changed", "company.logo_removed"]
    );
    // Removing again changes nothing and records nothing.
    client
        .submit(&format!("/admin/companies/{id}/logo/remove"), &[])
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));
    assert_eq!(logo_actions(&app, id).len(), 2);
}

#[actix_web::test]
async fn a_file_that_is_not_an_image_is_refused_with_422_and_the_form_kept() {
    let (app, client, id) = logo_app().await;
    let response = client
        .upload(
            &format!("/admin/companies/{id}/logo"),
            "logo.png",
            "image/png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        )
        .await;

    response.assert_status(422);
    response.assert_contains(
        "id=\"logo-file-error\" role=\"alert\">Only JPEG, PNG and WebP images can be uploaded.",
    );
    response.assert_contains("aria-invalid=\"true\"");
    response.assert_contains("<title>Error: Edit");
    // The company's form is there with its saved values.
    assert_eq!(
        crate::helpers::form_value(&response.body, "name").as_deref(),
        Some("Acme Software")
    );
    assert_eq!(
        crate::helpers::form_value(&response.body, "city").as_deref(),
        Some("Berlin")
    );
    assert_eq!(logo_path(&app), None);
    assert!(logo_actions(&app, id).is_empty());
    let stored: i64 = images::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(stored, 0, "nothing stored");
}

#[actix_web::test]
async fn logo_uploads_without_a_session_or_without_the_csrf_token_are_refused() {
    let (app, client, id) = logo_app().await;
    let logo = png_logo(64, 64);

    let anonymous = app
        .admin_client()
        .upload_with_csrf(&format!("/admin/companies/{id}/logo"), "", &logo)
        .await;
    anonymous.assert_status(401);
    anonymous.assert_contains("Your session has ended. Sign in again");

    let without_token = client
        .upload_with_csrf(&format!("/admin/companies/{id}/logo"), "", &logo)
        .await;
    without_token.assert_status(403);
    let wrong_token = client
        .upload_with_csrf(
            &format!("/admin/companies/{id}/logo"),
            "not-the-token",
            &logo,
        )
        .await;
    wrong_token.assert_status(403);

    let remove_without_token = client
        .post(&format!("/admin/companies/{id}/logo/remove"), &[])
        .await;
    remove_without_token.assert_status(403);

    assert_eq!(logo_path(&app), None);
    assert!(logo_actions(&app, id).is_empty());
}
