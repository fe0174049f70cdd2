//! The submission linter: what Google's JobPosting content rules and job seekers care
//! about, checked on a job draft before it is saved. Errors block the save (422),
//! warnings are shown beside the form and do not.

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The draft cannot be saved until this is fixed.
    Error,
    /// Worth fixing; the draft can be saved anyway.
    Warning,
}

/// One thing the linter noticed, with the form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The form field (input `id`/`name`) the finding is shown beside.
    pub field: &'static str,
    /// What is wrong, written for the person filling in the form.
    pub message: &'static str,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The form field of the title.
pub const FIELD_TITLE: &str = "title";
/// The form field of the description.
pub const FIELD_DESCRIPTION: &str = "description";
/// The form field of the technology checkboxes.
pub const FIELD_TECHNOLOGIES: &str = "technologies";
/// The form field of the salary minimum (where the salary group starts).
pub const FIELD_SALARY: &str = "salary_min";
/// The form field of the allowed countries of a remote job.
pub const FIELD_REMOTE_COUNTRIES: &str = "remote_countries";
/// The form field of the apply URL or e-mail address.
pub const FIELD_APPLY: &str = "apply";

/// A description shorter than this (in characters) is too thin to decide on.
pub const MIN_DESCRIPTION_CHARS: usize = 400;

/// What the linter reads of a job draft: the fields as the form holds them.
#[derive(Debug, Clone, Copy)]
pub struct JobDraft<'a> {
    pub title: &'a str,
    pub company_name: &'a str,
    pub description_markdown: &'a str,
    pub technology_count: usize,
    pub has_salary: bool,
    pub remote: bool,
    pub remote_countries: &'a [String],
    /// The apply target as entered: a URL, or an e-mail address (not checked here).
    pub apply: &'a str,
}

/// Every finding for `draft`, errors and warnings, in form order.
pub fn lint(draft: &JobDraft<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |severity, field, message| {
        out.push(Finding {
            severity,
            field,
            message,
        });
    };
    let title = draft.title.trim();
    let phone = has_phone_number(title);
    // A phone number's digits are not a salary; it gets its own message below.
    if !phone && title_has_salary(title) {
        push(
            Severity::Error,
            FIELD_TITLE,
            "The title must not contain a salary or currency; use the salary fields.",
        );
    }
    let company = draft.company_name.trim();
    if !company.is_empty() && title.to_lowercase().contains(&company.to_lowercase()) {
        push(
            Severity::Warning,
            FIELD_TITLE,
            "The title names the company; the company is shown beside it anyway.",
        );
    }
    if title_is_shouting(title) {
        push(
            Severity::Error,
            FIELD_TITLE,
            "The title must not say \"urgent\" or use repeated exclamation marks.",
        );
    }
    if is_all_caps(title) {
        push(
            Severity::Error,
            FIELD_TITLE,
            "The title must not be written in capital letters only.",
        );
    }
    if has_email(title) {
        push(
            Severity::Error,
            FIELD_TITLE,
            "The title must not contain an e-mail address.",
        );
    }
    if phone {
        push(
            Severity::Error,
            FIELD_TITLE,
            "The title must not contain a phone number.",
        );
    }
    if draft.description_markdown.trim().chars().count() < MIN_DESCRIPTION_CHARS {
        push(
            Severity::Warning,
            FIELD_DESCRIPTION,
            "The description is shorter than 400 characters; say more about the work, the team and the stack.",
        );
    }
    if draft.technology_count == 0 {
        push(
            Severity::Warning,
            FIELD_TECHNOLOGIES,
            "No technologies are chosen; job seekers filter by them.",
        );
    }
    if !draft.has_salary {
        push(
            Severity::Warning,
            FIELD_SALARY,
            "No salary is given; jobs with a salary get more applications.",
        );
    }
    if draft.remote && draft.remote_countries.is_empty() {
        push(
            Severity::Error,
            FIELD_REMOTE_COUNTRIES,
            "A remote job must name the countries applicants may work from.",
        );
    }
    let apply = draft.apply.trim();
    if !apply.contains('@') || apply.contains("://") {
        let lower = apply.to_ascii_lowercase();
        if !lower.starts_with("https://") {
            push(
                Severity::Error,
                FIELD_APPLY,
                "The apply link must be an https:// address (or give an e-mail address).",
            );
        }
    }
    out
}

/// Whether any finding blocks the save.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

const CURRENCY_SIGNS: [char; 3] = ['€', '$', '£'];
const CURRENCY_WORDS: [&str; 6] = ["eur", "euro", "usd", "gbp", "chf", "salary"];

