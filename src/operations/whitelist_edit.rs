//! [`SetWhitelist`]: the whole whitelist of a VPC endpoint service set to a desired list, as
//! an edit: it reads every record, and adds and removes only what differs, with the same
//! [`Diff`] as an edit of the service, and one at a time with the other changes of the service
//! through the client.

use std::{collections::BTreeSet, fmt};

use uuid::Uuid;

use crate::{
    Client, Diff, Error, WhitelistEntry,
    operations::permissions::{entries, send_batches},
    spec::validation::Violations,
    types::{Permission, PermissionAction},
};

impl Client {
    /// Starts setting the whole whitelist of the VPC endpoint service `service_id` to
    /// `records` (each a bare domain ID, `iam:domain::{domain_id}` or `*`; see
    /// [`WhitelistEntry`]): then [`send`](SetWhitelist::send) it, or
    /// [`preview`](SetWhitelist::preview) what it would change.
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// let outcome = client
    ///     .set_whitelist(
    ///         "4189d3c2-8882-4871-a3c2-d380272eed88",
    ///         ["5fc973eea581490997e82ea11a1d0101", "iam:domain::fc973eea581490997e82ea11a1d0101"],
    ///     )
    ///     .own_domain("6e9dfd51d1124e8d8498dce894923a0d")
    ///     .send()
    ///     .await?;
    /// print!("{}", outcome.diff); // whitelist  + iam:domain::5fc9...  - iam:domain::...
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_whitelist(
        &self,
        service_id: impl Into<String>,
        records: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> SetWhitelist<'_> {
        SetWhitelist {
            client: self,
            service_id: service_id.into(),
            records: records.into_iter().map(|r| r.as_ref().to_owned()).collect(),
            own_domain: None,
            remove_own_domain: false,
        }
    }
}

/// The whole whitelist of one VPC endpoint service set to a list, made by
/// [`Client::set_whitelist`].
///
/// [`send`](Self::send):
///
/// 1. checks every record (`records[i]`, against the spec's rule) before anything is sent;
/// 2. waits for any other change of the same service through this client (and its clones)
///    to end, as [`EditEndpointService`](crate::EditEndpointService) does;
/// 3. reads every record of the whitelist (every page);
/// 4. adds the records that are missing, then removes those that are not in the list, in
///    batches (see [`AddOrRemovePermissions::send`](crate::AddOrRemovePermissions::send)),
///    adding first so that no account that keeps its access loses it in between; a list that
///    is already right sends nothing.
///
/// Records compare in their normal form: `ID` and `iam:domain::ID` are one record, and `*` is
/// every account however it is written.
///
/// **The owner's own account.** The service lets the owner's account connect to its own
/// service whatever the whitelist says ("Your account ID is in the whitelist of your own VPC
/// endpoint service by default"): this crate takes the owner's domain as allowed implicitly,
/// not as a record to manage. So a set never removes a record of the owner's domain unless
/// [`remove_own_domain`](Self::remove_own_domain) says so; such a record is kept and reported
/// in [`WhitelistOutcome::kept_own_domain`]. The owner's domain is the one named with
/// [`own_domain`](Self::own_domain), else the service's `domain_id` (the owner's account, as
/// the service answers it), read with one `GET` of the service only when the set would
/// remove records. When the service answers no `domain_id` and none was named, the owner's
/// record cannot be told apart: the set then removes every record that the list leaves out
/// (the owner keeps its implicit access).
///
/// A record that the client cannot read (a `permission` that is not a whitelist record) is
/// never removed: it is reported in [`WhitelistOutcome::unrecognised`].
#[derive(Clone)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct SetWhitelist<'a> {
    client: &'a Client,
    service_id: String,
    records: Vec<String>,
    own_domain: Option<String>,
    remove_own_domain: bool,
}

impl fmt::Debug for SetWhitelist<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetWhitelist")
            .field("service_id", &self.service_id)
            .field("records", &self.records)
            .field("own_domain", &self.own_domain)
            .field("remove_own_domain", &self.remove_own_domain)
            .finish_non_exhaustive()
    }
}

/// What a whitelist set did or would do: read from [`SetWhitelist::send`] or
/// [`preview`](SetWhitelist::preview).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
#[must_use = "a set's outcome tells what it changed"]
pub struct WhitelistOutcome {
    /// What changes: the records added ([`Diff::whitelist_added`]) and removed
    /// ([`Diff::whitelist_removed`]). Empty when nothing changes (and then nothing is sent).
    pub diff: Diff,
    /// Every record as read before the change.
    pub before: Vec<Permission>,
    /// The record of the owner's domain that the set kept, although the list leaves it out.
    pub kept_own_domain: Option<WhitelistEntry>,
    /// The records read that are not whitelist records the client can name: left alone.
    pub unrecognised: Vec<Permission>,
    /// Whether the changes were sent.
    pub sent: bool,
}

