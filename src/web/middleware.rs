//! Middleware: security headers on every response and one log line per request.

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
