//! Uploaded images as pages use them: one stored file per width, served under
//! `/media/{base}-{width}.{extension}`.

use chrono::{DateTime, Utc};

/// An uploaded image and the widths it is stored in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub id: i64,
    pub base_name: String,
    /// `jpg` or `png`.
    pub extension: String,
    /// Ascending.
    pub widths: Vec<u32>,
    /// Of the largest width.
    pub width: u32,
    pub height: u32,
    pub original_name: String,
    pub created_at: DateTime<Utc>,
}

impl StoredImage {
    /// The path of the file `width` pixels wide.
    pub fn url(&self, width: u32) -> String {
        format!("/media/{}-{width}.{}", self.base_name, self.extension)
    }

    /// The largest width's path.
    pub fn largest_url(&self) -> String {
        self.url(self.width)
    }

    /// The widest variant no wider than `max` (or the narrowest there is).
    pub fn fitting_width(&self, max: u32) -> u32 {
        self.widths
            .iter()
            .rev()
            .find(|w| **w <= max)
            .or(self.widths.first())
            .copied()
            .unwrap_or(self.width)
    }

    /// The `srcset` attribute: every stored width with its `w` descriptor.
    pub fn srcset(&self) -> String {
        self.widths
            .iter()
            .map(|w| format!("{} {w}w", self.url(*w)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The size the image is shown at inside a `side` × `side` box (a logo's square):
    /// the longer edge fills it, the aspect ratio is kept, and a small image is not
    /// enlarged.
    pub fn fit_within(&self, side: u32) -> (u32, u32) {
        if self.width == 0 || self.height == 0 {
            return (side, side);
        }
        let longer = self.width.max(self.height);
        if longer <= side {
            return (self.width, self.height);
        }
        let scale = |edge: u32| {
            let scaled =
                (u64::from(edge) * u64::from(side) + u64::from(longer) / 2) / u64::from(longer);
            u32::try_from(scaled).unwrap_or(side).max(1)
        };
        (scale(self.width), scale(self.height))
    }

    /// The height at `width`, keeping the aspect ratio (rounded like the resizer).
    pub fn height_at(&self, width: u32) -> u32 {
        if self.width == 0 {
            return 0;
        }
        let h = (u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2)
            / u64::from(self.width);
        u32::try_from(h).unwrap_or(u32::MAX).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> StoredImage {
        StoredImage {
            id: 1,
            base_name: "abc123".into(),
            extension: "jpg".into(),
            widths: vec![480, 960, 1600],
            width: 1600,
            height: 900,
            original_name: "desk.jpg".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn srcset_lists_every_width() {
        assert_eq!(
            image().srcset(),
            "/media/abc123-480.jpg 480w, /media/abc123-960.jpg 960w, /media/abc123-1600.jpg 1600w"
        );
        assert_eq!(image().largest_url(), "/media/abc123-1600.jpg");
    }

    #[test]
    fn heights_follow_the_aspect_ratio_and_widths_fit() {
        let i = image();
        assert_eq!(i.height_at(960), 540);
        assert_eq!(i.height_at(480), 270);
        assert_eq!(i.fitting_width(1000), 960);
        assert_eq!(i.fitting_width(100), 480);
    }

    #[test]
    fn a_logo_fits_its_square_by_the_longer_edge_and_is_never_enlarged() {
        let wide = image();
        assert_eq!(wide.fit_within(64), (64, 36));
        let tall = StoredImage {
            width: 300,
            height: 600,
            ..image()
        };
        assert_eq!(tall.fit_within(64), (32, 64));
        let tiny = StoredImage {
            width: 40,
            height: 20,
            ..image()
        };
        assert_eq!(tiny.fit_within(64), (40, 20));
    }
}
