//! Turns the demo building blocks into realistic job ads, deterministically: the same
//! index always gives the same job, so seeding is repeatable.

use super::companies::{COMPANIES, DemoCompany};
use super::job_text::{BENEFITS, CLOSINGS, ROLE_FAMILIES, RoleFamily};
use super::technologies::{TECHNOLOGIES, name_of};
use crate::domain::job::{
    ApplyChannel, EmploymentType, JobStatus, Location, NewJob, RemotePolicy, Seniority,
};
use crate::domain::salary::{Currency, SalaryPeriod, SalaryRange};
use crate::domain::slug::Slug;
use chrono::{DateTime, Duration, Utc};

/// SplitMix64: a few lines, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n.max(1) as u64).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with the given percentage.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// `count` different items, in the order drawn.
    pub fn sample<'a, T>(&mut self, items: &'a [T], count: usize) -> Vec<&'a T> {
        let mut indices: Vec<usize> = (0..items.len()).collect();
        let count = count.min(items.len());
        for i in 0..count {
            let j = i + self.below(items.len() - i);
            indices.swap(i, j);
        }
        indices[..count].iter().map(|i| &items[*i]).collect()
    }
}

/// The parts of a generated job that do not depend on where it is stored.
pub struct GeneratedJob {
    pub title: String,
    pub company: &'static DemoCompany,
    pub description: String,
    /// The blocks `description` is made of.
    pub description_blocks: Vec<DescriptionBlock>,
    pub location: Location,
    pub seniority: Seniority,
    pub employment_type: EmploymentType,
    pub salary: Option<SalaryRange>,
    pub technology_slugs: Vec<&'static str>,
    pub posted_at: DateTime<Utc>,
    pub valid_through: DateTime<Utc>,
    pub status: JobStatus,
}

/// Larger companies post more jobs.
fn company_weight(company: &DemoCompany) -> usize {
    match company.size {
        "1000+" => 4,
        "201-1000" => 3,
        "51-200" => 2,
        _ => 1,
    }
}

fn pick_company(rng: &mut Rng) -> &'static DemoCompany {
    let total: usize = COMPANIES.iter().map(company_weight).sum();
    let mut ticket = rng.below(total);
    for company in COMPANIES {
        let weight = company_weight(company);
        if ticket < weight {
            return company;
        }
        ticket -= weight;
    }
    &COMPANIES[0]
}

fn family(key: &str) -> &'static RoleFamily {
    ROLE_FAMILIES
        .iter()
        .find(|f| f.key == key)
        .unwrap_or(&ROLE_FAMILIES[0])
}

/// Technologies a title names outright, such as "(Go)" or "C#/.NET", must be on the job.
fn technologies_named_in(title: &str) -> Vec<&'static str> {
    title
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '/'))
        .filter_map(|token| {
            TECHNOLOGIES
                .iter()
                .find(|(_, name)| *name == token)
                .map(|(slug, _)| *slug)
        })
        .collect()
}

fn seniority(rng: &mut Rng) -> Seniority {
    match rng.below(100) {
        0..=14 => Seniority::Junior,
        15..=49 => Seniority::Mid,
        50..=84 => Seniority::Senior,
        _ => Seniority::Lead,
    }
}

fn salary_factor(seniority: Seniority, city: Option<&str>) -> f64 {
    let level = match seniority {
        Seniority::Junior => 0.72,
        Seniority::Mid => 1.0,
        Seniority::Senior => 1.25,
        Seniority::Lead => 1.45,
    };
    let place = match city {
        Some("München") => 1.10,
        Some("Frankfurt am Main") => 1.07,
        Some("Hamburg" | "Stuttgart" | "Düsseldorf") => 1.03,
        Some("Berlin") | None => 1.0,
        Some(_) => 0.95,
    };
    level * place
}

fn round_to(value: f64, step: u32) -> u32 {
    let step = f64::from(step);
    ((value / step).round() * step) as u32
}

