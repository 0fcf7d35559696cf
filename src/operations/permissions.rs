//! What the whitelist's add-or-remove call adds by hand to its generated builder
//! ([`AddOrRemovePermissions`]): records in any spelling of a [`WhitelistEntry`], and any
//! number of them, sent in batches of at most the spec's most a request.

use serde_json::Value;
use uuid::Uuid;

use crate::{
    AddOrRemovePermissions, Client, Error, WhitelistEntry,
    spec::{self, validation::Violations},
    types::{PermissionAction, PermissionActionResult},
};

/// What the builder keeps beside its body: the records, as given.
#[derive(Clone, Debug, Default)]
pub(crate) struct PermissionsOptions {
    records: Vec<String>,
}

impl Client {
    /// Starts adding `records` (each a bare domain ID, `iam:domain::{domain_id}` or `*`) to
    /// the whitelist of the VPC endpoint service `service_id`: see
    /// [`AddOrRemovePermissions::send`].
    pub fn add_to_whitelist(
        &self,
        service_id: impl Into<String>,
        records: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> AddOrRemovePermissions<'_> {
        self.add_or_remove_permissions(service_id)
            .action(PermissionAction::Add)
            .records(records)
    }

    /// Starts removing `records` from the whitelist of the VPC endpoint service
    /// `service_id`: see [`AddOrRemovePermissions::send`].
    pub fn remove_from_whitelist(
        &self,
        service_id: impl Into<String>,
        records: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> AddOrRemovePermissions<'_> {
        self.add_or_remove_permissions(service_id)
            .action(PermissionAction::Remove)
            .records(records)
    }
}

impl<'a> AddOrRemovePermissions<'a> {
    /// Adds whitelist records to add or remove, in any spelling: each a bare domain ID,
    /// `iam:domain::{domain_id}` or `*` (see [`WhitelistEntry`]); any number (beside those of
    /// [`permissions`](Self::permissions), which takes them in the documented form).
    pub fn records(mut self, records: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let records = records.into_iter().map(|r| r.as_ref().to_owned());
        self.custom.records.extend(records);
        self
    }

    /// Checks every record (of [`permissions`](Self::permissions), then of
    /// [`records`](Self::records), each by its place, `permissions[3]`, against the spec's
    /// rule) and the action, all before any I/O; then sends the records in their documented form
    /// (`iam:domain::{domain_id}`), each once, in batches of at most
    /// [`MAX_PERMISSIONS_PER_REQUEST`](crate::spec::MAX_PERMISSIONS_PER_REQUEST) (the
    /// service refuses larger ones with `EndPoint.0016`), one after the other. Answers the
    /// records that the batches answered.
    ///
    /// The batches run one at a time with the other changes of the service through this
    /// client (edits, whitelist sets). Adding a record again, or removing one the whitelist
    /// does not have, is for the service to answer. When a batch fails, the batches before it
    /// were made and the later ones are not sent: the error is that batch's; sending the same
    /// call again completes it.
    pub fn send(self) -> impl Future<Output = Result<PermissionActionResult, Error>> + Send + 'a {
        let planned = self.planned();
        async move {
            let (builder, service, records) = planned?;
            let _serialised = builder.client.locks().lock(service).await;
            Ok(PermissionActionResult {
                permissions: batches(&builder, &records).await?,
            })
        }
    }

    /// The builder and its records (each once), checked.
    fn planned(mut self) -> Result<(Self, Uuid, Vec<WhitelistEntry>), Error> {
        let mut v = Violations::default();
        let service = v.uuid("vpc_endpoint_service_id", &self.vpc_endpoint_service_id);
        let mut given: Vec<String> = match self.body.get("permissions") {
            Some(Value::Array(listed)) => listed
                .iter()
                .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        given.append(&mut self.custom.records);
        if given.is_empty() {
            v.push("permissions", "lists no whitelist record");
        }
        let records = entries(&given, "permissions", &mut v);
        // The rest of the body (the action), as one batch carries it.
        if let Some(first) = records.first()
            && let Err(Error::InvalidRequest(body)) =
                with_records(&self, std::slice::from_ref(first)).build_body()
        {
            v.extend(body);
        }
        match service {
            Some(service) if v.is_empty() => Ok((self, service, records)),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}

/// `given` as records, each once in the order given; every malformed one is a violation
/// named `{field}[i]`.
pub(crate) fn entries(given: &[String], field: &str, v: &mut Violations) -> Vec<WhitelistEntry> {
    let mut records: Vec<WhitelistEntry> = Vec::with_capacity(given.len());
    for (i, text) in given.iter().enumerate() {
        match WhitelistEntry::parse_named(text, &format!("{field}[{i}]")) {
            Ok(record) if !records.contains(&record) => records.push(record),
            Ok(_) => {}
            Err(broken) => v.extend(broken),
        }
    }
    records
}

/// Sends `records` (already checked) to the whitelist of `service` with `action`, in
/// batches; the records the batches answered.
pub(crate) async fn send_batches(
    client: &Client,
    service: Uuid,
    action: PermissionAction,
    records: &[WhitelistEntry],
) -> Result<Vec<String>, Error> {
    let builder = client
        .add_or_remove_permissions(service.to_string())
        .action(action);
    batches(&builder, records).await
}

/// Sends `records` with the action of `builder`, in batches, one after the other; the
/// records the batches answered.
async fn batches(
    builder: &AddOrRemovePermissions<'_>,
    records: &[WhitelistEntry],
) -> Result<Vec<String>, Error> {
    let mut answered = Vec::new();
    for batch in records.chunks(spec::MAX_PERMISSIONS_PER_REQUEST) {
        answered.extend(with_records(builder, batch).send_once().await?.permissions);
    }
    Ok(answered)
}

/// `builder` with `records` as its body's list.
fn with_records<'a>(
    builder: &AddOrRemovePermissions<'a>,
    records: &[WhitelistEntry],
) -> AddOrRemovePermissions<'a> {
    let mut one = builder.clone();
    let list: Vec<_> = records.iter().map(WhitelistEntry::to_request).collect();
    one.body.set_encoded("permissions", &list);
    one
}
