//! What every list of the API shares (the services, a service's connections and whitelist
//! records, and VPC endpoints): its offset-based paging (`sort_key`, `sort_dir`, `limit`,
//! `offset`, each refused with its documented code), the order of items by time, and the page
//! cut from the sorted items.
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - `sort_key` and `sort_dir` take exactly the documented values (lower case);
//! - `limit` 0 answers no item (only `total_count`); an `offset` at or past the number of
//!   matching items answers an empty page (not an error, though the pages say the offset is
//!   "less than the number of VPC endpoint services");
//! - `offset` is at most 2147483647 (the spec's `int32`), else `EndPoint.0010`;
//! - items with the same time are ordered by ID, in the same direction as the time, so the
//!   order is total and the pages of an unchanged list never repeat or skip an item;
//! - a time is read as `YYYY-MM-DDTHH:MM:SS` with optional fractions of a second, in UTC
//!   (the zone designator is not looked at); an item without a time, or with one in any other
//!   form, sorts as the oldest.

use std::cmp::Ordering;

use super::{
    errors::{Code, Failure},
    query::{self, Parameters},
};

/// The default number of items on a page, in every list.
pub(crate) const DEFAULT_LIMIT: usize = 10;
/// The largest `offset`: the spec's `int32`.
const MAX_OFFSET: usize = i32::MAX as usize;

/// A checked page of a list: the sort key (an index into the keys the list allows), the
/// direction, the page's size and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    /// The index of the `sort_key` in the keys the list allows (0, the first, by default).
    pub(crate) sort_key: usize,
    pub(crate) descending: bool,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

/// Checks the paging parameters of a list whose `sort_key` is one of `sort_keys` (the first
/// the default) and whose `limit` is at most `max_limit`.
pub(crate) fn parse(
    parameters: &Parameters,
    sort_keys: &[&str],
    max_limit: usize,
) -> Result<Paging, Failure> {
    let sort_key = match parameters.once("sort_key", Code::InvalidSortKey)? {
        None => 0,
        Some(text) => sort_keys
            .iter()
            .position(|key| *key == text)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidSortKey,
                    format!("sort_key {text:?} is not one of {}", sort_keys.join(", ")),
                )
            })?,
    };
    let descending = match parameters.once("sort_dir", Code::InvalidSortDir)? {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(Failure::new(
                Code::InvalidSortDir,
                format!("sort_dir {other:?} is not desc or asc"),
            ));
        }
    };
    let limit = match parameters.once("limit", Code::InvalidLimit)? {
        None => DEFAULT_LIMIT,
        Some(text) => query::number(text)
            .filter(|limit| *limit <= max_limit)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidLimit,
                    format!("limit {text:?} is not an integer from 0 to {max_limit}"),
                )
            })?,
    };
    let offset = match parameters.once("offset", Code::InvalidOffset)? {
        None => 0,
        Some(text) => query::number(text)
            .filter(|offset| *offset <= MAX_OFFSET)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidOffset,
                    format!("offset {text:?} is not an integer from 0 to {MAX_OFFSET}"),
                )
            })?,
    };
    Ok(Paging {
        sort_key,
        descending,
        limit,
        offset,
    })
}

/// A sortable time: the fields of `YYYY-MM-DDTHH:MM:SS[.fraction]` as one number of seconds
/// (not since any epoch, but in the order of time) and nanoseconds; `None` for anything else.
pub(crate) fn sort_time(text: Option<&str>) -> Option<(u64, u32)> {
    let bytes = text?.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| bytes.get(*at) != Some(c)) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let seconds = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 61 + second;
    let mut nanos = 0u32;
    if bytes.get(19) == Some(&b'.') {
        let fraction = bytes[20..].iter().take_while(|b| b.is_ascii_digit());
        let mut scale = 100_000_000u32;
        for digit in fraction {
            nanos += u32::from(digit - b'0') * scale;
            scale /= 10;
        }
    }
    Some((seconds, nanos))
}

/// The page `paging` asks for of `matching` (each item with what it sorts by), copied, and
/// how many items match in all.
pub(crate) fn page<K: Ord, T: Clone>(
    mut matching: Vec<(K, &T)>,
    paging: Paging,
) -> (Vec<T>, usize) {
    let total = matching.len();
    matching.sort_unstable_by(|a, b| {
        let ordering: Ordering = a.0.cmp(&b.0);
        if paging.descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let page = matching
        .into_iter()
        .skip(paging.offset)
        .take(paging.limit)
        .map(|(_, item)| item.clone())
        .collect();
    (page, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(query: &str, max_limit: usize) -> String {
        let parameters = Parameters::parse(Some(query)).unwrap();
        match parse(&parameters, &["created_at", "updated_at"], max_limit) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    #[test]
    fn each_parameter_answers_its_code_and_the_limit_is_the_lists() {
        for (query, max, expected) in [
            ("limit=500", 500, "ok"),
            ("limit=501", 500, "EndPoint.0006"),
            ("limit=1000", 1000, "ok"),
            ("sort_key=updated_at", 500, "ok"),
            ("sort_key=name", 500, "EndPoint.0017"),
            ("sort_dir=up", 500, "EndPoint.0018"),
            ("offset=-1", 500, "EndPoint.0010"),
        ] {
            assert_eq!(code_of(query, max), expected, "{query}");
        }
        let parameters = Parameters::parse(Some("sort_key=updated_at&sort_dir=asc")).unwrap();
        let paging = parse(&parameters, &["created_at", "updated_at"], 10).unwrap();
        assert_eq!(
            paging,
            Paging {
                sort_key: 1,
                descending: false,
                limit: 10,
                offset: 0
            }
        );
    }

    #[test]
    fn times_sort_in_the_order_of_time_whatever_their_form() {
        let t = |s: &str| sort_time(Some(s));
        assert!(t("2018-01-30T07:42:01.174") > t("2018-01-30T07:42:01Z"));
        assert!(t("2018-01-30T07:42:01.174") < t("2018-01-30T07:42:02Z"));
        assert!(t("2018-12-31T23:59:59Z") < t("2019-01-01T00:00:00Z"));
        assert!(t("2018-01-31T00:00:00Z") < t("2018-02-01T00:00:00Z"));
        assert_eq!(t("2018-01-30T07:42:01.5"), t("2018-01-30T07:42:01.500Z"));
        assert_eq!(t("yesterday"), None);
        assert_eq!(t("2018-01-30 07:42:01"), None);
        assert_eq!(sort_time(None), None);
        assert!(t("yesterday") < t("1970-01-01T00:00:00Z"));
    }

    #[test]
    fn a_page_is_cut_from_the_sorted_items() {
        let items = ["a", "b", "c", "d"];
        let matching: Vec<(usize, &&str)> = items.iter().enumerate().collect();
        let paging = Paging {
            sort_key: 0,
            descending: true,
            limit: 2,
            offset: 1,
        };
        assert_eq!(page(matching, paging), (vec!["c", "b"], 4));
    }
}