fn salary(
    rng: &mut Rng,
    family: &RoleFamily,
    seniority: Seniority,
    kind: EmploymentType,
    city: Option<&str>,
) -> Option<SalaryRange> {
    if !rng.chance(82) {
        return None;
    }
    let (min, max, period) = match kind {
        EmploymentType::Internship => {
            let min = 1_100 + 100 * rng.below(6) as u32;
            (min, min + 300, SalaryPeriod::Month)
        }
        EmploymentType::Contract => {
            let min = 60 + 5 * rng.below(9) as u32;
            (min, min + 10 + 5 * rng.below(4) as u32, SalaryPeriod::Hour)
        }
        EmploymentType::FullTime | EmploymentType::PartTime => {
            let factor = salary_factor(seniority, city)
                * if kind == EmploymentType::PartTime {
                    0.6
                } else {
                    1.0
                };
            let jitter = 0.94 + f64::from(rng.below(13) as u32) / 100.0;
            let (base_min, base_max) = family.mid_salary_eur;
            let min = round_to(f64::from(base_min) * factor * jitter, 1_000);
            let max = round_to(f64::from(base_max) * factor * jitter, 1_000).max(min);
            (min, max, SalaryPeriod::Year)
        }
    };
    SalaryRange::parse(min, max, Currency::Eur, period).ok()
}

/// One block of a generated description. The HTML of a description is the HTML of its
/// blocks in order, so a bulk load can render each distinct block once instead of
/// every description (see `super::description_html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptionBlock {
    /// A paragraph or a heading, as Markdown without the line break that ends it.
    Text(String),
    /// A tight bullet list.
    List(Vec<&'static str>),
    /// A paragraph naming technologies: "Go, PostgreSQL, Docker."
    Stack(Vec<&'static str>),
}

impl DescriptionBlock {
    fn push_markdown(&self, out: &mut String) {
        match self {
            Self::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Self::List(items) => {
                for item in items {
                    out.push_str("- ");
                    out.push_str(item);
                    out.push('\n');
                }
            }
            Self::Stack(names) => {
                out.push_str(&names.join(", "));
                out.push_str(".\n");
            }
        }
    }
}

/// The Markdown of `blocks`: each block ends its line, a blank line between blocks.
pub fn blocks_to_markdown(blocks: &[DescriptionBlock]) -> String {
    let mut text = String::new();
    for (n, block) in blocks.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        block.push_markdown(&mut text);
    }
    text
}

