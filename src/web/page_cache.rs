//! A micro-cache of rendered pages: a popular page is rendered once and then served
//! from memory for up to a second, as long as no job changed meanwhile. Crawlers and
//! busy listings hit the same few URLs; this turns their repeats into a hash lookup.
//! A request arriving while another renders an out-of-date page anew gets the previous
//! version, so a change costs one rendering, not one per waiting visitor.
//!
//! Only anonymous GET requests and complete 200 responses with an ETag (from
//! `conditional_get`) are kept, so validators, 304s and compression still apply.

use crate::refresh::Kept;
use crate::web::state::AppState;
use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// How long a page is served from memory as it is. Jobs changing end it at once; other
/// content (articles, companies) may show up to this late.
const PAGE_TTL: Duration = Duration::from_secs(1);
/// Once a page is out of date, the next request renders it anew; requests arriving
/// meanwhile get the previous version rather than all rendering it at once (the burst
/// every busy page would see each second). Past this age nothing old is served.
const MAX_STALE: Duration = Duration::from_secs(10);
/// What a kept page costs beyond its key and body (headers, bookkeeping), roughly.
const PAGE_OVERHEAD_BYTES: usize = 512;
/// Larger pages are not worth a slot.
const MAX_PAGE_BYTES: usize = 512 * 1024;

struct CachedPage {
    kept: Kept,
    catalog_version: u64,
    headers: HeaderMap,
    body: Bytes,
}

pub struct PageCache {
    enabled: bool,
    /// The most the kept pages may take, keys and bodies included (`PAGE_CACHE_MB`).
    budget_bytes: usize,
    pages: Mutex<(HashMap<String, CachedPage>, usize)>,
}

impl PageCache {
    pub fn new(enabled: bool, budget_bytes: usize) -> Self {
        Self {
            enabled,
            budget_bytes,
            pages: Mutex::default(),
        }
    }

    fn cost(key: &str, body: &Bytes) -> usize {
        key.len() + body.len() + PAGE_OVERHEAD_BYTES
    }

    /// The page to serve for `key`, or `None` when this request should render it (it is
    /// missing, too old, or out of date and nobody is rendering it yet).
    fn get(&self, key: &str, catalog_version: u64) -> Option<(HeaderMap, Bytes)> {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let page = pages.0.get_mut(key)?;
        let current = page.catalog_version == catalog_version && page.kept.age() < PAGE_TTL;
        if page.kept.claim_refresh(current, MAX_STALE) {
            return None;
        }
        Some((page.headers.clone(), page.body.clone()))
    }

    fn put(&self, key: String, catalog_version: u64, headers: HeaderMap, body: Bytes) {
        let mut guard = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let (pages, bytes) = &mut *guard;
        let cost = Self::cost(&key, &body);
        if *bytes + cost > self.budget_bytes {
            pages.retain(|_, p| p.catalog_version == catalog_version && p.kept.age() < PAGE_TTL);
            *bytes = pages.iter().map(|(k, p)| Self::cost(k, &p.body)).sum();
            if *bytes + cost > self.budget_bytes {
                return;
            }
        }
        *bytes += cost;
        let old_cost = pages.get(&key).map(|old| Self::cost(&key, &old.body));
        if let Some(old_cost) = old_cost {
            *bytes -= old_cost;
        }
        pages.insert(
            key,
            CachedPage {
                kept: Kept::now(),
                catalog_version,
                headers,
                body,
            },
        );
    }
}

/// Whether a request may be answered from, and its response stored in, the cache.
fn cacheable_request(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.path().starts_with("/static/")
        // Images are immutable files; they would crowd pages out of the cache.
        && !req.path().starts_with("/media/")
        && !req.headers().contains_key(header::COOKIE)
        && !req.headers().contains_key(header::AUTHORIZATION)
}

fn cacheable_response(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ETAG)
        && !headers.contains_key(header::SET_COOKIE)
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"))
}

/// Serves repeated page requests from [`PageCache`]; see the module documentation.
pub async fn page_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Date validators alone are left to `conditional_get`, which reads Last-Modified.
    let dated = if_none_match.is_none() && req.headers().contains_key(header::IF_MODIFIED_SINCE);
    if !state.pages.enabled || !cacheable_request(&req) || dated {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let key = match req.query_string() {
        "" => req.path().to_owned(),
        query => format!("{}?{query}", req.path()),
    };
    let version = state.catalog.version();
    if let Some((headers, body)) = state.pages.get(&key, version) {
        return Ok(req.into_response(replay(headers, body, if_none_match.as_deref())));
    }
    let response = next.call(req).await?;
    if if_none_match.is_some()
        || response.status() != StatusCode::OK
        || !cacheable_response(response.headers())
    {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body).await else {
        return Err(actix_web::error::ErrorInternalServerError(
            "response body could not be read",
        ));
    };
    if bytes.len() <= MAX_PAGE_BYTES {
        state
            .pages
            .put(key, version, head.headers().clone(), bytes.clone());
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The cached response, or 304 when the client holds it already.
fn replay(headers: HeaderMap, body: Bytes, if_none_match: Option<&str>) -> HttpResponse {
    let etag = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("W/")
        .to_owned();
    let fresh = if_none_match.is_some_and(|tags| {
        tags.split(',')
            .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag)
    });
    let mut response = if fresh {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().body(body)
    };
    for (name, value) in &headers {
        if !fresh || [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL].contains(name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}
