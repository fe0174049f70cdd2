//! Middleware: security headers on every response and one log line per request;
//! oversized headers (431) and control characters in the address (400) refused early.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

/// Scripts only from our own origin (none are needed), no framing, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            HeaderName::from_static("permissions-policy"),
            "interest-cohort=(), camera=(), microphone=(), geolocation=()",
        ))
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A request id unique within the process and unlikely to repeat across restarts:
/// start time in milliseconds plus a counter.
fn next_request_id() -> String {
    static STARTED: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    });
    format!(
        "{:x}-{:x}",
        *STARTED & 0xffff_ffff_ffff,
        REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Logs method, path, status, latency and request id for every request, and echoes the
/// id in `X-Request-Id` so a user's report can be found in the logs. An id sent by a
/// proxy in front is kept when it looks sane.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map_or_else(next_request_id, str::to_owned);
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, path = %path);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), value);
            }
            tracing::info!(
                status,
                latency_ms = format_args!("{latency_ms:.2}"),
                "{method} {path} {status}"
            );
            Ok(response)
        }
        Err(e) => {
            tracing::warn!(latency_ms = format_args!("{latency_ms:.2}"), error = %e, "{method} {path} failed");
            Err(e)
        }
    }
}

/// Longest request header name accepted, in bytes.
pub const MAX_HEADER_NAME_BYTES: usize = 1024;
/// Most bytes all request headers may take together (names, values and separators).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Whether `headers` exceed [`MAX_HEADER_NAME_BYTES`] for a name or [`MAX_HEADER_BYTES`]
/// in all, counted as sent (`name: value` and CRLF).
pub fn headers_too_large(headers: &actix_web::http::header::HeaderMap) -> bool {
    let mut total = 0;
    headers.iter().any(|(name, value)| {
        total += name.as_str().len() + value.len() + 4;
        name.as_str().len() > MAX_HEADER_NAME_BYTES || total > MAX_HEADER_BYTES
    })
}

