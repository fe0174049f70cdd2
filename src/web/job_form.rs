//! The job fields one form shares between editors (`/admin/jobs`) and employers
//! (`/post-a-job`, `/manage`): reading them from a post, checking them with the
//! submission linter, and turning them into a job to save. Invalid input keeps every
//! field as typed, so the form comes back with it.

use crate::domain::dates;
use crate::domain::job::{
    ApplyChannel, EmploymentType, JobContent, Location, RemotePolicy, Seniority,
};
use crate::domain::job_lint::{self, Finding, JobDraft, Severity};
use crate::domain::salary::{Currency, SalaryPeriod, SalaryRange};
use crate::domain::technology::Technology;
use crate::repo::admin_jobs::EditableJob;
use crate::views::admin::FormErrors;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The furthest a job may run: Google's rule of thumb and the board's.
pub const MAX_DAYS: i64 = 90;

/// The job's own fields as typed (the company and the status are the caller's). Kept as
/// strings so a form that fails comes back exactly as sent; stored like this, as JSON,
/// while an employer's submission waits for review.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct JobFields {
    pub title: String,
    pub description: String,
    pub seniority: String,
    pub employment_type: String,
    pub remote_policy: String,
    pub city: String,
    pub remote_countries: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_currency: String,
    pub salary_period: String,
    pub apply: String,
    pub valid_through: String,
    pub technologies: Vec<String>,
}

/// The fields of a form post, in order; checkboxes repeat their name.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The last value of `name` in a post, or "".
pub fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl JobFields {
    /// A new job's starting values: the common choices, 30 days to run.
    pub fn blank(now: DateTime<Utc>) -> Self {
        Self {
            seniority: Seniority::Mid.as_str().to_owned(),
            employment_type: EmploymentType::FullTime.as_str().to_owned(),
            remote_policy: RemotePolicy::Onsite.as_str().to_owned(),
            salary_currency: Currency::Eur.code().to_owned(),
            salary_period: SalaryPeriod::Year.as_str().to_owned(),
            valid_through: dates::iso_date(now + Duration::days(30)),
            ..Self::default()
        }
    }

    /// The fields of a form post.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name| field(pairs, name);
        Self {
            title: get("title"),
            description: get("description"),
            seniority: get("seniority"),
            employment_type: get("employment_type"),
            remote_policy: get("remote_policy"),
            city: get("city"),
            remote_countries: get("remote_countries"),
            salary_min: get("salary_min"),
            salary_max: get("salary_max"),
            salary_currency: get("salary_currency"),
            salary_period: get("salary_period"),
            apply: get("apply"),
            valid_through: get("valid_through"),
            technologies: pairs
                .iter()
                .filter(|(k, _)| k == "technologies")
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    /// The fields of a stored job, for editing it.
    pub fn from_job(job: &EditableJob) -> Self {
        Self {
            title: job.title.clone(),
            description: job.description.clone(),
            seniority: job.seniority.clone(),
            employment_type: job.employment_type.clone(),
            remote_policy: job.remote_policy.clone(),
            city: job.city.clone().unwrap_or_default(),
            remote_countries: job.remote_countries.join(", "),
            salary_min: job.salary_min.map(|v| v.to_string()).unwrap_or_default(),
            salary_max: job.salary_max.map(|v| v.to_string()).unwrap_or_default(),
            salary_currency: job
                .salary_currency
                .clone()
                .unwrap_or_else(|| Currency::Eur.code().to_owned()),
            salary_period: job
                .salary_period
                .clone()
                .unwrap_or_else(|| SalaryPeriod::Year.as_str().to_owned()),
            apply: job
                .apply_url
                .clone()
                .or_else(|| job.apply_email.clone())
                .unwrap_or_default(),
            valid_through: dates::iso_date(job.valid_through),
            technologies: job.technology_slugs.clone(),
        }
    }

    pub fn country_codes(&self) -> Vec<String> {
        self.remote_countries
            .split([',', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_uppercase)
            .collect()
    }

    pub fn has_salary(&self) -> bool {
        !self.salary_min.trim().is_empty() || !self.salary_max.trim().is_empty()
    }

    /// The linter's findings, errors and warnings, for these fields under `company_name`.
    pub fn lint(&self, company_name: &str) -> Vec<Finding> {
        let countries = self.country_codes();
        job_lint::lint(&JobDraft {
            title: &self.title,
            company_name,
            description_markdown: &self.description,
            technology_count: self.technologies.len(),
            has_salary: self.has_salary(),
            remote: self.remote_policy == RemotePolicy::Remote.as_str(),
            remote_countries: &countries,
            apply: &self.apply,
        })
    }

    /// The linter's warnings, by field, for showing beside the form.
    pub fn warnings(&self, company_name: &str) -> FormErrors {
        let mut warnings = FormErrors::default();
        for finding in self.lint(company_name) {
            if finding.severity == Severity::Warning {
                warnings.add(finding.field, finding.message);
            }
        }
        warnings
    }
}

fn parse_amount(raw: &str, field: &str, errors: &mut FormErrors) -> Option<u32> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' '))
        .collect();
    match digits.parse::<u32>() {
        Ok(v) if v <= i32::MAX as u32 => Some(v),
        _ => {
            errors.add(field, "Enter a whole amount, e.g. 65000.");
            None
        }
    }
}

