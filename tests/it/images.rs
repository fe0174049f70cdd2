//! Image uploads through the admin: only real JPEG, PNG or WebP files, within the size
//! limits, stored without their metadata and served as immutable images.

use crate::helpers::{TestApp, spawn_app};
use diesel::prelude::*;
use jobboard::domain::editor::Role;

/// A JPEG of `width`×`height` with an EXIF segment holding a GPS position.
pub(crate) fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 90)
        .encode_image(&pixels)
        .unwrap();
    // APP1 "Exif" with a TIFF header and a recognisable GPS tag name, right after SOI.
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
    payload.extend_from_slice(b"GPSLatitude 52.5200 N GPSLongitude 13.4050 E");
    let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    let mut out = encoded[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    out.extend_from_slice(&payload);
    out.extend_from_slice(&encoded[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut checked = kind.to_vec();
    checked.extend_from_slice(data);
    out.extend_from_slice(&checked);
    out.extend_from_slice(&crc32(&checked).to_be_bytes());
}

/// A few dozen bytes that claim to be a 20,000 × 20,000 PNG: decoding it would need
/// gigabytes, so it must be refused from its header.
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&20_000u32.to_be_bytes());
    header.extend_from_slice(&20_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn image_count(app: &TestApp) -> i64 {
    jobboard::db::schema::images::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap()
}

fn stored_files(app: &TestApp) -> Vec<String> {
    use jobboard::db::schema::images;
    let rows: Vec<(String, String, Vec<Option<i32>>)> = images::table
        .select((images::base_name, images::extension, images::widths))
        .load(&mut app.db.connect())
        .unwrap();
    rows.into_iter()
        .flat_map(|(base, ext, widths)| {
            widths
                .into_iter()
                .flatten()
                .map(move |w| format!("/media/{base}-{w}.{ext}"))
        })
        .collect()
}

#[actix_web::test]
async fn an_uploaded_photo_is_stored_in_responsive_widths_without_its_exif_data() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    let photo = jpeg_with_gps(2000, 1000);
    assert!(
        photo.windows(4).any(|w| w == b"Exif"),
        "the fixture carries EXIF"
    );

    let response = client
        .upload("/admin/images", "holiday.jpg", "image/jpeg", &photo)
        .await;

    response.assert_redirect("/admin/images");
    let files = stored_files(&app);
    assert_eq!(files.len(), 3, "480, 960 and 1600 px: {files:?}");
    for path in &files {
        let served = app.get(path).await;
        assert_eq!(served.status, 200, "{path}");
        assert_eq!(served.header("content-type"), Some("image/jpeg"));
        assert!(
            served
                .header("cache-control")
                .unwrap_or_default()
                .contains("immutable")
        );
        assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
        let mut response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let bytes = response.body().limit(10 << 20).await.unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "{path} still has EXIF"
        );
        assert!(
            !bytes.windows(11).any(|w| w == b"GPSLatitude"),
            "{path} still has GPS data"
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert!(
            path.contains(&format!("-{}.jpg", decoded.width())),
            "{path}"
        );
        assert_eq!(decoded.height() * 2, decoded.width(), "aspect ratio kept");
    }
    let listing = client.get("/admin/images").await;
    listing.assert_contains("holiday.jpg");
    listing.assert_contains("-480.jpg\" width=\"480\" height=\"240\"");
}

#[actix_web::test]
async fn files_that_are_not_images_are_refused_by_their_bytes_whatever_their_name() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    let html = b"<!doctype html><script>alert(document.cookie)</script>";
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;

    let renamed = client
        .upload("/admin/images", "cat.jpg", "image/jpeg", html)
        .await;
    let vector = client
        .upload("/admin/images", "logo.svg", "image/svg+xml", svg)
        .await;
    let vector_as_png = client
        .upload("/admin/images", "logo.png", "image/png", svg)
        .await;

    for response in [&renamed, &vector, &vector_as_png] {
        response.assert_status(422);
        response.assert_contains("Only JPEG, PNG and WebP images can be uploaded.");
    }
    assert_eq!(image_count(&app), 0);
}

#[actix_web::test]
async fn a_six_megabyte_file_is_refused_as_too_large() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    let mut big = jpeg_with_gps(64, 64);
    big.resize(6 * 1024 * 1024, 0);

    let response = client
        .upload("/admin/images", "huge.jpg", "image/jpeg", &big)
        .await;

    response.assert_status(413);
    response.assert_contains("larger than 5 MB");
    assert_eq!(image_count(&app), 0);
}

#[actix_web::test]
async fn a_decompression_bomb_is_refused_from_its_header() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("writer@example.org", Role::Editor).await;
    let bomb = png_bomb();
    assert!(bomb.len() < 100);

    let started = std::time::Instant::now();
    let response = client
        .upload("/admin/images", "bomb.png", "image/png", &bomb)
        .await;

    response.assert_status(422);
    response.assert_contains("larger than 6,000 × 6,000 pixels");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "answered without decoding"
    );
    assert_eq!(image_count(&app), 0);
}

#[actix_web::test]
async fn media_names_outside_the_store_are_not_found() {
    let app = spawn_app().await;

    for path in [
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/x.html",
        "/media/abc-480.jpg",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
    }
}
