//! Image uploads: editors upload JPEG, PNG or WebP files for covers and articles. The bytes
//! decide what a file is; every accepted image is encoded anew (no EXIF or GPS data
//! survives) in the widths pages serve with `srcset`.

use crate::domain::audit::AuditAction;
use crate::domain::image::StoredImage;
use crate::media::process::{self, MAX_UPLOAD_BYTES, UploadError};
use crate::media::store::{generate_base_name, variant_name};
use crate::repo;
use crate::views::admin::{AdminLayout, AdminSection};
use crate::web::WebError;
use crate::web::auth::{AdminContext, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;
use askama::Template;
use futures_util::StreamExt;

const PER_PAGE: i64 = 30;

/// A full-size upload takes a few hundred MB while it is decoded and resized; two at a
/// time keep memory bounded while the rest wait their turn.
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

struct ImageView {
    thumb_url: String,
    thumb_width: u32,
    thumb_height: u32,
    name: String,
    size: String,
    uploaded: String,
    markdown: String,
    large_url: String,
}

impl ImageView {
    fn new(image: &StoredImage) -> Self {
        let thumb = image.fitting_width(480);
        let name = if image.original_name.is_empty() {
            format!("Image {}", image.id)
        } else {
            image.original_name.clone()
        };
        Self {
            thumb_url: image.url(thumb),
            thumb_width: thumb,
            thumb_height: image.height_at(thumb),
            size: format!("{} × {} px", image.width, image.height),
            uploaded: crate::domain::dates::long_date(image.created_at),
            markdown: format!(
                "![Describe the image]({})",
                image.url(image.fitting_width(960))
            ),
            large_url: image.largest_url(),
            name,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/images.html")]
struct ImagesPage {
    layout: AdminLayout,
    images: Vec<ImageView>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &AdminContext,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let images = with_conn(&state.pool, |conn| {
        repo::images::list_recent(conn, PER_PAGE, 0)
    })
    .await?;
    let body = ImagesPage {
        layout: ctx.layout(AdminSection::Images, "Images"),
        images: images.iter().map(ImageView::new).collect(),
        error,
    }
    .render()?;
    Ok(super::page(status, body))
}

pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    page(&state, &ctx, None, StatusCode::OK).await
}

/// Why an upload came back.
enum Refused {
    TooLarge(String),
    Unusable(String),
}

/// The `file` field of the upload, read up to the size limit.
async fn read_file(mut form: Multipart) -> Result<(Vec<u8>, String), Refused> {
    let unreadable =
        || Refused::Unusable("The upload could not be read. Please try again.".to_owned());
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| unreadable())?;
        if field.name() != Some("file") {
            continue;
        }
        let original_name: String = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| unreadable())?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(Refused::TooLarge(UploadError::TooLarge.to_string()));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(Refused::Unusable(
                "Choose an image file to upload.".to_owned(),
            ));
        }
        return Ok((bytes, original_name));
    }
    Err(Refused::Unusable(
        "Choose an image file to upload.".to_owned(),
    ))
}

/// An upload checked, encoded and stored in every width: what is left is to record it.
pub(super) struct Received {
    pub image: repo::images::NewImage,
    pub original_name: String,
}

/// Reads the multipart `file` field, checks and encodes it through the pipeline and puts
/// every width into the image store. An unusable upload comes back as the message for
/// the editor with its status (413 or 422); nothing is stored then.
pub(super) async fn receive(
    state: &AppState,
    ctx: &AdminContext,
    req: &HttpRequest,
    form: Multipart,
) -> Result<Result<Received, (String, StatusCode)>, WebError> {
    // A declared size far past the limit is refused before anything is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let read = if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES + 64 * 1024) {
        Err(Refused::TooLarge(UploadError::TooLarge.to_string()))
    } else {
        read_file(form).await
    };
    let (bytes, original_name) = match read {
        Ok(file) => file,
        Err(Refused::TooLarge(message)) => {
            return Ok(Err((message, StatusCode::PAYLOAD_TOO_LARGE)));
        }
        Err(Refused::Unusable(message)) => {
            return Ok(Err((message, StatusCode::UNPROCESSABLE_ENTITY)));
        }
    };
    let permit = PROCESSING
        .acquire()
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("upload queue closed: {e}")))?;
    let processed = web::block(move || process::process_upload(&bytes)).await?;
    drop(permit);
    let processed = match processed {
        Ok(processed) => processed,
        Err(e) => {
            let status = if e.is_too_large() {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok(Err((e.to_string(), status)));
        }
    };
    let base_name = generate_base_name();
    let extension = processed.variants.first().map_or("jpg", |v| v.extension);
    let widths: Vec<u32> = processed.variants.iter().map(|v| v.width).collect();
    let (width, height) = (processed.width, processed.height);
    let store = state.images.clone();
    let stored_base = base_name.clone();
    web::block(move || {
        for variant in &processed.variants {
            store.put(
                &variant_name(&stored_base, variant.width, variant.extension),
                &variant.bytes,
            )?;
        }
        std::io::Result::Ok(())
    })
    .await?
    .context("storing an uploaded image")
    .map_err(WebError::Internal)?;
    Ok(Ok(Received {
        image: repo::images::NewImage {
            base_name,
            extension,
            widths,
            width,
            height,
            original_name: original_name.clone(),
            uploaded_by: ctx.editor.id,
        },
        original_name,
    }))
}

#[tracing::instrument(skip_all)]
pub async fn upload(
    state: web::Data<AppState>,
    ctx: AdminContext,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, WebError> {
    let Received {
        image: new_image,
        original_name,
    } = match receive(&state, &ctx, &req, form).await? {
        Ok(received) => received,
        Err((message, status)) => return page(&state, &ctx, Some(message), status).await,
    };
    let (width, height) = (new_image.width, new_image.height);
    let entry = ctx.audit(AuditAction::ImageUploaded, "image", None, original_name);
    with_conn(&state.pool, move |conn| {
        repo::audit::audited(conn, entry, |conn, entry| {
            let id = repo::images::insert(conn, &new_image)?;
            entry.subject_id = Some(id);
            Ok(id)
        })
    })
    .await?;
    Ok(see_other_with_flash(
        &state,
        "/admin/images",
        &format!(
            "Image uploaded ({width} × {height} px). Choose it as a cover in an article, or copy its Markdown."
        ),
    ))
}