/// Checks `fields` (for a job of `company_name`, in `country`): the job, or `None` with
/// the reasons added to `errors`. The linter's errors count; its warnings do not. A
/// caller with fields of its own (the company) adds their errors to the same list and
/// saves only when it is empty.
pub fn validate(
    fields: &JobFields,
    technologies: &[Technology],
    company_name: &str,
    country: &str,
    now: DateTime<Utc>,
    errors: &mut FormErrors,
) -> Option<JobContent> {
    let before = errors.errors.len();
    let title = fields.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", "Enter the job's title.");
    } else if title.chars().count() > 200 {
        errors.add("title", "The title can have at most 200 characters.");
    }
    let description = fields.description.trim().to_owned();
    if description.is_empty() {
        errors.add("description", "Describe the job.");
    } else if description.chars().count() > 20_000 {
        errors.add(
            "description",
            "The description can have at most 20,000 characters.",
        );
    }
    let mut technology_slugs = Vec::new();
    for raw in &fields.technologies {
        match technologies.iter().find(|t| t.slug.as_str() == raw) {
            Some(t) => technology_slugs.push(t.slug.clone()),
            None => errors.add("technologies", "Choose technologies from the list."),
        }
    }
    technology_slugs.sort();
    technology_slugs.dedup();
    let seniority = Seniority::parse(&fields.seniority)
        .map_err(|_| errors.add("seniority", "Choose the seniority."))
        .ok();
    let employment_type = EmploymentType::parse(&fields.employment_type)
        .map_err(|_| errors.add("employment_type", "Choose the employment type."))
        .ok();
    let remote = RemotePolicy::parse(&fields.remote_policy)
        .map_err(|_| errors.add("remote_policy", "Choose where the work happens."))
        .ok();
    let city = fields.city.trim().to_owned();
    if city.chars().count() > 100 {
        errors.add("city", "The city can have at most 100 characters.");
    } else if city.is_empty() && remote != Some(RemotePolicy::Remote) {
        errors.add(
            "city",
            "Enter the city (only fully remote jobs go without one).",
        );
    }
    let countries = fields.country_codes();
    if remote == Some(RemotePolicy::Remote) {
        if countries
            .iter()
            .any(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            errors.add(
                "remote_countries",
                "Enter two-letter country codes separated by commas, e.g. DE, AT, CH.",
            );
        }
    } else if !countries.is_empty() {
        errors.add(
            "remote_countries",
            "Countries are only for fully remote jobs; leave this empty or choose Remote.",
        );
    }
    let salary = if fields.has_salary() {
        let min = parse_amount(&fields.salary_min, "salary_min", errors);
        let max = parse_amount(&fields.salary_max, "salary_max", errors);
        let currency = Currency::parse(&fields.salary_currency)
            .map_err(|_| errors.add("salary_currency", "Choose the currency."))
            .ok();
        let period = SalaryPeriod::parse(&fields.salary_period)
            .map_err(|_| errors.add("salary_period", "Choose the period."))
            .ok();
        match (min, max, currency, period) {
            (Some(min), Some(max), Some(c), Some(p)) => match SalaryRange::parse(min, max, c, p) {
                Ok(range) => Some(range),
                Err(e) => {
                    errors.add("salary_min", format!("The salary: {}.", e.message));
                    None
                }
            },
            _ => None,
        }
    } else {
        None
    };
    let apply_raw = fields.apply.trim();
    let apply = if apply_raw.contains('@') && !apply_raw.contains("://") {
        let valid = apply_raw.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !apply_raw.contains(char::is_whitespace)
        });
        if !valid {
            errors.add("apply", "Enter an e-mail address like jobs@example.org.");
        }
        valid.then(|| ApplyChannel::Email(apply_raw.to_owned()))
    } else if apply_raw.is_empty() {
        errors.add("apply", "Enter the apply link or e-mail address.");
        None
    } else {
        // The linter reports anything that is not https; here only the shape counts.
        url::Url::parse(apply_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
            .map(|_| ApplyChannel::Url(apply_raw.to_owned()))
    };
    let today = now.date_naive();
    let valid_through = match NaiveDate::parse_from_str(fields.valid_through.trim(), "%Y-%m-%d") {
        Ok(date) if date < today => {
            errors.add("valid_through", "The end date must not be in the past.");
            None
        }
        Ok(date) if date > today + Duration::days(MAX_DAYS) => {
            errors.add(
                "valid_through",
                format!("The end date can be at most {MAX_DAYS} days from today."),
            );
            None
        }
        Ok(date) => date.and_hms_opt(23, 59, 59).map(|d| d.and_utc()),
        Err(_) => {
            errors.add("valid_through", "Enter the end date as YYYY-MM-DD.");
            None
        }
    };
    for finding in fields.lint(company_name) {
        if finding.severity == Severity::Error && errors.of(finding.field).is_empty() {
            errors.add(finding.field, finding.message);
        }
    }
    let (Some(seniority), Some(employment_type), Some(remote), Some(apply), Some(valid_through)) =
        (seniority, employment_type, remote, apply, valid_through)
    else {
        return None;
    };
    if errors.errors.len() > before {
        return None;
    }
    let is_remote = remote == RemotePolicy::Remote;
    Some(JobContent {
        title,
        description_markdown: description,
        technology_slugs,
        seniority,
        employment_type,
        location: Location {
            city: (!city.is_empty()).then_some(city),
            country: country.to_owned(),
            remote,
            remote_countries: if is_remote { countries } else { Vec::new() },
        },
        salary,
        apply,
        valid_through,
    })
}

