//! Query strings as the emulator reads them: `name=value` pairs separated by `&`, `+` for a
//! space and percent-encoding decoded, each value UTF-8.

use std::borrow::Cow;

use super::errors::{Code, Failure};

/// The most parameters a query string is read for; a longer one is refused (the request
/// head's own limit keeps it small anyway).
const MAX_PARAMETERS: usize = 100;

/// The decoded parameters of a query string, in their order.
#[derive(Debug, Default)]
pub(crate) struct Parameters {
    pairs: Vec<(String, String)>,
}

impl Parameters {
    /// Decodes a query string (none is no parameter). A name or value that is not UTF-8 once
    /// decoded is `EndPoint.0002`.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, Failure> {
        let mut pairs = Vec::new();
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            if pairs.len() == MAX_PARAMETERS {
                return Err(Failure::new(
                    Code::ParameterError,
                    format!("more than {MAX_PARAMETERS} query parameters"),
                ));
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            pairs.push((decode(name)?, decode(value)?));
        }
        Ok(Self { pairs })
    }

    /// The value of the parameter `name`, if given; given more than once, it is refused with
    /// `code`.
    pub(crate) fn once(&self, name: &str, code: Code) -> Result<Option<&str>, Failure> {
        let mut values = self.pairs.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(Failure::new(
                code,
                format!("{name} is given more than once"),
            ));
        }
        Ok(first)
    }
}

/// A decimal integer of 0 or more (ASCII digits only: no sign, no spaces, no fraction).
pub(crate) fn number(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn decode(text: &str) -> Result<String, Failure> {
    let spaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| {
            Failure::new(
                Code::ParameterError,
                format!("query parameter {text:?} is not UTF-8 once decoded"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_decoded_and_repeats_refused() {
        let parameters = Parameters::parse(Some("a=1&b=x+y%2Bz&&c&d=%C3%A9")).unwrap();
        assert_eq!(
            parameters.once("a", Code::ParameterError).unwrap(),
            Some("1")
        );
        assert_eq!(
            parameters.once("b", Code::ParameterError).unwrap(),
            Some("x y+z")
        );
        assert_eq!(
            parameters.once("c", Code::ParameterError).unwrap(),
            Some("")
        );
        assert_eq!(
            parameters.once("d", Code::ParameterError).unwrap(),
            Some("é")
        );
        assert_eq!(parameters.once("e", Code::ParameterError).unwrap(), None);
        let repeated = Parameters::parse(Some("a=1&a=1")).unwrap();
        assert_eq!(
            repeated.once("a", Code::InvalidLimit).map_err(|f| f.code),
            Err("EndPoint.0006".to_owned())
        );
        assert!(Parameters::parse(Some("a=%FF")).is_err());
        assert!(Parameters::parse(Some(&"a=1&".repeat(101))).is_err());
        assert_eq!(number("007"), Some(7));
        for text in [
            "",
            "-1",
            "+1",
            " 1",
            "1.0",
            "1e3",
            "99999999999999999999999",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
    }
}
