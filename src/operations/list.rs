//! What the list of services adds by hand: the services found by name. (Its walk over
//! every page is generated, as for every list: `walk.rs`.)

use futures_util::StreamExt;
use uuid::Uuid;

use crate::{Client, Error, types::EndpointService};

impl Client {
    /// The one VPC endpoint service named `name`, found by listing (every page).
    ///
    /// The API answers names decorated as `{region}.{name}.{id}` and filters by name fuzzily
    /// (`web` also matches `web2`): a service matches when its name is `name`, or `name`
    /// decorated. No match is [`Error::NotFound`]; two or more is
    /// [`Error::AmbiguousName`], with their IDs.
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// let service = client.find_endpoint_service("web").await?;
    /// println!("web is {}", service.id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn find_endpoint_service(&self, name: &str) -> Result<EndpointService, Error> {
        let mut found = self.services_named(name).await?;
        match found.len() {
            0 => Err(Error::NotFound {
                name: name.to_owned(),
            }),
            1 => Ok(found.remove(0)),
            _ => Err(Error::AmbiguousName {
                name: name.to_owned(),
                ids: found.into_iter().map(|service| service.id).collect(),
            }),
        }
    }

    /// The ID of the service `service`: a UUID as it is, or else the one service of that
    /// name (see [`find_endpoint_service`](Self::find_endpoint_service)).
    pub async fn resolve_endpoint_service(&self, service: &str) -> Result<Uuid, Error> {
        if let Ok(id) = Uuid::try_parse(service) {
            return Ok(id);
        }
        let found = self.find_endpoint_service(service).await?;
        let mut v = crate::Violations::default();
        v.uuid("id", &found.id)
            .ok_or_else(|| Error::InvalidResponse {
                status: None,
                reason: format!("the service named {service:?} has an ID that is not a UUID"),
                excerpt: found.id.clone(),
                request_id: None,
            })
    }

    /// Every service named `name` (or `name` decorated), every page read.
    pub(crate) async fn services_named(&self, name: &str) -> Result<Vec<EndpointService>, Error> {
        let mut matching = Vec::new();
        let mut services = std::pin::pin!(
            self.list_endpoint_services()
                .endpoint_service_name(name)
                .all()
        );
        while let Some(service) = services.next().await {
            let service = service?;
            if is_named(&service, name) {
                matching.push(service);
            }
        }
        Ok(matching)
    }
}

/// Whether `service` is named `name`: as given, or decorated as `{region}.{name}.{id}`.
pub(crate) fn is_named(service: &EndpointService, name: &str) -> bool {
    let Some(answered) = service.service_name.as_deref() else {
        return false;
    };
    if answered == name {
        return true;
    }
    answered
        .strip_suffix(service.id.as_str())
        .and_then(|rest| rest.strip_suffix('.'))
        .and_then(|rest| rest.strip_suffix(name))
        .is_some_and(|region| region.ends_with('.') && !region[..region.len() - 1].contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(id: &str, name: &str) -> EndpointService {
        serde_json::from_value(serde_json::json!({"id": id, "service_name": name})).unwrap()
    }

    #[test]
    fn names_match_as_given_or_decorated_and_only_whole() {
        let id = "4189d3c2-8882-4871-a3c2-d380272eed88";
        assert!(is_named(&service(id, "web"), "web"));
        assert!(is_named(&service(id, &format!("eu-de.web.{id}")), "web"));
        assert!(!is_named(&service(id, &format!("eu-de.web2.{id}")), "web"));
        assert!(!is_named(&service(id, &format!("eu-de.myweb.{id}")), "web"));
        assert!(!is_named(&service(id, &format!("eu-de.x.web.{id}")), "web"));
        assert!(!is_named(&service(id, "eu-de.web.other-id"), "web"));
        assert!(!is_named(&service(id, "web2"), "web"));
    }
}
