//! The sanitised HTML of generated descriptions, put together from blocks rendered once.
//!
//! Rendering Markdown and sanitising it takes tens of microseconds per description,
//! minutes for a million jobs. Generated descriptions are made of a few thousand
//! distinct paragraphs, headings and bullet points, and Markdown renders separate
//! blocks independently, so the HTML of a description is the HTML of its blocks in
//! order; each distinct block is rendered by the real renderer once and remembered.
//! The tests compare the result with rendering the whole description.

use super::generator::DescriptionBlock;
use crate::domain::markdown::render_without_images;
use std::collections::HashMap;

/// Enough for every distinct text block of a large load (intros and closings by place);
/// past it blocks are rendered without being kept, so memory stays bounded.
const MAX_REMEMBERED: usize = 200_000;

/// Renders generated descriptions, remembering the HTML of each block. One per thread.
#[derive(Default)]
pub struct DescriptionHtml {
    texts: HashMap<String, String>,
    items: HashMap<&'static str, String>,
    names: HashMap<&'static str, String>,
}

impl DescriptionHtml {
    /// Exactly `render_without_images(markdown of blocks)`.
    pub fn render(&mut self, blocks: &[DescriptionBlock]) -> String {
        let mut html = String::with_capacity(2_048);
        for block in blocks {
            match block {
                DescriptionBlock::Text(text) => html.push_str(&self.text(text)),
                DescriptionBlock::List(items) => self.push_list(&mut html, items),
                DescriptionBlock::Stack(names) => self.push_stack(&mut html, names),
            }
        }
        html
    }

    fn text(&mut self, text: &str) -> std::borrow::Cow<'_, str> {
        if !self.texts.contains_key(text) {
            let rendered = render_block(&DescriptionBlock::Text(text.to_owned()));
            if self.texts.len() >= MAX_REMEMBERED {
                return rendered.into();
            }
            self.texts.insert(text.to_owned(), rendered);
        }
        self.texts[text].as_str().into()
    }

    fn push_list(&mut self, html: &mut String, items: &[&'static str]) {
        const OPEN: &str = "<ul>\n";
        const CLOSE: &str = "</ul>\n";
        if items.iter().any(|item| item.contains('\n')) {
            // An item of several lines may make the whole list loose: render it as one.
            html.push_str(&render_block(&DescriptionBlock::List(items.to_vec())));
            return;
        }
        let mut list_items = String::new();
        for item in items {
            let rendered = self.items.entry(*item).or_insert_with(|| {
                let list = render_block(&DescriptionBlock::List(vec![*item]));
                list.strip_prefix(OPEN)
                    .and_then(|rest| rest.strip_suffix(CLOSE))
                    .map_or_else(String::new, str::to_owned)
            });
            if rendered.is_empty() {
                // Not the plain list item this assumes: render the list as a whole.
                html.push_str(&render_block(&DescriptionBlock::List(items.to_vec())));
                return;
            }
            list_items.push_str(rendered);
        }
        html.push_str(OPEN);
        html.push_str(&list_items);
        html.push_str(CLOSE);
    }
}

impl DescriptionHtml {
    /// The stack lines are too varied to remember whole; each name is rendered once,
    /// as the paragraph "Name.", and the paragraph put together from them.
    fn push_stack(&mut self, html: &mut String, names: &[&'static str]) {
        const OPEN: &str = "<p>";
        const CLOSE: &str = ".</p>\n";
        // Only letters, digits and harmless punctuation can be rendered one by one:
        // emphasis, code spans or links could pair up across names.
        let plain = |name: &str| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '#' | '+' | '-' | '/'))
        };
        if !names.iter().all(|name| plain(name)) {
            html.push_str(&render_block(&DescriptionBlock::Stack(names.to_vec())));
            return;
        }
        let mut line = String::from(OPEN);
        for (n, name) in names.iter().enumerate() {
            let rendered = self.names.entry(*name).or_insert_with(|| {
                let paragraph = render_block(&DescriptionBlock::Stack(vec![*name]));
                paragraph
                    .strip_prefix(OPEN)
                    .and_then(|rest| rest.strip_suffix(CLOSE))
                    .map_or_else(String::new, str::to_owned)
            });
            if rendered.is_empty() {
                html.push_str(&render_block(&DescriptionBlock::Stack(names.to_vec())));
                return;
            }
            if n > 0 {
                line.push_str(", ");
            }
            line.push_str(rendered);
        }
        line.push_str(CLOSE);
        html.push_str(&line);
    }
}

fn render_block(block: &DescriptionBlock) -> String {
    render_without_images(&super::generator::blocks_to_markdown(std::slice::from_ref(
        block,
    )))
    .as_str()
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::generator::{Rng, generate};
    use chrono::Utc;

    #[test]
    fn composed_html_is_the_rendered_description() {
        let mut composer = DescriptionHtml::default();
        let mut rng = Rng::new(7);
        let now = Utc::now();
        for n in 0..3_000 {
            let job = generate(&mut rng, now, n % 3 == 0);
            assert_eq!(
                composer.render(&job.description_blocks),
                render_without_images(&job.description).as_str(),
                "{}",
                job.description
            );
        }
    }

    #[test]
    fn blocks_that_are_not_plain_list_items_are_rendered_whole() {
        let blocks = [
            DescriptionBlock::Text("Café \"Nord\" -- it's <b>bold</b>".to_owned()),
            DescriptionBlock::List(vec!["one", "two\n\n  two and a half", "three"]),
            DescriptionBlock::Stack(vec!["C++", "*Go", "Rust*"]),
            DescriptionBlock::Stack(vec!["C#", ".NET", "Node.js", "Vue.js"]),
        ];
        let markdown = crate::seed::generator::blocks_to_markdown(&blocks);
        assert_eq!(
            DescriptionHtml::default().render(&blocks),
            render_without_images(&markdown).as_str()
        );
    }
}
