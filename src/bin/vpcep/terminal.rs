//! Text from the network, made safe for a terminal: a server's error message, a request id or
//! a table cell could carry escape sequences (clear the screen, move the cursor), carriage
//! returns or line breaks (a fake `error:` line). Everything the CLI prints that came from the
//! network goes through [`escape`]; the JSON output through [`escape_json`] (serde_json escapes
//! the C0 controls, not DEL and the C1 controls).

use std::borrow::Cow;

/// `text` with every control character (C0, DEL and C1: `char::is_control`) written as its
/// Rust escape (`\u{1b}`, `\n`, `\r`, `\t`, `\u{7f}`); everything else unchanged.
pub fn escape(text: &str) -> Cow<'_, str> {
    replace_controls(text, |c, out| out.extend(c.escape_default()))
}

/// JSON text as serde_json writes it, with DEL and the C1 controls inside strings written as
/// `\u007f`..`\u009f` too (the same JSON value); the layout's newlines are kept.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    replace_controls(json, |c, out| {
        if c == '\n' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        }
    })
}

/// `text` with each control character replaced as `replace` writes it.
fn replace_controls(text: &str, replace: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            replace(c, &mut escaped);
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_is_kept() {
        assert_eq!(
            escape("a\u{1b}[2J\r\nerror: fake\u{7}\u{0}\u{7f}\u{9b}é"),
            "a\\u{1b}[2J\\r\\nerror: fake\\u{7}\\u{0}\\u{7f}\\u{9b}é"
        );
        assert!(matches!(escape("plain text"), Cow::Borrowed("plain text")));
    }

    #[test]
    fn json_keeps_its_value_and_its_layout() {
        let value = serde_json::json!({"a": "\u{1b}\u{7f}\u{9b}\n"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let escaped = escape_json(&text);
        assert_eq!(escaped, "{\n  \"a\": \"\\u001b\\u007f\\u009b\\n\"\n}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
