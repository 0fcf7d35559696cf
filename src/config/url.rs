//! The rules of the URLs a client sends to: the API's endpoint, the IAM endpoint, a region's
//! name, and where credentials may go.

use crate::spec::validation::Violations;

/// Whether credentials may go to `endpoint` (a checked URL): over https, or to a loopback host.
pub(crate) fn is_safe_for_credentials(endpoint: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    url.scheme() == "https"
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A region name: lower-case letters and digits in groups joined by `-`.
pub(crate) fn checked_region<'r>(violations: &mut Violations, region: &'r str) -> Option<&'r str> {
    let valid = !region.is_empty()
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !valid {
        violations.push(
            "region",
            format!("{region:?} is not a region name such as \"eu-de\""),
        );
    }
    valid.then_some(region)
}

/// An `http` or `https` URL with a host and no query or fragment, without a trailing `/`, or
/// `None` with the rule it breaks (named `field`).
pub(crate) fn checked_url(violations: &mut Violations, field: &str, url: &str) -> Option<String> {
    let problem = match reqwest::Url::parse(url) {
        Err(e) => format!("is not a URL ({e})"),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            "is not an http or https URL".to_owned()
        }
        Ok(parsed) if parsed.query().is_some() || parsed.fragment().is_some() => {
            "must not have a query or a fragment".to_owned()
        }
        Ok(parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            "must not carry credentials".to_owned()
        }
        Ok(parsed) => return Some(parsed.as_str().trim_end_matches('/').to_owned()),
    };
    // The URL is not shown: it could carry credentials.
    violations.push(field, problem);
    None
}
