//! Jobs: the enumerations that describe them and the shapes pages read.

use super::InvalidInput;
use super::image::StoredImage;
use super::markdown::{SafeHtml, render_without_images};
use super::salary::SalaryRange;
use super::slug::Slug;
use super::technology::Technology;
use chrono::{DateTime, Utc};

/// Declares a closed set of values stored as text: its database spelling, a label for
/// people, and a parser that names the field when the input is unknown.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident = $db:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in the database and in URLs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $db),+ }
            }

            /// How the value reads on a page.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
                match raw {
                    $($db => Ok($name::$variant),)+
                    _ => Err(InvalidInput::new(
                        $field,
                        format!("must be one of: {}", [$($db),+].join(", ")),
                    )),
                }
            }
        }
    };
}

text_enum!(
    /// Where the work happens.
    RemotePolicy, "remote" {
        Onsite = "onsite", "On-site";
        Hybrid = "hybrid", "Hybrid";
        Remote = "remote", "Remote";
    }
);

text_enum!(
    /// How much experience the role expects.
    Seniority, "seniority" {
        Junior = "junior", "Junior";
        Mid = "mid", "Mid-level";
        Senior = "senior", "Senior";
        Lead = "lead", "Lead";
    }
);

text_enum!(
    /// The kind of contract.
    EmploymentType, "employment type" {
        FullTime = "full_time", "Full-time";
        PartTime = "part_time", "Part-time";
        Contract = "contract", "Contract";
        Internship = "internship", "Internship";
    }
);

text_enum!(
    /// Where a job is in its life.
    JobStatus, "status" {
        Draft = "draft", "Draft";
        Published = "published", "Published";
        Closed = "closed", "Closed";
    }
);

/// Where a job is done, as one value, so that a page cannot show a city for a
/// fully remote job by mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub city: Option<String>,
    pub country: String,
    pub remote: RemotePolicy,
    /// Countries a remote applicant may work from (ISO codes); empty unless remote.
    pub remote_countries: Vec<String>,
}

impl Location {
    /// "Berlin", "Berlin · Hybrid", "Remote (DE, AT)".
    pub fn display(&self) -> String {
        match (self.remote, &self.city) {
            (RemotePolicy::Remote, _) => {
                if self.remote_countries.is_empty() {
                    "Remote".to_owned()
                } else {
                    format!("Remote ({})", self.remote_countries.join(", "))
                }
            }
            (RemotePolicy::Hybrid, Some(city)) => format!("{city} · Hybrid"),
            (_, Some(city)) => city.clone(),
            (_, None) => self.country.clone(),
        }
    }
}

/// How a job can be applied for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyChannel {
    Url(String),
    Email(String),
}

impl ApplyChannel {
    /// The link the apply button points at.
    pub fn href(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Email(address) => format!("mailto:{address}"),
        }
    }
}

/// Whether a job is open for applications at `now`: published and not past its date.
pub fn is_open(status: JobStatus, valid_through: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == JobStatus::Published && valid_through > now
}

/// The facts a job card shows in a listing.
#[derive(Debug, Clone)]
pub struct JobSummary {
    pub id: i64,
    pub slug: Slug,
    pub title: String,
    pub company_name: String,
    pub company_slug: Slug,
    /// The company's logo, shared by every card of that company on a page.
    pub company_logo: Option<std::sync::Arc<StoredImage>>,
    pub location: Location,
    pub seniority: Seniority,
    pub employment_type: EmploymentType,
    pub salary: Option<SalaryRange>,
    pub posted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub technologies: Vec<Technology>,
}

/// Everything a job page shows.
#[derive(Debug, Clone)]
pub struct JobDetail {
    pub summary: JobSummary,
    pub description_markdown: String,
    /// The description as rendered when the job was saved; `None` for jobs saved before
    /// it was stored (see [`Self::description_html`]).
    pub description_html: Option<SafeHtml>,
    pub apply: ApplyChannel,
    pub valid_through: DateTime<Utc>,
    pub status: JobStatus,
}

impl JobDetail {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        is_open(self.status, self.valid_through, now)
    }

    /// The description as safe HTML: the stored rendering, or rendered now when there
    /// is none yet.
    pub fn description_html(&self) -> SafeHtml {
        self.description_html
            .clone()
            .unwrap_or_else(|| render_without_images(&self.description_markdown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn enums_round_trip_through_their_database_spelling() {
        for s in Seniority::ALL {
            assert_eq!(Seniority::parse(s.as_str()).unwrap(), *s);
        }
        for r in RemotePolicy::ALL {
            assert_eq!(RemotePolicy::parse(r.as_str()).unwrap(), *r);
        }
        for e in EmploymentType::ALL {
            assert_eq!(EmploymentType::parse(e.as_str()).unwrap(), *e);
        }
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()).unwrap(), *s);
        }
    }

    #[test]
    fn unknown_values_name_the_field_and_the_choices() {
        let err = Seniority::parse("wizard").unwrap_err();
        assert_eq!(err.field, "seniority");
        assert!(err.message.contains("junior, mid, senior, lead"));
    }

    #[test]
    fn only_published_jobs_before_their_end_date_are_open() {
        let now = Utc::now();
        assert!(is_open(JobStatus::Published, now + Duration::days(1), now));
        assert!(!is_open(
            JobStatus::Published,
            now - Duration::seconds(1),
            now
        ));
        assert!(!is_open(JobStatus::Closed, now + Duration::days(1), now));
        assert!(!is_open(JobStatus::Draft, now + Duration::days(1), now));
    }

    #[test]
    fn location_reads_naturally() {
        let mut loc = Location {
            city: Some("Berlin".into()),
            country: "DE".into(),
            remote: RemotePolicy::Onsite,
            remote_countries: vec![],
        };
        assert_eq!(loc.display(), "Berlin");
        loc.remote = RemotePolicy::Hybrid;
        assert_eq!(loc.display(), "Berlin · Hybrid");
        loc.remote = RemotePolicy::Remote;
        loc.remote_countries = vec!["DE".into(), "AT".into()];
        assert_eq!(loc.display(), "Remote (DE, AT)");
    }

    #[test]
    fn e_mail_applications_become_mailto_links() {
        assert_eq!(
            ApplyChannel::Email("jobs@example.org".into()).href(),
            "mailto:jobs@example.org"
        );
    }
}

/// What a job page shows: the job and its company.
#[derive(Debug, Clone)]
pub struct JobPage {
    pub job: JobDetail,
    pub company: super::company::Company,
}

/// A job as it is created: by the demo seed, by tests, later by editors.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub slug: Slug,
    pub title: String,
    pub company_slug: Slug,
    pub description_markdown: String,
    pub location: Location,
    pub seniority: Seniority,
    pub employment_type: EmploymentType,
    pub salary: Option<SalaryRange>,
    pub apply: ApplyChannel,
    pub posted_at: DateTime<Utc>,
    pub valid_through: DateTime<Utc>,
    pub status: JobStatus,
    pub technology_slugs: Vec<Slug>,
}

/// A job's own content, checked: what an editor's or an employer's form produces, before
/// it is given a company and a status.
#[derive(Debug, Clone)]
pub struct JobContent {
    pub title: String,
    pub description_markdown: String,
    pub technology_slugs: Vec<Slug>,
    pub seniority: Seniority,
    pub employment_type: EmploymentType,
    pub location: Location,
    pub salary: Option<SalaryRange>,
    pub apply: ApplyChannel,
    pub valid_through: DateTime<Utc>,
}
