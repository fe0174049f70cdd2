//! Markdown from editors and companies, turned into HTML that is safe to embed.

use pulldown_cmark::{Options, Parser, html};
use std::collections::HashSet;
use std::sync::LazyLock;

/// HTML that went through the sanitiser; the only kind templates may print unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// HTML that came out of [`render`] or [`render_without_images`] earlier and was
    /// stored (a job's pre-rendered description). Only for what this application wrote
    /// itself: anything else goes through the sanitiser.
    pub fn from_stored(html: String) -> Self {
        Self(html)
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        // Headings in content sit below the page's own h1.
        .rm_tags(["h1"])
        .add_generic_attributes(["id"])
        .id_prefix(Some("md-"));
    builder
});

/// Job ads and company profiles come from outside the team: no images (a tracking
/// pixel, a picture no editor chose), links marked as user content like everywhere.
static SANITIZER_NO_IMAGES: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .rm_tags(["h1", "img"])
        .add_generic_attributes(["id"])
        .id_prefix(Some("md-"));
    builder
});

fn to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    unsafe_html
}

/// Renders Markdown to sanitised HTML: scripts, event handlers, `javascript:` links and
/// other active content are removed, whatever the author wrote.
pub fn render(markdown: &str) -> SafeHtml {
    SafeHtml(SANITIZER.clean(&to_html(markdown)).to_string())
}

/// [`render`] for job descriptions and company profiles: images are dropped too.
pub fn render_without_images(markdown: &str) -> SafeHtml {
    SafeHtml(SANITIZER_NO_IMAGES.clean(&to_html(markdown)).to_string())
}

/// Plain text of the first paragraph-ish part of a Markdown text, for descriptions.
pub fn plain_excerpt(markdown: &str, max_chars: usize) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut text = String::new();
    let mut skip_depth = 0u32;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Heading { .. }) => skip_depth += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Heading(_)) => {
                skip_depth = skip_depth.saturating_sub(1)
            }
            Event::Text(t) | Event::Code(t) if skip_depth == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                text.push(' ')
            }
            _ => {}
        }
        if text.len() > max_chars * 4 {
            break;
        }
    }
    truncate_words(
        &text.split_whitespace().collect::<Vec<_>>().join(" "),
        max_chars,
    )
}

/// Cuts at a word boundary and adds an ellipsis when anything was cut.
pub fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(pos) if pos > max_chars / 2 => &cut[..pos],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_common_markdown() {
        let html = render("## Hello\n\nSome *text* with `code`.\n\n- one\n- two\n");
        assert!(html.as_str().contains("<h2>Hello</h2>"));
        assert!(html.as_str().contains("<em>text</em>"));
        assert!(html.as_str().contains("<li>one</li>"));
    }

    #[test]
    fn strips_scripts_and_event_handlers() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n<p onclick=\"x()\">hi</p>",
        );
        let s = html.as_str();
        assert!(!s.contains("<script"), "{s}");
        assert!(!s.contains("onerror"), "{s}");
        assert!(!s.contains("onclick"), "{s}");
    }

    #[test]
    fn removes_javascript_links() {
        let html = render("[click](javascript:alert(1)) and <a href=\"JaVaScRiPt:alert(2)\">x</a>");
        assert!(
            !html.as_str().to_lowercase().contains("javascript:"),
            "{}",
            html.as_str()
        );
    }

    #[test]
    fn external_links_get_a_safe_rel() {
        let html = render("[site](https://example.org)");
        assert!(
            html.as_str()
                .contains("rel=\"noopener noreferrer nofollow ugc\"")
        );
    }

    #[test]
    fn excerpt_is_plain_text_cut_at_a_word() {
        let excerpt = plain_excerpt(
            "## Title\n\nWe build **fast** things for people who care.",
            30,
        );
        assert_eq!(excerpt, "We build fast things for…");
    }

    #[test]
    fn short_text_is_not_cut() {
        assert_eq!(truncate_words("short text", 30), "short text");
    }
}
