//! Companies that post jobs.

use super::image::StoredImage;
use super::slug::Slug;

#[derive(Debug, Clone)]
pub struct Company {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub city: String,
    pub website: Option<String>,
    pub about_markdown: String,
    pub size_band: String,
    /// The uploaded logo; without one, pages show the monogram.
    pub logo: Option<StoredImage>,
}

impl Company {
    /// One or two letters for the monogram that stands in for a logo.
    pub fn monogram(&self) -> String {
        monogram(&self.name)
    }
}

/// "Nordlicht Software" → "NS", "acme" → "A".
pub fn monogram(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// One of five monogram colours, fixed per company so it looks the same on every page.
pub fn monogram_tone(slug: &str) -> u8 {
    let sum = slug.bytes().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    });
    u8::try_from(sum % 5).unwrap_or(0) + 1
}

/// The size band as people say it: "51-200" → "51–200 employees".
pub fn size_label(band: &str) -> String {
    match band {
        "1000+" => "more than 1,000 employees".to_owned(),
        other => format!("{} employees", other.replace('-', "–")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monogram_takes_the_first_letters_of_two_words() {
        assert_eq!(monogram("Nordlicht Software GmbH"), "NS");
        assert_eq!(monogram("acme"), "A");
        assert_eq!(monogram("  über  cloud "), "ÜC");
    }

    #[test]
    fn monogram_tones_are_stable_and_in_range() {
        assert_eq!(monogram_tone("acme"), monogram_tone("acme"));
        let tones: std::collections::HashSet<u8> = ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .map(|s| monogram_tone(s))
            .collect();
        assert!(tones.iter().all(|t| (1..=5).contains(t)));
        assert!(tones.len() > 1);
    }

    #[test]
    fn size_label_uses_an_en_dash() {
        assert_eq!(size_label("51-200"), "51–200 employees");
        assert_eq!(size_label("1000+"), "more than 1,000 employees");
    }
}

/// A company as it is created.
#[derive(Debug, Clone)]
pub struct NewCompany {
    pub slug: Slug,
    pub name: String,
    pub city: String,
    pub website: Option<String>,
    pub about_markdown: String,
    pub size_band: String,
}