/// A currency sign or code, a figure of 10,000 or more, or a figure in thousands ("60k").
fn title_has_salary(title: &str) -> bool {
    if title.contains(CURRENCY_SIGNS) {
        return true;
    }
    if words(title).any(|w| CURRENCY_WORDS.contains(&w.to_lowercase().as_str())) {
        return true;
    }
    let chars: Vec<char> = title.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            // A figure with thousands separators: 60.000, 60,000, 60000.
            let mut digits = String::new();
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',')
            {
                if chars[i].is_ascii_digit() {
                    digits.push(chars[i]);
                }
                i += 1;
            }
            let value: u64 = digits.parse().unwrap_or(u64::MAX);
            let thousands = chars.get(i).is_some_and(|c| matches!(c, 'k' | 'K'))
                && !chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
            if thousands || (value >= 10_000 && digits.len() < 7) {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn title_is_shouting(title: &str) -> bool {
    title.contains("!!")
        || words(title).any(|w| {
            let w = w.to_lowercase();
            w == "urgent" || w == "urgently" || w == "dringend"
        })
}

/// At least eight letters and none of them lower case ("SAP ABAP DEV" is, "AWS SRE" is not).
fn is_all_caps(title: &str) -> bool {
    let letters: Vec<char> = title.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 8 && letters.iter().all(|c| !c.is_lowercase())
}

/// Something like `name@host.tld`.
fn has_email(title: &str) -> bool {
    title.split_whitespace().any(|token| {
        token.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.trim_end_matches(['.', ',', ')']).contains('.')
        })
    })
}

