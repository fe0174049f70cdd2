//! Uploaded images: checked and encoded anew at responsive widths ([`process`]), then
//! kept behind a small storage interface ([`store`]) and served by `web::media`.

pub mod process;
pub mod store;
