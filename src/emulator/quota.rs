//! The quotas of a project (`GET /v1/{project_id}/quotas`), from the emulator's state: how
//! many VPC endpoint services it has and may have, and the same of VPC endpoints.
//!
//! The defaults are the provider's (the user guide's "Notes and Constraints": 20 VPC endpoint
//! services and 50 VPC endpoints per account in a region); the emulator counts them per
//! project, the unit its paths have. Every service of the project counts, whatever its status
//! (`deleting` too, until it is gone). Seeded services are not checked against the quota, so a
//! seed can fill a project past it; a create is refused then (`Endpoint.1018`).
//!
//! VPC endpoints count the same way: every endpoint of the project (see
//! [`connect`](super::connect)); a create past the quota is `Endpoint.1018`.
//!
//! Where the reference is silent: a `type` other than `endpoint_service` or `endpoint` (or
//! given twice) is `EndPoint.0002`; the resources are answered in the order of the page's
//! example (`endpoint`, then `endpoint_service`).

use super::{
    errors::{Code, Failure},
    query::Parameters,
};
use crate::{
    OpenEnum,
    types::{QuotaList, QuotaResource, QuotaResourceType, Quotas},
};

/// The VPC endpoint services a project may have unless configured otherwise (the provider's
/// default quota).
pub const DEFAULT_SERVICE_QUOTA: u64 = 20;
/// The VPC endpoints a project may have unless configured otherwise (the provider's default
/// quota).
pub const DEFAULT_ENDPOINT_QUOTA: u64 = 50;

/// The quotas of every project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuotaLimits {
    pub(crate) services: u64,
    pub(crate) endpoints: u64,
}

impl Default for QuotaLimits {
    fn default() -> Self {
        Self {
            services: DEFAULT_SERVICE_QUOTA,
            endpoints: DEFAULT_ENDPOINT_QUOTA,
        }
    }
}

/// Checks the query string of a quota request: the type asked for, if any.
pub(crate) fn parse(raw: Option<&str>) -> Result<Option<QuotaResourceType>, Failure> {
    let parameters = Parameters::parse(raw)?;
    parameters
        .once("type", Code::ParameterError)?
        .map(|text| {
            QuotaResourceType::try_from(text).map_err(|_| {
                Failure::new(
                    Code::ParameterError,
                    format!(
                        "type {text:?} is not one of {}",
                        QuotaResourceType::VALUES.join(", ")
                    ),
                )
            })
        })
        .transpose()
}

/// The answer: the quotas of the type asked for (every type without one), with `services`
/// VPC endpoint services and `endpoints` VPC endpoints used.
pub(crate) fn answer(
    limits: QuotaLimits,
    services: usize,
    endpoints: usize,
    asked: Option<QuotaResourceType>,
) -> QuotaList {
    let used = u64::try_from(services).unwrap_or(u64::MAX);
    let endpoints = u64::try_from(endpoints).unwrap_or(u64::MAX);
    let resource = |kind, used: u64, quota: u64| QuotaResource {
        type_: Some(OpenEnum::Known(kind)),
        used: Some(i64::try_from(used).unwrap_or(i64::MAX)),
        quota: Some(i64::try_from(quota).unwrap_or(i64::MAX)),
    };
    let resources = [
        resource(QuotaResourceType::Endpoint, endpoints, limits.endpoints),
        resource(QuotaResourceType::EndpointService, used, limits.services),
    ]
    .into_iter()
    .filter(|r| asked.is_none_or(|kind| r.type_ == Some(OpenEnum::Known(kind))))
    .collect();
    QuotaList {
        quotas: Quotas { resources },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_filters_and_a_bad_one_is_0002() {
        assert_eq!(parse(None).unwrap(), None);
        assert_eq!(
            parse(Some("type=endpoint")).unwrap(),
            Some(QuotaResourceType::Endpoint)
        );
        for bad in ["type=Endpoint", "type=", "type=endpoint&type=endpoint"] {
            assert_eq!(
                parse(Some(bad)).map_err(|f| f.code),
                Err("EndPoint.0002".to_owned()),
                "{bad}"
            );
        }
        let all = answer(QuotaLimits::default(), 3, 0, None);
        assert_eq!(all.quotas.resources.len(), 2);
        let services = answer(
            QuotaLimits::default(),
            3,
            0,
            Some(QuotaResourceType::EndpointService),
        );
        assert_eq!(
            services.quotas.resources,
            vec![QuotaResource {
                type_: Some(OpenEnum::Known(QuotaResourceType::EndpointService)),
                used: Some(3),
                quota: Some(20),
            }]
        );
    }
}
