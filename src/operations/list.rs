//! What the list call adds by hand to its generated builder ([`ListEndpointServices`]): the
//! walk over every page, and the services found by name.
//!
//! The API's lists are offset-based (`limit`, `offset`, `total_count`), with no link to the
//! next page and no marker, and services may be created or deleted while a walk runs, which
//! moves the later ones between pages. The walk sorts by creation time, oldest first (unless
//! the caller chose another order), so that new services come at the end; each page after the
//! first starts one row early, so that it overlaps the page before, and the walk goes on after
//! the last service it had already seen there. When deletions moved that service out of the
//! overlap, it steps back until it finds one of the previous page's services again.

use std::collections::{HashSet, VecDeque};

use futures_util::{Stream, StreamExt, stream};
use uuid::Uuid;

use crate::{
    Client, Error, ListEndpointServices,
    spec::{self, generated::types::EndpointServiceList},
    types::{EndpointService, SortDirection},
};

/// The most services a walk answers unless told otherwise
/// ([`ListEndpointServices::max_items`]): a bound on a walk that a misbehaving service would
/// otherwise never end.
pub const DEFAULT_MAX_LIST_ITEMS: usize = 100_000;

/// What the list builder keeps beside its parameters.
#[derive(Clone, Debug)]
pub(crate) struct ListOptions {
    /// The most services a walk answers.
    max_items: usize,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            max_items: DEFAULT_MAX_LIST_ITEMS,
        }
    }
}

impl<'a> ListEndpointServices<'a> {
    /// The most services [`all`](Self::all) and [`collect_all`](Self::collect_all) answer
    /// (default [`DEFAULT_MAX_LIST_ITEMS`]); the walk stops there.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.custom.max_items = max_items;
        self
    }

    /// Every matching service, page after page, as a stream: one page is held at a time,
    /// of `limit` services (default the most the API allows,
    /// [`MAX_LIST_LIMIT`](crate::spec::MAX_LIST_LIMIT)), from `offset` (default 0).
    ///
    /// Without `sort_dir`, the walk asks for the oldest first, so that services created while
    /// it runs come at the end. It promises:
    /// - no service twice;
    /// - every service that existed for the whole walk, once;
    /// - services created or deleted while it runs may or may not be answered.
    ///
    /// It ends after a page shorter than asked, at [`max_items`](Self::max_items), or at the
    /// first error (the stream's last item).
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// use futures_util::StreamExt;
    ///
    /// let mut services = std::pin::pin!(client.list_endpoint_services().all());
    /// while let Some(service) = services.next().await {
    ///     println!("{}", service?.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn all(mut self) -> impl Stream<Item = Result<EndpointService, Error>> + Send + 'a {
        let limit = match self.limit {
            Some(limit) => limit,
            None => spec::MAX_LIST_LIMIT as i32,
        };
        self.limit = Some(limit);
        if self.sort_dir.is_none() {
            self.sort_dir = Some(SortDirection::Asc);
        }
        let walk = Walk {
            next_offset: self.offset.unwrap_or(0),
            limit,
            back: 0,
            previous: Vec::new(),
            page: VecDeque::new(),
            left: self.custom.max_items,
            done: false,
            builder: self,
        };
        stream::unfold(walk, |mut walk| async move {
            let item = walk.next().await?;
            Some((item, walk))
        })
    }

    /// Every matching service (see [`all`](Self::all)), in one list.
    pub async fn collect_all(self) -> Result<Vec<EndpointService>, Error> {
        let mut all = Vec::new();
        let mut services = std::pin::pin!(self.all());
        while let Some(service) = services.next().await {
            all.push(service?);
        }
        Ok(all)
    }
}

/// The state of a walk over the pages.
struct Walk<'a> {
    builder: ListEndpointServices<'a>,
    /// Where the next page starts when nothing moved.
    next_offset: i32,
    limit: i32,
    /// How far before `next_offset` the next page starts: 1 (the overlap), more after a miss.
    back: i32,
    /// The IDs of the previous page, in its order.
    previous: Vec<String>,
    /// The services of the page being answered.
    page: VecDeque<EndpointService>,
    /// How many more services may be answered.
    left: usize,
    done: bool,
}

impl Walk<'_> {
    /// The next service, the error that ends the walk, or `None` at its end.
    async fn next(&mut self) -> Option<Result<EndpointService, Error>> {
        loop {
            if self.left == 0 {
                return None;
            }
            if let Some(service) = self.page.pop_front() {
                self.left -= 1;
                return Some(Ok(service));
            }
            if self.done {
                return None;
            }
            if let Err(error) = self.fetch().await {
                self.done = true;
                return Some(Err(error));
            }
        }
    }

    /// Reads the next page into `page`: the services after the last one already answered.
    async fn fetch(&mut self) -> Result<(), Error> {
        // The page answered is empty: its buffer goes before the next one comes.
        self.page = VecDeque::new();
        loop {
            let offset = self.next_offset.saturating_sub(self.back).max(0);
            let answer: EndpointServiceList = self
                .builder
                .clone()
                .offset(offset)
                .limit(self.limit)
                .send()
                .await?;
            let services = answer.endpoint_services;
            let read = i32::try_from(services.len()).unwrap_or(i32::MAX);
            let short = read < self.limit;
            // The first page, or pages too small to overlap (a page of one service is taken as
            // it comes: the walk's promise needs two).
            if self.previous.is_empty() || self.limit < 2 {
                self.take(offset.saturating_add(read), services, 0, short);
                return Ok(());
            }
            // The last service of the previous page found again: the page goes on after it.
            let seen: HashSet<&str> = self.previous.iter().map(String::as_str).collect();
            let anchor = services
                .iter()
                .rposition(|service| seen.contains(service.id.as_str()));
            match anchor {
                Some(at) if at + 1 == services.len() && !short => {
                    return Err(repeating(offset));
                }
                Some(at) => {
                    self.take(offset.saturating_add(read), services, at + 1, short);
                    return Ok(());
                }
                // Nothing of the previous page is left before the start: the list is
                // answered again from there, without what was answered already.
                None if offset == 0 => {
                    let fresh: Vec<_> = services
                        .into_iter()
                        .filter(|service| !seen.contains(service.id.as_str()))
                        .collect();
                    if fresh.is_empty() && !short {
                        return Err(repeating(offset));
                    }
                    self.take(offset.saturating_add(read), fresh, 0, short);
                    return Ok(());
                }
                // Deletions moved the page: step back further.
                None => self.back = self.back.saturating_mul(2).max(self.limit / 4).max(2),
            }
        }
    }

    /// Keeps the services of a page from `from` on, and `next_offset`, where the next page
    /// starts when nothing moves.
    fn take(&mut self, next_offset: i32, services: Vec<EndpointService>, from: usize, short: bool) {
        self.next_offset = next_offset;
        // One row of overlap, unless a page is that row alone.
        self.back = i32::from(self.limit > 1);
        self.done = short || services.is_empty();
        self.previous = services.iter().map(|service| service.id.clone()).collect();
        // The page's own buffer, without a copy.
        let mut page = VecDeque::from(services);
        page.drain(..from.min(page.len()));
        self.page = page;
    }
}

/// The error of a full page with no service not answered already: the list does not move on
/// (a walk would otherwise read such pages for ever).
fn repeating(offset: i32) -> Error {
    Error::InvalidResponse {
        status: Some(200),
        reason: format!(
            "the list's page at offset {offset} is full of services already answered: the \
             walk does not move on"
        ),
        excerpt: String::new(),
        request_id: None,
    }
}

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
