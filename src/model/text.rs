//! Free text read from a file (an activity's name, a GPX `creator`, a Strava label) is
//! capped where it is read, so no output carries a line as long as a hostile file
//! makes it: [`capped`] keeps the first [`MAX_TEXT_CHARS`] characters and marks the cut
//! with [`TRUNCATED_MARKER`], the same in every output format.

/// The most characters of a text field kept from a file.
pub const MAX_TEXT_CHARS: usize = 256;

/// What replaces the rest of a text field longer than [`MAX_TEXT_CHARS`].
pub const TRUNCATED_MARKER: &str = "…[truncated]";

/// `text`, cut to [`MAX_TEXT_CHARS`] characters with [`TRUNCATED_MARKER`] when longer.
pub fn capped(text: &str) -> String {
    // Bytes bound characters from above: short strings need no count.
    if text.len() <= MAX_TEXT_CHARS {
        return text.to_string();
    }
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => {
            let mut out = String::with_capacity(cut + TRUNCATED_MARKER.len());
            out.push_str(text.get(..cut).unwrap_or_default());
            out.push_str(TRUNCATED_MARKER);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_the_marker() {
        assert_eq!(capped("Morning run"), "Morning run");
        let exact = "é".repeat(MAX_TEXT_CHARS);
        assert_eq!(capped(&exact), exact);
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        let cut = capped(&long);
        assert!(cut.ends_with(TRUNCATED_MARKER));
        assert_eq!(
            cut.chars().count(),
            MAX_TEXT_CHARS + TRUNCATED_MARKER.chars().count()
        );
    }
}
