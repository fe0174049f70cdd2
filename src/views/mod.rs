//! Page structs (one per template) and the view models they print. View models hold
//! ready-to-print strings, so templates stay free of logic.

pub mod admin;
pub mod admin_mail;
pub mod alerts;
pub mod assets;
pub mod employer;
pub mod employer_mail;
mod layout;
mod models;
pub mod pages;
pub mod reports;
pub mod salaries;
pub mod structured_data;

pub use layout::{Crumb, FeedLink, Layout, Nav, SITE_NAME};
pub use models::{
    ArticleCardView, ChipView, JobCardView, LogoView, PageLinkView, pagination_links,
};