impl<'a> SetWhitelist<'a> {
    /// The domain (account) ID of the service's owner (bare or `iam:domain::...`), instead of
    /// the service's `domain_id`: its record is never removed unless
    /// [`remove_own_domain`](Self::remove_own_domain) says so.
    pub fn own_domain(mut self, domain_id: impl Into<String>) -> Self {
        self.own_domain = Some(domain_id.into());
        self
    }

    /// Whether a record of the owner's domain ([`own_domain`](Self::own_domain)) may be
    /// removed when the list leaves it out (default `false`).
    pub fn remove_own_domain(mut self, remove: bool) -> Self {
        self.remove_own_domain = remove;
        self
    }

    /// Reads the whitelist and tells what the set would change, without sending anything.
    /// Refused like [`send`](Self::send) when a record breaks the rule.
    pub fn preview(self) -> impl Future<Output = Result<WhitelistOutcome, Error>> + Send + 'a {
        let client = self.client;
        let plan = self.planned();
        async move { plan?.read(client).await }
    }

    /// Checks the records, then reads the whitelist and sends only what differs (see the
    /// type's documentation). The checks run here, at once; nothing is sent until the future
    /// is awaited. When a batch fails, the batches before it were made: the error is that
    /// batch's, and sending the same set again completes it.
    pub fn send(self) -> impl Future<Output = Result<WhitelistOutcome, Error>> + Send + 'a {
        let client = self.client;
        let plan = self.planned();
        async move {
            let plan = plan?;
            let _serialised = client.locks().lock(plan.service).await;
            let mut outcome = plan.read(client).await?;
            let (added, removed) = (
                &outcome.diff.whitelist_added,
                &outcome.diff.whitelist_removed,
            );
            for (action, records) in [
                (PermissionAction::Add, added),
                (PermissionAction::Remove, removed),
            ] {
                if !records.is_empty() {
                    send_batches(client, plan.service, action, records).await?;
                }
            }
            outcome.sent = !outcome.diff.is_empty();
            Ok(outcome)
        }
    }

    /// The set's checked settings: every rule broken, before any I/O.
    fn planned(self) -> Result<Plan, Error> {
        let mut v = Violations::default();
        let service = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let desired = entries(&self.records, "records", &mut v);
        let own = self.own_domain.as_deref().and_then(|own| {
            WhitelistEntry::parse_named(own, "own_domain")
                .map_err(|e| v.extend(e))
                .ok()
        });
        match service {
            Some(service) if v.is_empty() => Ok(Plan {
                service,
                desired: desired.into_iter().collect(),
                own,
                remove_own: self.remove_own_domain,
            }),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}

/// A set's checked settings.
#[derive(Debug)]
struct Plan {
    service: Uuid,
    desired: BTreeSet<WhitelistEntry>,
    /// The owner's record as named, if it was.
    own: Option<WhitelistEntry>,
    /// Whether the owner's record may be removed.
    remove_own: bool,
}

impl Plan {
    /// Reads every record and works out what to add and remove.
    async fn read(&self, client: &Client) -> Result<WhitelistOutcome, Error> {
        let before = client
            .list_permissions(self.service.to_string())
            .collect_all()
            .await?;
        let mut current = BTreeSet::new();
        let mut unrecognised = Vec::new();
        for record in &before {
            let parsed = record
                .permission
                .as_deref()
                .map(str::parse::<WhitelistEntry>);
            match parsed {
                Some(Ok(entry)) => {
                    current.insert(entry);
                }
                _ => unrecognised.push(record.clone()),
            }
        }
        let mut diff = Diff {
            service_id: self.service.to_string(),
            ..Diff::default()
        };
        diff.whitelist_added = self.desired.difference(&current).cloned().collect();
        diff.whitelist_removed = current.difference(&self.desired).cloned().collect();
        let mut kept_own_domain = None;
        if !self.remove_own && !diff.whitelist_removed.is_empty() {
            let own = match &self.own {
                Some(own) => Some(own.clone()),
                None => self.owner(client).await?,
            };
            if let Some(at) = diff
                .whitelist_removed
                .iter()
                .position(|r| Some(r) == own.as_ref())
            {
                kept_own_domain = Some(diff.whitelist_removed.remove(at));
            }
        }
        Ok(WhitelistOutcome {
            diff,
            before,
            kept_own_domain,
            unrecognised,
            sent: false,
        })
    }

    /// The record of the service owner's domain, as the service answers its `domain_id`.
    async fn owner(&self, client: &Client) -> Result<Option<WhitelistEntry>, Error> {
        let service = client
            .get_endpoint_service(self.service.to_string())
            .send()
            .await?;
        Ok(service.domain_id.and_then(|domain| domain.parse().ok()))
    }
}