fn bullets(rng: &mut Rng, items: &[&'static str], count: usize) -> DescriptionBlock {
    DescriptionBlock::List(rng.sample(items, count).into_iter().copied().collect())
}

fn heading(text: &str) -> DescriptionBlock {
    DescriptionBlock::Text(format!("## {text}"))
}

fn description(
    rng: &mut Rng,
    family: &RoleFamily,
    company: &DemoCompany,
    city: &str,
    technologies: &[&str],
    long: bool,
) -> Vec<DescriptionBlock> {
    let fill = |text: &str| {
        text.replace("{company}", company.name)
            .replace("{city}", city)
    };
    let stack: Vec<&'static str> = technologies
        .iter()
        .filter_map(|slug| name_of(slug))
        .collect();
    let (tasks, requirements, benefits) = if long { (5, 5, 6) } else { (3, 3, 3) };
    let intro = *rng.pick(family.intros);
    let mut blocks = vec![
        DescriptionBlock::Text(fill(intro)),
        heading("What you will do"),
    ];
    blocks.push(bullets(rng, family.tasks, tasks));
    blocks.push(heading("What you bring"));
    blocks.push(bullets(rng, family.requirements, requirements));
    blocks.push(heading("Our stack"));
    blocks.push(DescriptionBlock::Stack(stack));
    blocks.push(heading("What we offer"));
    blocks.push(bullets(rng, BENEFITS, benefits));
    let closing = *rng.pick(CLOSINGS);
    blocks.push(DescriptionBlock::Text(fill(closing)));
    blocks
}

/// Generates job number `index` of a data set whose newest job is posted at `now`.
/// `long` selects full-length ads (demo) or shorter ones (bulk benchmark data).
pub fn generate(rng: &mut Rng, now: DateTime<Utc>, long: bool) -> GeneratedJob {
    let company = pick_company(rng);
    let family_key: &&str = rng.pick(company.families);
    let family = family(family_key);
    let title_stem = *rng.pick(family.titles);

    let employment_type = match rng.below(100) {
        0..=84 => EmploymentType::FullTime,
        85..=90 => EmploymentType::PartTime,
        91..=96 => EmploymentType::Contract,
        _ => EmploymentType::Internship,
    };
    let seniority = if employment_type == EmploymentType::Internship {
        Seniority::Junior
    } else {
        seniority(rng)
    };
    let title = match (employment_type, seniority) {
        (EmploymentType::Internship, _) => format!("Intern: {title_stem}"),
        (_, Seniority::Junior) => format!("Junior {title_stem}"),
        (_, Seniority::Mid) => title_stem.to_owned(),
        (_, Seniority::Senior) => format!("Senior {title_stem}"),
        (_, Seniority::Lead) => format!("Lead {title_stem}"),
    };

    let mut technology_slugs: Vec<&'static str> = technologies_named_in(title_stem);
    let preferred: Vec<&'static str> = family
        .core_tech
        .iter()
        .filter(|t| company.stack.contains(t))
        .copied()
        .collect();
    let core_pool: &[&'static str] = if preferred.is_empty() {
        family.core_tech
    } else {
        &preferred
    };
    let wanted_core = 1 + rng.below(2);
    for tech in rng.sample(core_pool, wanted_core) {
        if !technology_slugs.contains(tech) {
            technology_slugs.push(tech);
        }
    }
    let extra_pool: Vec<&'static str> = family
        .extra_tech
        .iter()
        .chain(company.stack.iter())
        .copied()
        .collect();
    let wanted_total = 3 + rng.below(3);
    while technology_slugs.len() < wanted_total {
        let tech = *rng.pick(&extra_pool);
        if !technology_slugs.contains(&tech) {
            technology_slugs.push(tech);
        } else if rng.chance(30) {
            break;
        }
    }

    let remote = match rng.below(100) {
        0..=44 => RemotePolicy::Hybrid,
        45..=74 => RemotePolicy::Onsite,
        _ => RemotePolicy::Remote,
    };
    let (city, remote_countries) = match remote {
        RemotePolicy::Remote => {
            let countries: &[&str] = match rng.below(3) {
                0 => &["DE"],
                1 => &["DE", "AT", "CH"],
                _ => &["DE", "AT", "NL", "PL", "ES", "PT"],
            };
            let city = rng.chance(40).then(|| company.city.to_owned());
            (city, countries.iter().map(|c| (*c).to_owned()).collect())
        }
        _ => (Some(company.city.to_owned()), Vec::new()),
    };

    let salary = salary(rng, family, seniority, employment_type, city.as_deref());
    let description_blocks = description(
        rng,
        family,
        company,
        city.as_deref().unwrap_or("Germany"),
        &technology_slugs,
        long,
    );

    // Most jobs are recent; a tail is older and partly expired, like on a real board.
    let age_hours = match rng.below(100) {
        0..=59 => rng.below(14 * 24),
        60..=89 => 14 * 24 + rng.below(30 * 24),
        _ => 44 * 24 + rng.below(40 * 24),
    };
    let posted_at = now
        - Duration::hours(i64::try_from(age_hours).unwrap_or(0))
        - Duration::minutes(rng.below(60) as i64);
    let valid_through = posted_at + Duration::days(*rng.pick(&[45i64, 60, 60, 75]));
    let status = match rng.below(100) {
        0..=3 => JobStatus::Closed,
        4 => JobStatus::Draft,
        _ => JobStatus::Published,
    };

    GeneratedJob {
        title,
        company,
        description: blocks_to_markdown(&description_blocks),
        description_blocks,
        location: Location {
            city,
            country: "DE".to_owned(),
            remote,
            remote_countries,
        },
        seniority,
        employment_type,
        salary,
        technology_slugs,
        posted_at,
        valid_through,
        status,
    }
}

/// The demo jobs as of `now`. Slugs depend only on the index, never on the date.
pub fn demo_jobs(now: DateTime<Utc>) -> Vec<NewJob> {
    let mut rng = Rng::new(0x6a6f_6262_6f61_7264);
    // Two ads with the same title, company and place would share a page title; a real
    // employer would not post them twice either.
    let mut seen = std::collections::HashSet::new();
    (0..super::DEMO_JOBS)
        .map(|index| {
            let job = loop {
                let job = generate(&mut rng, now, true);
                if seen.insert((job.title.clone(), job.company.slug, job.location.display())) {
                    break job;
                }
            };
            let slug =
                Slug::from_text(&format!("{} {} {}", job.title, job.company.slug, index + 1))
                    .expect("generated titles contain letters");
            let apply = if rng.chance(70) {
                ApplyChannel::Url(format!("{}/careers/{slug}", job.company.website))
            } else {
                ApplyChannel::Email(format!("jobs@{}.example", job.company.slug))
            };
            NewJob {
                slug,
                title: job.title,
                company_slug: Slug::parse(job.company.slug).expect("demo company slugs are valid"),
                description_markdown: job.description,
                location: job.location,
                seniority: job.seniority,
                employment_type: job.employment_type,
                salary: job.salary,
                apply,
                posted_at: job.posted_at,
                valid_through: job.valid_through,
                status: job.status,
                technology_slugs: job
                    .technology_slugs
                    .iter()
                    .map(|s| Slug::parse(*s).expect("technology slugs are valid"))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_jobs_are_the_same_every_time() {
        let now = Utc::now();
        let a: Vec<String> = demo_jobs(now)
            .into_iter()
            .map(|j| j.slug.into_string())
            .collect();
        let b: Vec<String> = demo_jobs(now - Duration::days(3))
            .into_iter()
            .map(|j| j.slug.into_string())
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn demo_jobs_have_unique_slugs_and_known_technologies() {
        let jobs = demo_jobs(Utc::now());
        let slugs: HashSet<_> = jobs.iter().map(|j| j.slug.clone()).collect();
        assert_eq!(slugs.len(), jobs.len());
        for job in &jobs {
            assert!(!job.technology_slugs.is_empty(), "{}", job.slug);
            for t in &job.technology_slugs {
                assert!(name_of(t.as_str()).is_some(), "{t}");
            }
        }
    }

    #[test]
    fn no_two_demo_jobs_share_title_company_and_place() {
        let jobs = demo_jobs(Utc::now());
        let keys: HashSet<_> = jobs
            .iter()
            .map(|j| {
                (
                    j.title.clone(),
                    j.company_slug.clone(),
                    j.location.display(),
                )
            })
            .collect();
        assert_eq!(keys.len(), jobs.len());
    }

    #[test]
    fn demo_jobs_have_a_realistic_spread() {
        let now = Utc::now();
        let jobs = demo_jobs(now);
        let open = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Published && j.valid_through > now)
            .count();
        let expired = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Published && j.valid_through <= now)
            .count();
        let closed = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Closed)
            .count();
        assert!(open > 300, "{open} open");
        assert!(
            expired > 0 && closed > 0,
            "{expired} expired, {closed} closed"
        );
        for remote in RemotePolicy::ALL {
            assert!(jobs.iter().any(|j| j.location.remote == *remote));
        }
        for seniority in Seniority::ALL {
            assert!(jobs.iter().any(|j| j.seniority == *seniority));
        }
        let cities: HashSet<_> = jobs
            .iter()
            .filter_map(|j| j.location.city.clone())
            .collect();
        assert!(cities.len() >= 10, "{cities:?}");
        assert!(jobs.iter().filter(|j| j.salary.is_some()).count() > 250);
    }

    #[test]
    fn titles_that_name_a_technology_carry_it() {
        assert_eq!(technologies_named_in("Backend Developer (Go)"), vec!["go"]);
        assert_eq!(
            technologies_named_in("Fullstack Engineer (C#/.NET and Angular)"),
            vec!["csharp", "dotnet", "angular"]
        );
    }

    #[test]
    fn rng_sample_draws_distinct_items() {
        let mut rng = Rng::new(1);
        let items = [1, 2, 3, 4, 5];
        let drawn = rng.sample(&items, 5);
        let set: HashSet<_> = drawn.iter().collect();
        assert_eq!(set.len(), 5);
    }
}
