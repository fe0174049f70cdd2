//! Schema.org structured data (JSON-LD) for crawlers, built from typed structs with
//! serde so that every block is valid JSON whatever the content.

use crate::domain::article::Article;
use crate::domain::company::Company;
use crate::domain::job::{EmploymentType, JobDetail};
use crate::domain::markdown::SafeHtml;
use crate::domain::salary::SalaryPeriod;
use serde::Serialize;

use super::layout::{Crumb, SITE_NAME};

/// A serialised JSON-LD block, safe to print inside `<script type="application/ld+json">`:
/// `<`, `>` and `&` are escaped so that no content can close the script element.
#[derive(Debug, Clone)]
pub struct JsonLd(String);

impl JsonLd {
    pub fn new(value: &impl Serialize) -> Self {
        let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
        Self(
            json.replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026"),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JsonLd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const CONTEXT: &str = "https://schema.org";

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

/// The breadcrumb trail; the last crumb is the page at `page_url`.
pub fn breadcrumb_list(base_url: &str, page_url: &str, crumbs: &[Crumb]) -> JsonLd {
    JsonLd::new(&BreadcrumbList {
        context: CONTEXT,
        kind: "BreadcrumbList",
        items: crumbs
            .iter()
            .enumerate()
            .map(|(i, crumb)| ListItem {
                kind: "ListItem",
                position: i + 1,
                name: &crumb.label,
                item: crumb
                    .url
                    .as_ref()
                    .map_or_else(|| page_url.to_owned(), |u| format!("{base_url}{u}")),
            })
            .collect(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Organization {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostalAddress {
    #[serde(rename = "@type")]
    kind: &'static str,
    address_locality: String,
    address_country: String,
}

#[derive(Serialize)]
struct Place {
    #[serde(rename = "@type")]
    kind: &'static str,
    address: PostalAddress,
}

#[derive(Serialize)]
struct Country {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QuantitativeValue {
    #[serde(rename = "@type")]
    kind: &'static str,
    min_value: u32,
    max_value: u32,
    unit_text: &'static str,
}

#[derive(Serialize)]
struct MonetaryAmount {
    #[serde(rename = "@type")]
    kind: &'static str,
    currency: &'static str,
    value: QuantitativeValue,
}

#[derive(Serialize)]
struct PropertyValue {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JobPosting {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    title: String,
    description: String,
    date_posted: String,
    valid_through: String,
    employment_type: &'static str,
    hiring_organization: Organization,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_location: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_location_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    applicant_location_requirements: Vec<Country>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_salary: Option<MonetaryAmount>,
    identifier: PropertyValue,
    direct_apply: bool,
    url: String,
}

/// Google's JobPosting, with the required and recommended properties. Only for open
/// jobs: the caller leaves it out for closed and expired ones.
pub fn job_posting(
    job: &JobDetail,
    company: &Company,
    description_html: &SafeHtml,
    page_url: &str,
    base_url: &str,
) -> JsonLd {
    let s = &job.summary;
    let remote = s.location.remote == crate::domain::job::RemotePolicy::Remote;
    JsonLd::new(&JobPosting {
        context: CONTEXT,
        kind: "JobPosting",
        title: s.title.clone(),
        description: description_html.as_str().to_owned(),
        date_posted: s.posted_at.to_rfc3339(),
        valid_through: job.valid_through.to_rfc3339(),
        employment_type: match s.employment_type {
            EmploymentType::FullTime => "FULL_TIME",
            EmploymentType::PartTime => "PART_TIME",
            EmploymentType::Contract => "CONTRACTOR",
            EmploymentType::Internship => "INTERN",
        },
        hiring_organization: Organization {
            kind: "Organization",
            name: company.name.clone(),
            same_as: company.website.clone(),
            url: None,
            // The largest width: search engines want a logo they can scale down.
            logo: company
                .logo
                .as_ref()
                .map(|logo| format!("{}{}", base_url.trim_end_matches('/'), logo.largest_url())),
        },
        job_location: s.location.city.as_ref().map(|city| Place {
            kind: "Place",
            address: PostalAddress {
                kind: "PostalAddress",
                address_locality: city.clone(),
                address_country: s.location.country.clone(),
            },
        }),
        job_location_type: remote.then_some("TELECOMMUTE"),
        applicant_location_requirements: if remote {
            s.location
                .remote_countries
                .iter()
                .map(|code| Country {
                    kind: "Country",
                    name: code.clone(),
                })
                .collect()
        } else {
            Vec::new()
        },
        base_salary: s.salary.as_ref().map(|salary| MonetaryAmount {
            kind: "MonetaryAmount",
            currency: salary.currency().code(),
            value: QuantitativeValue {
                kind: "QuantitativeValue",
                min_value: salary.min(),
                max_value: salary.max(),
                unit_text: match salary.period() {
                    SalaryPeriod::Year => "YEAR",
                    SalaryPeriod::Month => "MONTH",
                    SalaryPeriod::Hour => "HOUR",
                },
            },
        }),
        identifier: PropertyValue {
            kind: "PropertyValue",
            name: company.name.clone(),
            value: s.id.to_string(),
        },
        // Applications happen on the employer's site or by e-mail, not here.
        direct_apply: false,
        url: page_url.to_owned(),
    })
}

#[derive(Serialize)]
struct Person {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArticleData {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: String,
    description: String,
    image: Vec<String>,
    date_published: String,
    date_modified: String,
    author: Person,
    publisher: Organization,
    main_entity_of_page: String,
}

pub fn article(
    article: &Article,
    page_url: &str,
    image_url: &str,
    base_url: &str,
    logo_url: &str,
) -> JsonLd {
    JsonLd::new(&ArticleData {
        context: CONTEXT,
        kind: "Article",
        headline: article.summary.title.clone(),
        description: article.summary.summary.clone(),
        image: vec![image_url.to_owned()],
        date_published: article.summary.published_at.to_rfc3339(),
        date_modified: article
            .updated_at
            .max(article.summary.published_at)
            .to_rfc3339(),
        author: Person {
            kind: "Person",
            name: article.summary.author_name.clone(),
        },
        publisher: Organization {
            kind: "Organization",
            name: SITE_NAME.to_owned(),
            same_as: None,
            url: Some(format!("{base_url}/")),
            logo: Some(logo_url.to_owned()),
        },
        main_entity_of_page: page_url.to_owned(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryPoint {
    #[serde(rename = "@type")]
    kind: &'static str,
    url_template: String,
}

#[derive(Serialize)]
struct SearchAction {
    #[serde(rename = "@type")]
    kind: &'static str,
    target: EntryPoint,
    #[serde(rename = "query-input")]
    query_input: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebSite {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'static str,
    url: String,
    potential_action: SearchAction,
}

#[derive(Serialize)]
struct OrganizationData {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(flatten)]
    organization: Organization,
}

/// The home page's WebSite (with the job search as its SearchAction) and Organization.
pub fn website_and_organization(base_url: &str, logo_url: &str) -> [JsonLd; 2] {
    [
        JsonLd::new(&WebSite {
            context: CONTEXT,
            kind: "WebSite",
            name: SITE_NAME,
            url: format!("{base_url}/"),
            potential_action: SearchAction {
                kind: "SearchAction",
                target: EntryPoint {
                    kind: "EntryPoint",
                    url_template: format!("{base_url}/jobs?q={{search_term_string}}"),
                },
                query_input: "required name=search_term_string",
            },
        }),
        JsonLd::new(&OrganizationData {
            context: CONTEXT,
            organization: Organization {
                kind: "Organization",
                name: SITE_NAME.to_owned(),
                same_as: None,
                url: Some(format!("{base_url}/")),
                logo: Some(logo_url.to_owned()),
            },
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let block =
            JsonLd::new(&serde_json::json!({ "name": "</script><script>alert(1)</script> & co" }));
        assert!(!block.as_str().contains("</script"));
        let parsed: serde_json::Value = serde_json::from_str(block.as_str()).unwrap();
        assert_eq!(parsed["name"], "</script><script>alert(1)</script> & co");
    }

    #[test]
    fn breadcrumbs_are_absolute_and_numbered() {
        let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Jobs")];
        let block = breadcrumb_list("https://x.org", "https://x.org/jobs", &crumbs);
        let parsed: serde_json::Value = serde_json::from_str(block.as_str()).unwrap();
        assert_eq!(parsed["@type"], "BreadcrumbList");
        assert_eq!(parsed["itemListElement"][0]["item"], "https://x.org/");
        assert_eq!(parsed["itemListElement"][1]["position"], 2);
        assert_eq!(parsed["itemListElement"][1]["item"], "https://x.org/jobs");
    }
}
