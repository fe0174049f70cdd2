//! The employers' pages: posting a job, confirming the address, managing the ad.

use super::admin::FormErrors;
use super::layout::Layout;
use askama::Template;

/// A value of a select.
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The company part of the employers' job form.
pub struct CompanyFormView {
    pub name: String,
    pub city: String,
    pub website: String,
    pub size: String,
    pub about: String,
    pub sizes: Vec<SelectOption>,
    /// The company of a job that exists: shown, not editable.
    pub locked: Option<String>,
}

/// A short page after an employer's action: what happened and what comes next.
#[derive(Template)]
#[template(path = "post_job/message.html")]
pub struct EmployerMessagePage {
    pub layout: Layout,
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// A form with one button (confirming the address).
    pub button: Option<(String, String)>,
    pub links: Vec<(String, String)>,
}

/// One line of the manage page's facts.
pub struct ManageFact {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "post_job/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub title: String,
    pub notice: Option<String>,
    pub status_kind: &'static str,
    pub status_label: String,
    pub status_text: String,
    pub facts: Vec<ManageFact>,
    pub public_url: Option<String>,
    pub edit_url: String,
    pub close_url: Option<String>,
    pub extend_url: Option<String>,
    pub extend_until: String,
}

#[derive(Template)]
#[template(path = "post_job/resend.html")]
pub struct ResendLinkPage {
    pub layout: Layout,
    pub email: String,
    pub sent: bool,
    pub errors: FormErrors,
}
