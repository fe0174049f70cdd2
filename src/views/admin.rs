//! What every admin page tells `templates/admin/layout.html`.

use super::assets;

/// Which admin navigation entry is the current section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSection {
    Moderation,
    Articles,
    Jobs,
    Companies,
    Images,
    Editors,
    Audit,
    Mail,
    Account,
    SignIn,
}

/// The fields the admin layout reads; every admin page struct carries one as `layout`.
#[derive(Debug, Clone)]
pub struct AdminLayout {
    /// The `<title>` without the site name.
    pub title: String,
    pub stylesheet: String,
    pub icon: String,
    pub script: String,
    pub section: AdminSection,
    /// Empty on the sign-in page.
    pub editor_name: String,
    pub is_admin: bool,
    pub csrf: String,
    pub flash: Option<String>,
    /// Submissions and reports waiting in the moderation queue.
    pub waiting: i64,
}

impl AdminLayout {
    /// A page for the signed-in editor `editor_name` (see `AdminContext::layout`).
    pub fn new(
        section: AdminSection,
        title: impl Into<String>,
        editor_name: &str,
        is_admin: bool,
        csrf: &str,
        flash: Option<String>,
    ) -> Self {
        Self {
            title: title.into(),
            stylesheet: assets::url("css/site.css"),
            icon: assets::url("img/favicon.svg"),
            script: assets::url("js/admin.js"),
            section,
            editor_name: editor_name.to_owned(),
            is_admin,
            csrf: csrf.to_owned(),
            flash,
            waiting: 0,
        }
    }

    /// The moderation queue's length, for the menu.
    pub fn with_waiting(mut self, waiting: i64) -> Self {
        self.waiting = waiting;
        self
    }

    /// The sign-in page: nobody is signed in yet.
    pub fn signed_out(title: impl Into<String>, csrf: &str) -> Self {
        Self {
            title: title.into(),
            stylesheet: assets::url("css/site.css"),
            icon: assets::url("img/favicon.svg"),
            script: assets::url("js/admin.js"),
            section: AdminSection::SignIn,
            editor_name: String::new(),
            is_admin: false,
            csrf: csrf.to_owned(),
            flash: None,
            waiting: 0,
        }
    }

    pub fn current(&self, section: &str) -> bool {
        let name = match self.section {
            AdminSection::Moderation => "moderation",
            AdminSection::Articles => "articles",
            AdminSection::Jobs => "jobs",
            AdminSection::Companies => "companies",
            AdminSection::Images => "images",
            AdminSection::Editors => "editors",
            AdminSection::Audit => "audit",
            AdminSection::Mail => "mail",
            AdminSection::Account => "account",
            AdminSection::SignIn => "signin",
        };
        name == section
    }
}

/// A form field's error, shown beside the field and in the summary at the top.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The `id` of the input, for the summary's link and `aria-describedby`.
    pub field: String,
    pub message: String,
}

/// Errors and warnings of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
}

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The message for `field`, or an empty string (templates test `!is_empty()`).
    pub fn of(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
