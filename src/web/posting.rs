//! An employer's job ad as the public form sends it: the job's fields, the company
//! (an existing one by name, or a new one) and the contact address. Stored as JSON while
//! it waits for review, and checked the same way when an editor approves it.

use crate::domain::company::Company;
use crate::domain::editor::EmailAddress;
use crate::domain::job::JobContent;
use crate::domain::technology::Technology;
use crate::repo::intake::CompanyPick;
use crate::views::admin::FormErrors;
use crate::web::admin::companies::CompanyFields;
use crate::web::job_form::{self, JobFields, field};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The form's company fields are named `company_name`, `company_city`, …
pub const COMPANY_PREFIX: &str = "company_";

#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct PostingFields {
    #[serde(flatten)]
    pub job: JobFields,
    pub company_name: String,
    pub company_city: String,
    pub company_website: String,
    pub company_size: String,
    pub company_about: String,
    pub contact_email: String,
}

impl PostingFields {
    pub fn blank(now: DateTime<Utc>) -> Self {
        Self {
            job: JobFields::blank(now),
            ..Self::default()
        }
    }

    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name| field(pairs, name);
        Self {
            job: JobFields::from_pairs(pairs),
            company_name: get("company_name"),
            company_city: get("company_city"),
            company_website: get("company_website"),
            company_size: get("company_size"),
            company_about: get("company_about"),
            contact_email: get("contact_email"),
        }
    }

    /// The fields stored with a submission; `None` if the JSON is not such an object.
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        serde_json::from_value(value.clone()).ok()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn company_fields(&self) -> CompanyFields {
        CompanyFields {
            name: self.company_name.clone(),
            city: self.company_city.clone(),
            website: self.company_website.clone(),
            size_band: self.company_size.clone(),
            about: self.company_about.clone(),
        }
    }
}

/// A posting that passed every check.
pub struct ValidPosting {
    pub content: JobContent,
    pub company: CompanyPick,
    pub company_name: String,
    pub contact_email: EmailAddress,
}

/// Checks a posting. `existing` is the company the typed name found on the board, or the
/// company of the job an edit changes: then the new-company fields are not needed.
pub fn validate(
    fields: &PostingFields,
    existing: Option<&Company>,
    technologies: &[Technology],
    now: DateTime<Utc>,
    errors: &mut FormErrors,
) -> Option<ValidPosting> {
    let before = errors.errors.len();
    let (company, company_name) = match existing {
        Some(c) => (Some(CompanyPick::Existing(c.id)), c.name.clone()),
        None if fields.company_name.trim().is_empty() => {
            errors.add(
                "company_name",
                "Enter the company's name: an existing one, or a new one with its details.",
            );
            (None, String::new())
        }
        None => match fields.company_fields().parse_as(COMPANY_PREFIX) {
            Ok((input, slug)) => {
                let name = input.name.clone();
                (Some(CompanyPick::New(input, slug)), name)
            }
            Err(company_errors) => {
                errors.errors.extend(company_errors.errors);
                (None, fields.company_name.trim().to_owned())
            }
        },
    };
    let content = job_form::validate(&fields.job, technologies, &company_name, "DE", now, errors);
    // In the order of the form: the company, the job, the contact.
    let contact_email = EmailAddress::parse(&fields.contact_email)
        .map_err(|_| {
            errors.add(
                "contact_email",
                "Enter your e-mail address, e.g. hiring@example.com: the confirmation link goes there.",
            )
        })
        .ok();
    match (content, company, contact_email) {
        (Some(content), Some(company), Some(contact_email)) if errors.errors.len() == before => {
            Some(ValidPosting {
                content,
                company,
                company_name,
                contact_email,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posting_fields_keep_the_job_fields_flat_in_json() {
        let fields = PostingFields {
            job: JobFields {
                title: "Rust Engineer".into(),
                technologies: vec!["rust".into()],
                ..JobFields::default()
            },
            company_name: "Acme".into(),
            contact_email: "hr@acme.example".into(),
            ..PostingFields::default()
        };
        let json = fields.to_json();
        assert_eq!(json["title"], "Rust Engineer");
        assert_eq!(json["company_name"], "Acme");
        assert_eq!(PostingFields::from_json(&json), Some(fields));
    }
}
