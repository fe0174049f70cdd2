//! Editors manage companies: a list with name search, create and edit, and delete for
//! companies without jobs. Invalid input answers 422 with every input kept.

use super::path_id;
use crate::domain::audit::AuditAction;
use crate::domain::company::{Company, size_label};
use crate::domain::slug::Slug;
use crate::repo;
use crate::repo::admin_companies::{AdminCompanyListing, CompanyInput, Deleted};
use crate::views::LogoView;
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// Companies on a page of the editors' list.
const PER_PAGE: i64 = 25;
/// The size bands the database allows, smallest first.
pub const SIZE_BANDS: [&str; 5] = ["1-10", "11-50", "51-200", "201-1000", "1000+"];

fn edit_url(id: i64) -> String {
    format!("/admin/companies/{id}/edit")
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

struct ListRow {
    name: String,
    edit_url: String,
    public_url: String,
    city: String,
    jobs: i64,
}

impl ListRow {
    fn new(c: AdminCompanyListing) -> Self {
        Self {
            edit_url: edit_url(c.id),
            public_url: format!("/companies/{}", c.slug),
            name: c.name,
            city: c.city,
            jobs: c.jobs,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/companies/list.html")]
struct CompanyListPage {
    layout: AdminLayout,
    rows: Vec<ListRow>,
    q: String,
    total: i64,
    page: i64,
    pages: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.into_inner();
    let search: String = q.q.trim().chars().take(200).collect();
    let page = super::list_page(&q.page);
    let (rows, total) = {
        let search = search.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_companies::list(conn, &search, PER_PAGE, (page - 1) * PER_PAGE)
        })
        .await?
    };
    let pages = super::list_pages(total, PER_PAGE);
    let url_for = |n: i64| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !search.is_empty() {
            pairs.push(("q", search.clone()));
        }
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        crate::web::listing_path(
            "/admin/companies",
            &serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        )
    };
    let body = CompanyListPage {
        layout: ctx.layout(AdminSection::Companies, "Companies"),
        rows: rows.into_iter().map(ListRow::new).collect(),
        q: search.clone(),
        total,
        page,
        pages,
        prev_url: (page > 1).then(|| url_for(page - 1)),
        next_url: (page < pages).then(|| url_for(page + 1)),
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

// ---------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------

/// The company form's fields as typed.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct CompanyFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub size_band: String,
    #[serde(default)]
    pub about: String,
}

impl CompanyFields {
    fn from_company(c: &Company) -> Self {
        Self {
            name: c.name.clone(),
            city: c.city.clone(),
            website: c.website.clone().unwrap_or_default(),
            size_band: c.size_band.clone(),
            about: c.about_markdown.clone(),
        }
    }

    /// The company to save and the slug its name makes, or the errors that stop it.
    fn parse(&self) -> Result<(CompanyInput, Slug), FormErrors> {
        self.parse_as("")
    }

    /// [`Self::parse`] for a form whose company fields are named `{prefix}name`, … (the
    /// employers' job form, where `city` is the job's).
    pub fn parse_as(&self, prefix: &str) -> Result<(CompanyInput, Slug), FormErrors> {
        let mut errors = PrefixedErrors {
            prefix,
            errors: FormErrors::default(),
        };
        let name = self.name.trim().to_owned();
        let slug = Slug::from_text(&name).ok();
        if name.is_empty() {
            errors.add("name", "Enter the company's name.");
        } else if name.chars().count() > 200 {
            errors.add("name", "The name can have at most 200 characters.");
        } else if slug.is_none() {
            errors.add("name", "The name needs at least one letter or digit.");
        }
        let city = self.city.trim().to_owned();
        if city.is_empty() {
            errors.add("city", "Enter the city of the company's main office.");
        } else if city.chars().count() > 100 {
            errors.add("city", "The city can have at most 100 characters.");
        }
        let website = self.website.trim();
        let website = if website.is_empty() {
            None
        } else if url::Url::parse(website)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        {
            Some(website.to_owned())
        } else {
            errors.add(
                "website",
                "Enter the full address, e.g. https://example.com.",
            );
            None
        };
        if !SIZE_BANDS.contains(&self.size_band.as_str()) {
            errors.add("size_band", "Choose the company's size.");
        }
        match slug {
            Some(slug) if errors.is_empty() => Ok((
                CompanyInput {
                    name,
                    city,
                    website,
                    size_band: self.size_band.clone(),
                    about_markdown: self.about.trim().to_owned(),
                },
                slug,
            )),
            _ => Err(errors.errors),
        }
    }
}

/// Errors whose field names carry a prefix.
struct PrefixedErrors<'a> {
    prefix: &'a str,
    errors: FormErrors,
}

impl PrefixedErrors<'_> {
    fn add(&mut self, field: &str, message: &str) {
        self.errors.add(&format!("{}{field}", self.prefix), message);
    }

    fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

struct SizeChoice {
    value: &'static str,
    label: String,
    selected: bool,
}

/// The logo panel of an existing company's form.
struct LogoPanel {
    upload_url: String,
    remove_url: String,
    /// The current logo as the pages show it, with its file's name.
    current: Option<(LogoView, String)>,
    /// Why the last upload was refused.
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/companies/form.html")]
struct CompanyFormPage {
    layout: AdminLayout,
    heading: String,
    action_url: String,
    company_id: Option<i64>,
    public_url: Option<String>,
    form: CompanyFields,
    sizes: Vec<SizeChoice>,
    errors: FormErrors,
    logo: Option<LogoPanel>,
}

fn render_form(
    ctx: &AdminContext,
    existing: Option<&Company>,
    form: CompanyFields,
    errors: FormErrors,
    logo_error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let has_errors = !errors.is_empty() || logo_error.is_some();
    let logo = existing.map(|c| LogoPanel {
        upload_url: format!("/admin/companies/{}/logo?csrf={}", c.id, ctx.csrf),
        remove_url: format!("/admin/companies/{}/logo/remove", c.id),
        current: c.logo.as_ref().map(|image| {
            let name = if image.original_name.is_empty() {
                format!("Image {}", image.id)
            } else {
                image.original_name.clone()
            };
            (LogoView::new(image, 96), name)
        }),
        error: logo_error,
    });
    let existing = existing.map(|c| (c.id, c.slug.as_str()));
    let heading = match existing {
        Some(_) => format!("Edit “{}”", form.name.trim()),
        None => "New company".to_owned(),
    };
    let title = if !has_errors {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    let body = CompanyFormPage {
        layout: ctx.layout(AdminSection::Companies, title),
        heading,
        action_url: existing.map_or_else(
            || "/admin/companies".to_owned(),
            |(id, _)| format!("/admin/companies/{id}"),
        ),
        company_id: existing.map(|(id, _)| id),
        public_url: existing.map(|(_, slug)| format!("/companies/{slug}")),
        sizes: SIZE_BANDS
            .iter()
            .map(|band| SizeChoice {
                value: band,
                label: size_label(band),
                selected: *band == form.size_band,
            })
            .collect(),
        form,
        errors,
        logo,
    }
    .render()?;
    Ok(super::page(status, body))
}

#[tracing::instrument(skip_all)]
pub async fn new_form(ctx: AdminContext) -> Result<HttpResponse, WebError> {
    let form = CompanyFields {
        size_band: "11-50".to_owned(),
        ..CompanyFields::default()
    };
    render_form(
        &ctx,
        None,
        form,
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let company = with_conn(&state.pool, move |conn| {
        repo::admin_companies::find(conn, id)
    })
    .await?;
    render_form(
        &ctx,
        Some(&company),
        CompanyFields::from_company(&company),
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ctx: AdminContext,
    form: AdminForm<CompanyFields>,
) -> Result<HttpResponse, WebError> {
    let fields = form.0;
    let (input, slug) = match fields.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            return render_form(
                &ctx,
                None,
                fields,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let entry = ctx.audit(
        AuditAction::CompanyCreated,
        "company",
        None,
        input.name.clone(),
    );
    let id = {
        let input = input.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_companies::create(conn, entry, &input, &slug)
        })
        .await?
    };
    tracing::info!(company.id = id, "company {id} created");
    Ok(see_other_with_flash(
        &state,
        &edit_url(id),
        &format!("Company created: “{}”.", input.name.replace(';', ",")),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    form: AdminForm<CompanyFields>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let current = with_conn(&state.pool, move |conn| {
        repo::admin_companies::find(conn, id)
    })
    .await?;
    let fields = form.0;
    let input = match fields.parse() {
        Ok((input, _)) => input,
        Err(errors) => {
            return render_form(
                &ctx,
                Some(&current),
                fields,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let entry = ctx.audit(
        AuditAction::CompanyUpdated,
        "company",
        Some(id),
        input.name.clone(),
    );
    {
        let input = input.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_companies::update(conn, entry, id, &input)
        })
        .await?;
    }
    tracing::info!(company.id = id, "company {id} saved");
    Ok(see_other_with_flash(
        &state,
        &edit_url(id),
        &format!("Company saved: “{}”.", input.name.replace(';', ",")),
    ))
}

// ---------------------------------------------------------------------------------------
// The logo
// ---------------------------------------------------------------------------------------

/// Uploads a new logo for company `id` through the image pipeline (multipart, with the
/// CSRF token in the query string like every upload). A refused file re-renders the
/// company's form with the message beside the logo field (413/422); the company's own
/// fields are not part of this form and stay as saved.
#[tracing::instrument(skip_all)]
pub async fn upload_logo(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let company = with_conn(&state.pool, move |conn| {
        repo::admin_companies::find(conn, id)
    })
    .await?;
    let received = match super::images::receive(&state, &ctx, &req, form).await? {
        Ok(received) => received,
        Err((message, status)) => {
            return render_form(
                &ctx,
                Some(&company),
                CompanyFields::from_company(&company),
                FormErrors::default(),
                Some(message),
                status,
            );
        }
    };
    let summary = if received.original_name.is_empty() {
        company.name.clone()
    } else {
        format!("{}: {}", company.name, received.original_name)
    };
    let entry = ctx.audit(
        AuditAction::CompanyLogoChanged,
        "company",
        Some(id),
        summary,
    );
    let image_id = with_conn(&state.pool, move |conn| {
        repo::admin_companies::set_logo(conn, entry, id, &received.image)
    })
    .await?;
    tracing::info!(
        company.id = id,
        image.id = image_id,
        "company {id} has a new logo"
    );
    Ok(see_other_with_flash(
        &state,
        &edit_url(id),
        &format!(
            "Logo saved for “{}”. It shows on the company page and its job cards.",
            company.name.replace(';', ",")
        ),
    ))
}

/// Takes the logo off company `id`; its pages show the monogram again.
#[tracing::instrument(skip_all)]
pub async fn remove_logo(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let company = with_conn(&state.pool, move |conn| {
        repo::admin_companies::find(conn, id)
    })
    .await?;
    let entry = ctx.audit(
        AuditAction::CompanyLogoRemoved,
        "company",
        Some(id),
        company.name.clone(),
    );
    let removed = with_conn(&state.pool, move |conn| {
        repo::admin_companies::remove_logo(conn, entry, id)
    })
    .await?;
    let name = company.name.replace(';', ",");
    let message = if removed {
        tracing::info!(company.id = id, "company {id} logo removed");
        format!("Logo removed from “{name}”.")
    } else {
        format!("“{name}” has no logo to remove.")
    };
    Ok(see_other_with_flash(&state, &edit_url(id), &message))
}

#[derive(Template)]
#[template(path = "admin/companies/delete.html")]
struct CompanyDeletePage {
    layout: AdminLayout,
    company_id: i64,
    name: String,
    public_url: String,
    jobs: i64,
}

#[tracing::instrument(skip_all)]
pub async fn delete_confirm(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let (company, jobs) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::admin_companies::find(conn, id)?,
            repo::admin_companies::job_count(conn, id)?,
        ))
    })
    .await?;
    let body = CompanyDeletePage {
        layout: ctx.layout(
            AdminSection::Companies,
            format!("Delete “{}”?", company.name),
        ),
        company_id: id,
        public_url: format!("/companies/{}", company.slug),
        name: company.name,
        jobs,
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let company = with_conn(&state.pool, move |conn| {
        repo::admin_companies::find(conn, id)
    })
    .await?;
    let entry = ctx.audit(
        AuditAction::CompanyDeleted,
        "company",
        Some(id),
        company.name.clone(),
    );
    let outcome = with_conn(&state.pool, move |conn| {
        repo::admin_companies::delete(conn, entry, id)
    })
    .await?;
    let name = company.name.replace(';', ",");
    Ok(match outcome {
        Deleted::Yes => {
            tracing::info!(company.id = id, "company {id} deleted");
            see_other_with_flash(
                &state,
                "/admin/companies",
                &format!("Company deleted: “{name}”. Its address now answers “gone” (410)."),
            )
        }
        Deleted::HasJobs(n) => see_other_with_flash(
            &state,
            &edit_url(id),
            &format!(
                "“{name}” was not deleted: it has {n} job{}. Delete those jobs first (closed ones count too).",
                if n == 1 { "" } else { "s" }
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_needs_a_name_a_city_a_size_and_a_full_website() {
        let errors = CompanyFields {
            website: "example.com".into(),
            size_band: "huge".into(),
            ..CompanyFields::default()
        }
        .parse()
        .unwrap_err();
        for field in ["name", "city", "website", "size_band"] {
            assert!(!errors.of(field).is_empty(), "{field}");
        }
        let (input, slug) = CompanyFields {
            name: " Nordlicht Software ".into(),
            city: "Hamburg".into(),
            website: String::new(),
            size_band: "51-200".into(),
            about: String::new(),
        }
        .parse()
        .unwrap();
        assert_eq!(input.name, "Nordlicht Software");
        assert_eq!(input.website, None);
        assert_eq!(slug.as_str(), "nordlicht-software");
    }
}
