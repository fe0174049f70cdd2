//! The audit trail's vocabulary: what can happen, named once.

/// Every action the audit trail records. The stored name is `area.verb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    EditorCreated,
    EditorRoleChanged,
    EditorDeactivated,
    EditorReactivated,
    EditorPasswordReset,
    PasswordChanged,
    ArticleCreated,
    ArticleUpdated,
    ArticlePublished,
    ArticleScheduled,
    ArticleUnpublished,
    ArticleDeleted,
    ArticleRestored,
    ImageUploaded,
    MailRetried,
    AlertDigestsRun,
    JobCreated,
    JobUpdated,
    JobClosed,
    JobReopened,
    JobDeleted,
    CompanyCreated,
    CompanyUpdated,
    CompanyDeleted,
    CompanyLogoChanged,
    CompanyLogoRemoved,
    SubmissionApproved,
    SubmissionRejected,
    ChangesRequested,
    ReportDismissed,
    ReportJobClosed,
    EmployerJobClosed,
    EmployerJobExtended,
}

impl AuditAction {
    pub const ALL: [Self; 37] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignInThrottled,
        Self::SignOut,
        Self::EditorCreated,
        Self::EditorRoleChanged,
        Self::EditorDeactivated,
        Self::EditorReactivated,
        Self::EditorPasswordReset,
        Self::PasswordChanged,
        Self::ArticleCreated,
        Self::ArticleUpdated,
        Self::ArticlePublished,
        Self::ArticleScheduled,
        Self::ArticleUnpublished,
        Self::ArticleDeleted,
        Self::ArticleRestored,
        Self::ImageUploaded,
        Self::MailRetried,
        Self::AlertDigestsRun,
        Self::JobCreated,
        Self::JobUpdated,
        Self::JobClosed,
        Self::JobReopened,
        Self::JobDeleted,
        Self::CompanyCreated,
        Self::CompanyUpdated,
        Self::CompanyDeleted,
        Self::CompanyLogoChanged,
        Self::CompanyLogoRemoved,
        Self::SubmissionApproved,
        Self::SubmissionRejected,
        Self::ChangesRequested,
        Self::ReportDismissed,
        Self::ReportJobClosed,
        Self::EmployerJobClosed,
        Self::EmployerJobExtended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "session.sign_in",
            Self::SignInFailed => "session.sign_in_failed",
            Self::SignInThrottled => "session.sign_in_throttled",
            Self::SignOut => "session.sign_out",
            Self::EditorCreated => "editor.created",
            Self::EditorRoleChanged => "editor.role_changed",
            Self::EditorDeactivated => "editor.deactivated",
            Self::EditorReactivated => "editor.reactivated",
            Self::EditorPasswordReset => "editor.password_reset",
            Self::PasswordChanged => "editor.password_changed",
            Self::ArticleCreated => "article.created",
            Self::ArticleUpdated => "article.updated",
            Self::ArticlePublished => "article.published",
            Self::ArticleScheduled => "article.scheduled",
            Self::ArticleUnpublished => "article.unpublished",
            Self::ArticleDeleted => "article.deleted",
            Self::ArticleRestored => "article.restored",
            Self::ImageUploaded => "image.uploaded",
            Self::MailRetried => "mail.retried",
            Self::AlertDigestsRun => "alerts.digests_run",
            Self::JobCreated => "job.created",
            Self::JobUpdated => "job.updated",
            Self::JobClosed => "job.closed",
            Self::JobReopened => "job.reopened",
            Self::JobDeleted => "job.deleted",
            Self::CompanyCreated => "company.created",
            Self::CompanyUpdated => "company.updated",
            Self::CompanyDeleted => "company.deleted",
            Self::CompanyLogoChanged => "company.logo_changed",
            Self::CompanyLogoRemoved => "company.logo_removed",
            Self::SubmissionApproved => "submission.approved",
            Self::SubmissionRejected => "submission.rejected",
            Self::ChangesRequested => "submission.changes_requested",
            Self::ReportDismissed => "report.dismissed",
            Self::ReportJobClosed => "report.job_closed",
            Self::EmployerJobClosed => "employer.job_closed",
            Self::EmployerJobExtended => "employer.job_extended",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    /// What the audit page shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "Signed in",
            Self::SignInFailed => "Sign-in failed",
            Self::SignInThrottled => "Sign-in throttled",
            Self::SignOut => "Signed out",
            Self::EditorCreated => "Editor created",
            Self::EditorRoleChanged => "Role changed",
            Self::EditorDeactivated => "Editor deactivated",
            Self::EditorReactivated => "Editor reactivated",
            Self::EditorPasswordReset => "Password reset",
            Self::PasswordChanged => "Own password changed",
            Self::ArticleCreated => "Article created",
            Self::ArticleUpdated => "Article saved",
            Self::ArticlePublished => "Article published",
            Self::ArticleScheduled => "Article scheduled",
            Self::ArticleUnpublished => "Article unpublished",
            Self::ArticleDeleted => "Article deleted",
            Self::ArticleRestored => "Revision restored",
            Self::ImageUploaded => "Image uploaded",
            Self::MailRetried => "Mail queued again",
            Self::AlertDigestsRun => "Alert digests sent now",
            Self::JobCreated => "Job created",
            Self::JobUpdated => "Job saved",
            Self::JobClosed => "Job closed",
            Self::JobReopened => "Job reopened",
            Self::JobDeleted => "Job deleted",
            Self::CompanyCreated => "Company created",
            Self::CompanyUpdated => "Company saved",
            Self::CompanyDeleted => "Company deleted",
            Self::CompanyLogoChanged => "Company logo changed",
            Self::CompanyLogoRemoved => "Company logo removed",
            Self::SubmissionApproved => "Submission approved",
            Self::SubmissionRejected => "Submission rejected",
            Self::ChangesRequested => "Changes requested",
            Self::ReportDismissed => "Report dismissed",
            Self::ReportJobClosed => "Job closed after a report",
            Self::EmployerJobClosed => "Employer closed the job",
            Self::EmployerJobExtended => "Employer extended the job",
        }
    }
}

/// One entry to append. `editor_*` is empty for anonymous events (a failed sign-in).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub editor_id: Option<i64>,
    pub editor_email: String,
    pub action: AuditAction,
    pub subject_type: &'static str,
    pub subject_id: Option<i64>,
    pub summary: String,
    pub client_addr: String,
}

/// An entry as the audit page lists it.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub editor_email: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub summary: String,
    pub client_addr: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_name_parses_back_and_matches_the_schema_rule() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            let (area, verb) = action.as_str().split_once('.').unwrap();
            assert!(!area.is_empty() && !verb.is_empty());
            assert!(
                action
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
            );
        }
        assert_eq!(AuditAction::parse("article.burned"), None);
    }
}