/// A value of a select or radio group.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn list<'a>(
        items: impl IntoIterator<Item = (&'a str, &'a str)>,
        current: &str,
    ) -> Vec<Self> {
        items
            .into_iter()
            .map(|(value, label)| Self {
                selected: value == current,
                value: value.to_owned(),
                label: label.to_owned(),
            })
            .collect()
    }
}

pub struct TechnologyChoice {
    pub slug: String,
    pub name: String,
    pub checked: bool,
    /// Open jobs with this technology, when the form shows counts.
    pub count: Option<i64>,
}

/// The choices of the job fields, with the current values selected.
pub struct JobChoices {
    pub technologies: Vec<TechnologyChoice>,
    pub seniorities: Vec<Choice>,
    pub employment_types: Vec<Choice>,
    pub remote_policies: Vec<Choice>,
    pub currencies: Vec<Choice>,
    pub periods: Vec<Choice>,
}

impl JobChoices {
    pub fn new(
        fields: &JobFields,
        technologies: &[Technology],
        count_of: impl Fn(&Technology) -> Option<i64>,
    ) -> Self {
        Self {
            technologies: technologies
                .iter()
                .map(|t| TechnologyChoice {
                    checked: fields.technologies.iter().any(|s| s == t.slug.as_str()),
                    slug: t.slug.as_str().to_owned(),
                    name: t.name.clone(),
                    count: count_of(t),
                })
                .collect(),
            seniorities: Choice::list(
                Seniority::ALL.iter().map(|s| (s.as_str(), s.label())),
                &fields.seniority,
            ),
            employment_types: Choice::list(
                EmploymentType::ALL.iter().map(|s| (s.as_str(), s.label())),
                &fields.employment_type,
            ),
            remote_policies: Choice::list(
                RemotePolicy::ALL.iter().map(|s| (s.as_str(), s.label())),
                &fields.remote_policy,
            ),
            currencies: Choice::list(
                [Currency::Eur, Currency::Chf, Currency::Usd, Currency::Gbp]
                    .iter()
                    .map(|c| (c.code(), c.code())),
                &fields.salary_currency,
            ),
            periods: Choice::list(
                [
                    ("year", "per year"),
                    ("month", "per month"),
                    ("hour", "per hour"),
                ],
                &fields.salary_period,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_split_on_commas_and_spaces_and_upper_cased() {
        let fields = JobFields {
            remote_countries: "de, at ch,".into(),
            ..JobFields::default()
        };
        assert_eq!(fields.country_codes(), vec!["DE", "AT", "CH"]);
    }

    #[test]
    fn repeated_checkboxes_are_all_kept_and_other_fields_take_the_last_value() {
        let pairs = form_pairs(b"title=A&technologies=rust&technologies=go&title=B");
        let fields = JobFields::from_pairs(&pairs);
        assert_eq!(fields.title, "B");
        assert_eq!(fields.technologies, vec!["rust", "go"]);
    }

    #[test]
    fn fields_survive_a_trip_through_json() {
        let fields = JobFields {
            title: "Rust Engineer".into(),
            technologies: vec!["rust".into()],
            ..JobFields::blank(Utc::now())
        };
        let json = serde_json::to_value(&fields).unwrap();
        assert_eq!(serde_json::from_value::<JobFields>(json).unwrap(), fields);
    }
}
