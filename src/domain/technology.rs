//! Technologies a job asks for (Rust, PostgreSQL, Kubernetes …).

use super::slug::Slug;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technology {
    pub slug: Slug,
    pub name: String,
}

/// A technology or city with the number of open jobs it has, for "popular" lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCount {
    pub slug: Slug,
    pub name: String,
    pub count: i64,
}