/// Seven or more digits in one run of digits, spaces, `+ - / ( )`, written as phone
/// numbers are: starting with `+` or `0`, or with a bracket or slash in it.
fn has_phone_number(title: &str) -> bool {
    let is_part = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '/' | '(' | ')');
    let mut run = String::new();
    for c in title.chars().chain(std::iter::once('x')) {
        if is_part(c) {
            run.push(c);
            continue;
        }
        let span = run.trim();
        let digits = span.chars().filter(char::is_ascii_digit).count();
        let phone_like = span.starts_with('+')
            || span.starts_with('0')
            || span.starts_with("(0")
            || span.contains('/')
            || span.contains('(')
            || digits >= 7 && !span.contains('-');
        if digits >= 7 && phone_like {
            return true;
        }
        run.clear();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "We build the payment platform for thousands of small shops in Germany. \
        You join a team of six engineers who own the checkout service end to end: design, \
        code review, deployment and on-call, with a budget for conferences and books. \
        The stack is Rust and PostgreSQL on Kubernetes; we deploy several times a day and \
        keep the build under ten minutes. You will pair with a senior engineer in your first \
        weeks and ship to production in your first month.";

    fn countries() -> Vec<String> {
        vec!["DE".to_owned(), "AT".to_owned()]
    }

    fn draft<'a>(title: &'a str, countries: &'a [String]) -> JobDraft<'a> {
        JobDraft {
            title,
            company_name: "Nordlicht Software",
            description_markdown: LONG,
            technology_count: 2,
            has_salary: true,
            remote: false,
            remote_countries: countries,
            apply: "https://nordlicht.example/jobs/1",
        }
    }

    fn fields(findings: &[Finding], severity: Severity) -> Vec<&'static str> {
        findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.field)
            .collect()
    }

    #[test]
    fn a_good_draft_has_no_findings() {
        let c = countries();
        assert_eq!(lint(&draft("Senior Rust Engineer (m/w/d)", &c)), vec![]);
        assert_eq!(
            lint(&draft("Backend Developer Python 3 / Web3", &c)),
            vec![]
        );
        assert_eq!(lint(&draft("Graduate Programme 2027", &c)), vec![]);
        assert_eq!(lint(&draft("AWS SRE", &c)), vec![]);
    }

    #[test]
    fn a_missing_salary_is_a_warning_on_the_salary_field() {
        let c = countries();
        let mut d = draft("Rust Engineer", &c);
        d.has_salary = false;
        let found = lint(&d);
        assert_eq!(fields(&found, Severity::Warning), vec![FIELD_SALARY]);
        assert!(!has_errors(&found));
    }

    #[test]
    fn a_salary_in_the_title_is_an_error() {
        let c = countries();
        for title in [
            "Rust Engineer 80k",
            "Rust Engineer (60K-80K)",
            "Rust Engineer 75.000",
            "Rust Engineer 75,000 per year",
            "Rust Engineer up to 90000",
            "Rust Engineer €",
            "Rust Engineer $120",
            "Rust Engineer 5000 EUR",
            "Rust Engineer, great salary",
        ] {
            let found = lint(&draft(title, &c));
            assert_eq!(
                fields(&found, Severity::Error),
                vec![FIELD_TITLE],
                "{title}"
            );
        }
        for title in [
            "Rust Engineer 2026",
            "Kotlin Engineer",
            "Engineer for 3D kernels",
        ] {
            assert!(!has_errors(&lint(&draft(title, &c))), "{title}");
        }
    }

    #[test]
    fn the_company_name_in_the_title_is_a_warning() {
        let c = countries();
        let found = lint(&draft("Rust Engineer at NORDLICHT software", &c));
        assert_eq!(fields(&found, Severity::Warning), vec![FIELD_TITLE]);
        assert!(!has_errors(&found));
        let mut d = draft("Rust Engineer", &c);
        d.company_name = "  ";
        assert_eq!(lint(&d), vec![]);
    }

    #[test]
    fn urgent_and_exclamation_marks_are_errors() {
        let c = countries();
        for title in [
            "URGENT: Rust Engineer",
            "Rust Engineer (urgent)",
            "Rust Engineer!!!",
            "Rust Engineer!!",
        ] {
            let found = lint(&draft(title, &c));
            assert_eq!(
                fields(&found, Severity::Error),
                vec![FIELD_TITLE],
                "{title}"
            );
        }
        assert!(!has_errors(&lint(&draft("Rust Engineer!", &c))));
        assert!(!has_errors(&lint(&draft("Urgency Platform Engineer", &c))));
    }

    #[test]
    fn an_all_caps_title_is_an_error() {
        let c = countries();
        let found = lint(&draft("SENIOR RUST ENGINEER", &c));
        assert_eq!(fields(&found, Severity::Error), vec![FIELD_TITLE]);
        assert!(!has_errors(&lint(&draft("Senior SAP ABAP Engineer", &c))));
        assert!(!has_errors(&lint(&draft("QA (M/W/D)", &c))));
    }

    #[test]
    fn an_e_mail_address_in_the_title_is_an_error() {
        let c = countries();
        let found = lint(&draft(
            "Rust Engineer - apply at jobs@nordlicht.example",
            &c,
        ));
        assert_eq!(fields(&found, Severity::Error), vec![FIELD_TITLE]);
        assert!(!has_errors(&lint(&draft(
            "Rust Engineer @ Berlin office",
            &c
        ))));
    }

    #[test]
    fn a_phone_number_in_the_title_is_an_error() {
        let c = countries();
        for title in [
            "Rust Engineer, call +49 30 1234567",
            "Rust Engineer 030 1234 5678",
            "Rust Engineer (030) 123456",
            "Rust Engineer 030/1234567",
        ] {
            let found = lint(&draft(title, &c));
            assert_eq!(
                fields(&found, Severity::Error),
                vec![FIELD_TITLE],
                "{title}"
            );
        }
        assert!(!has_errors(&lint(&draft(
            "Rust Engineer 2 - 3 days remote",
            &c
        ))));
    }

    #[test]
    fn a_short_description_is_a_warning() {
        let c = countries();
        let mut d = draft("Rust Engineer", &c);
        d.description_markdown = "Write Rust.";
        let found = lint(&d);
        assert_eq!(fields(&found, Severity::Warning), vec![FIELD_DESCRIPTION]);
        assert!(!has_errors(&found));
        let exactly: String = "x".repeat(MIN_DESCRIPTION_CHARS);
        d.description_markdown = &exactly;
        assert_eq!(lint(&d), vec![]);
    }

    #[test]
    fn no_technologies_is_a_warning() {
        let c = countries();
        let mut d = draft("Rust Engineer", &c);
        d.technology_count = 0;
        let found = lint(&d);
        assert_eq!(fields(&found, Severity::Warning), vec![FIELD_TECHNOLOGIES]);
        assert!(!has_errors(&found));
    }

    #[test]
    fn a_remote_job_without_countries_is_an_error() {
        let c = countries();
        let mut d = draft("Rust Engineer", &c);
        d.remote = true;
        assert_eq!(lint(&d), vec![]);
        let none: Vec<String> = Vec::new();
        d.remote_countries = &none;
        let found = lint(&d);
        assert_eq!(
            fields(&found, Severity::Error),
            vec![FIELD_REMOTE_COUNTRIES]
        );
        d.remote = false;
        assert_eq!(lint(&d), vec![]);
    }

    #[test]
    fn an_apply_url_that_is_not_https_is_an_error() {
        let c = countries();
        let mut d = draft("Rust Engineer", &c);
        for apply in [
            "http://nordlicht.example/jobs",
            "ftp://x.example",
            "nordlicht.example/jobs",
            "",
        ] {
            d.apply = apply;
            let found = lint(&d);
            assert_eq!(
                fields(&found, Severity::Error),
                vec![FIELD_APPLY],
                "{apply}"
            );
        }
        for apply in [
            "https://nordlicht.example/jobs",
            "HTTPS://X.EXAMPLE",
            "jobs@nordlicht.example",
        ] {
            d.apply = apply;
            assert_eq!(lint(&d), vec![], "{apply}");
        }
    }
}
