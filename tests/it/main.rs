//! Integration tests: the real application on a random port against a fresh PostgreSQL
//! database per test, cloned from a migrated template.

mod admin;
mod admin_jobs;
mod alerts;
mod architecture;
mod articles_admin;
mod browser;
mod cli;
mod defects;
mod filters;
mod helpers;
mod images;
mod intake;
mod jobs;
mod landing;
mod logos;
mod mail;
mod moderation;
mod other_pages;
mod quality;
mod robustness;
mod salaries;
mod search;
mod security;
mod seed;
mod seed_bulk;
mod seo;