/// Refuses requests with oversized headers with a short 431 and closes the connection.
/// actix-http only refuses a request head past 128 KB; nothing here needs headers
/// anywhere near that, and big ones only cost memory in every layer below.
pub async fn header_limits(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<
    ServiceResponse<actix_web::body::EitherBody<impl MessageBody + 'static>>,
    actix_web::Error,
> {
    if headers_too_large(req.headers()) {
        tracing::warn!(path = %req.path(), "request headers too large: 431");
        let response = actix_web::HttpResponse::build(
            actix_web::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        )
        .content_type("text/plain; charset=utf-8")
        .force_close()
        .body("Request header fields too large\n");
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// `raw` with its percent-escapes decoded (a malformed escape stays as it is).
fn percent_decoded(raw: &str) -> Vec<u8> {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// Whether the percent-encoded `raw` (a path or a query string) holds a control
/// character (C0 such as NUL, tab or newline, DEL, or C1) once decoded.
pub fn encodes_control_characters(raw: &str) -> bool {
    String::from_utf8_lossy(&percent_decoded(raw))
        .chars()
        .any(char::is_control)
}

/// Answers 400 (the error page) when the path or the query string holds a control
/// character: no address of the site has one, and PostgreSQL refuses NUL outright, so
/// they must not reach a handler.
pub async fn reject_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<
    ServiceResponse<actix_web::body::EitherBody<impl MessageBody + 'static>>,
    actix_web::Error,
> {
    if encodes_control_characters(req.uri().path())
        || encodes_control_characters(req.query_string())
    {
        let response = actix_web::ResponseError::error_response(&super::control_characters());
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The canonical form of a request path: no trailing slash (except the root) and no
/// upper-case letters. `None` when `path` is canonical already. Percent-escapes are
/// left as they are, so the result never redirects again.
pub fn canonical_path(path: &str) -> Option<String> {
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
    let mut out = String::with_capacity(trimmed.len());
    let mut escape_left = 0;
    for ch in trimmed.chars() {
        if ch == '%' {
            escape_left = 2;
            out.push(ch);
        } else if escape_left > 0 {
            escape_left -= 1;
            out.push(ch);
        } else {
            out.push(ch.to_ascii_lowercase());
        }
    }
    (out != path).then_some(out)
}

/// Redirects `/Jobs/`, `/JOBS` and `/jobs/` to `/jobs` (301), keeping the query, so
/// each page has one address.
pub async fn canonical_paths(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<
    ServiceResponse<actix_web::body::EitherBody<impl MessageBody + 'static>>,
    actix_web::Error,
> {
    let is_read = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    );
    if is_read
        && !req.path().starts_with("/static/")
        && let Some(path) = canonical_path(req.path())
    {
        let location = match req.query_string() {
            "" => path,
            query => format!("{path}?{query}"),
        };
        let response = actix_web::HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, location))
            .finish();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// A 64-bit digest of a response body for its ETag, eight bytes a step: hashing a
/// byte at a time was 5 % of a deep page's CPU (perf, at a million jobs). The rotation
/// carries every byte's bits into the low ones too.
fn body_tag(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, word: u64| (h ^ word).wrapping_mul(K).rotate_left(29);
    let mut words = bytes.chunks_exact(8);
    let mut h = (&mut words).fold(0xcbf2_9ce4_8422_2325, |h, word| {
        step(h, u64::from_le_bytes(word.try_into().unwrap_or_default()))
    });
    for b in words.remainder() {
        h = step(h, u64::from(*b));
    }
    step(h, bytes.len() as u64)
}

/// Adds a weak ETag (a hash of the body) to successful pages and answers conditional
/// requests with 304 Not Modified, using `If-None-Match` first and `If-Modified-Since`
/// (against the handler's `Last-Modified`) otherwise. Streamed bodies and responses
/// that bring their own validators pass through untouched.
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::body::{BodySize, to_bytes};
    use actix_web::http::{Method, StatusCode};

    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let if_modified_since = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    let response = next.call(req).await?;
    let sized = matches!(response.response().body().size(), BodySize::Sized(_));
    if !is_read
        || response.status() != StatusCode::OK
        || !sized
        || response.headers().contains_key(header::ETAG)
    {
        return Ok(response.map_into_boxed_body());
    }

    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body).await else {
        return Err(actix_web::error::ErrorInternalServerError(
            "response body could not be read",
        ));
    };
    let etag = format!("W/\"{:016x}\"", body_tag(&bytes));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        head.headers_mut().insert(header::ETAG, value);
    }

    let not_modified = match (if_none_match, if_modified_since) {
        (Some(tags), _) => tags.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == etag.trim_start_matches("W/")
        }),
        (None, Some(since)) => head
            .headers()
            .get(header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|modified| modified <= since),
        (None, None) => false,
    };
    let response = if not_modified {
        let mut not_modified = actix_web::HttpResponse::NotModified().finish();
        for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL] {
            if let Some(value) = head.headers().get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        not_modified
    } else {
        head.set_body(bytes).map_into_boxed_body()
    };
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_however_they_are_encoded() {
        for raw in [
            "q=%00",
            "q=a%00b",
            "q=%09",
            "q=a%0Ab",
            "q=%7f",
            "q=%C2%85",
            "%1B=x",
            "/jobs/a%00b",
        ] {
            assert!(encodes_control_characters(raw), "{raw}");
        }
        for raw in [
            "",
            "q=rust+go",
            "city=M%C3%BCnchen",
            "q=100%25",
            "q=%",
            "q=%zz",
            "q=%FF%FE",
            "/jobs/rust-dev",
        ] {
            assert!(!encodes_control_characters(raw), "{raw}");
        }
    }

    #[test]
    fn canonical_paths_are_lower_case_without_trailing_slash() {
        assert_eq!(canonical_path("/jobs"), None);
        assert_eq!(canonical_path("/"), None);
        assert_eq!(canonical_path("/jobs/"), Some("/jobs".to_owned()));
        assert_eq!(
            canonical_path("/Jobs/Rust-Dev"),
            Some("/jobs/rust-dev".to_owned())
        );
        assert_eq!(canonical_path("//"), Some("/".to_owned()));
        assert_eq!(canonical_path("/jobs/%C3%B6"), None);
        assert_eq!(
            canonical_path("/JOBS/%C3%B6/"),
            Some("/jobs/%C3%B6".to_owned())
        );
    }

    #[test]
    fn a_body_changed_anywhere_gets_another_tag() {
        let body: Vec<u8> = (0..1_003_u32).map(|i| (i * 7 % 251) as u8).collect();
        let tag = body_tag(&body);
        assert_eq!(tag, body_tag(&body.clone()));
        for at in [0, 5, 7, 8, 500, 999, 1_000, 1_002] {
            let mut changed = body.clone();
            changed[at] ^= 0x80;
            assert_ne!(body_tag(&changed), tag, "byte {at}");
        }
        assert_ne!(body_tag(&body[..1_002]), tag);
        assert_ne!(body_tag(&[0; 8]), body_tag(&[0; 9]));
    }
}
