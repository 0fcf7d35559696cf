//! Who may connect, through the library: the whitelist read whole (every page of at most
//! 500), records in any spelling compared in one normal form, malformed ones refused before
//! I/O, large sets in batches, and the whole whitelist set to a list as an edit (only the
//! differences sent, a dry run first, the owner's record kept), against the emulator and
//! scripted loopback servers.

#![cfg(feature = "emulator")]

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use crate::support::faults::{FaultServer, Reply, client, tiny_policy};
use crate::support::server::Received;
use otc_vpcep::{
    Error, WhitelistEntry,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator},
};
use serde_json::{Value, json};

const SERVICE: &str = DOCUMENTED_SERVICE_ID;
const OWN: &str = "5fc973eea581490997e82ea11a1df31f";

/// The domain ID of the `n`th account.
fn domain(n: usize) -> String {
    format!("{n:032x}")
}

fn query(request: &Received, name: &str) -> Option<String> {
    let (_, query) = request.target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// The whitelist of the documented service, as the emulator holds it, in normal form.
async fn records(emulator: &Emulator) -> BTreeSet<String> {
    crate::support::emulator::client(emulator)
        .list_permissions(SERVICE)
        .collect_all()
        .await
        .expect("read")
        .into_iter()
        .map(|r| r.permission.unwrap())
        .collect()
}

async fn seeded(count: usize) -> Emulator {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let all: Vec<String> = (0..count)
        .map(|n| format!("iam:domain::{}", domain(n)))
        .collect();
    emulator
        .add_permissions(DOCUMENTED_PROJECT_ID, SERVICE, &all)
        .expect("seeded");
    emulator
}

#[tokio::test]
async fn a_whitelist_of_1200_is_read_whole_and_set_to_a_list_that_differs_by_3() {
    let emulator = seeded(1_200).await;
    let client = crate::support::emulator::client(&emulator);

    let before = emulator.requests_received();
    let all = client
        .list_permissions(SERVICE)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1_200);
    // Pages of 500 (the most), one row of overlap: offsets 0, 499, 998.
    assert_eq!(emulator.requests_received() - before, 3);

    // Two records go, one comes; the rest given bare or prefixed, as they come.
    let mut desired: Vec<String> = (2..1_200)
        .map(|n| match n % 2 {
            0 => domain(n),
            _ => format!("iam:domain::{}", domain(n)),
        })
        .collect();
    desired.push(domain(5_000));
    let before = emulator.requests_received();
    let preview = client
        .set_whitelist(SERVICE, &desired)
        .preview()
        .await
        .unwrap();
    assert!(!preview.sent);
    let expected_diff = format!(
        "whitelist  + iam:domain::{}\n           - iam:domain::{}\n           - iam:domain::{}\n",
        domain(5_000),
        domain(0),
        domain(1)
    );
    assert_eq!(preview.diff.to_string(), expected_diff);
    assert_eq!(
        emulator.requests_received() - before,
        4,
        "a dry run only reads: three pages, and the service (its owner's domain)"
    );
    assert_eq!(records(&emulator).await.len(), 1_200);

    let before = emulator.requests_received();
    let outcome = client
        .set_whitelist(SERVICE, &desired)
        .send()
        .await
        .unwrap();
    assert!(outcome.sent);
    assert_eq!(outcome.diff, preview.diff);
    assert_eq!(outcome.before.len(), 1_200);
    // Three pages and the service read, one add and one remove sent.
    assert_eq!(emulator.requests_received() - before, 6);
    let now = records(&emulator).await;
    let wanted: BTreeSet<String> = desired
        .iter()
        .map(|d| d.parse::<WhitelistEntry>().unwrap().to_string())
        .collect();
    assert_eq!(now, wanted);

    // Already right: nothing is sent.
    let before = emulator.requests_received();
    let again = client
        .set_whitelist(SERVICE, &desired)
        .send()
        .await
        .unwrap();
    assert!(again.diff.is_empty() && !again.sent);
    assert_eq!(again.diff.to_string(), "no change\n");
    assert_eq!(emulator.requests_received() - before, 3);
}

#[tokio::test]
async fn bare_and_prefixed_ids_are_one_record_and_star_is_every_account() {
    let emulator = seeded(2).await;
    let client = crate::support::emulator::client(&emulator);
    client
        .add_to_whitelist(SERVICE, ["*"])
        .send()
        .await
        .expect("added");
    // The service answers `*` without its prefix; the set gives it with, the rest bare.
    let outcome = client
        .set_whitelist(
            SERVICE,
            [
                domain(0),
                format!("iam:domain::{}", domain(1)),
                "iam:domain::*".into(),
            ],
        )
        .send()
        .await
        .unwrap();
    assert!(outcome.diff.is_empty(), "{}", outcome.diff);
    assert!(!outcome.sent);
    let bare: WhitelistEntry = domain(0).parse().unwrap();
    assert_eq!(bare, format!("iam:domain::{}", domain(0)).parse().unwrap());
}

#[tokio::test]
async fn a_malformed_record_is_refused_by_its_place_before_anything_is_sent() {
    let server = FaultServer::always(Reply::ok()).await;
    let client = client(&server, tiny_policy(1));
    let error = client
        .set_whitelist(
            SERVICE,
            [
                domain(1),
                "bad/id".into(),
                "a".repeat(65),
                "iam:domain::".into(),
            ],
        )
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(violations) = &error else {
        panic!("{error:?}");
    };
    let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        ["records[1]", "records[2]", "records[3]"],
        "{error}"
    );
    assert!(error.to_string().contains("does not match"), "{error}");
    let error = client
        .add_to_whitelist(SERVICE, ["ok", "not ok"])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("permissions[1]"), "{error}");
    let error = client
        .set_whitelist(SERVICE, [domain(1)])
        .own_domain("own domain")
        .preview()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("own_domain"), "{error}");
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_large_set_goes_in_batches_of_the_most_a_request_carries() {
    let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = bodies.clone();
    let server = FaultServer::start(move |_, request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        seen.lock().unwrap().push(body.clone());
        Reply::json(
            200,
            &json!({"permissions": body["permissions"]}).to_string(),
        )
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let given: Vec<String> = (0..120)
        .map(domain)
        .chain([domain(0), "*".into()])
        .collect();
    let answer = client
        .add_to_whitelist(SERVICE, &given)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.permissions.len(), 121, "each record once");
    let bodies = bodies.lock().unwrap();
    let sizes: Vec<usize> = bodies
        .iter()
        .map(|b| b["permissions"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [50, 50, 21]);
    assert_eq!(otc_vpcep::spec::MAX_PERMISSIONS_PER_REQUEST, 50);
    assert_eq!(bodies[0]["action"], "add");
    assert_eq!(
        bodies[0]["permissions"][0],
        format!("iam:domain::{}", domain(0))
    );
    assert_eq!(
        bodies[2]["permissions"][20], "iam:domain::*",
        "the documented form"
    );
}

#[tokio::test]
async fn a_set_keeps_the_owners_record_unless_told_to_remove_it() {
    let emulator = seeded(2).await;
    let client = crate::support::emulator::client(&emulator);
    client
        .add_to_whitelist(SERVICE, [OWN])
        .send()
        .await
        .unwrap();
    let outcome = client
        .set_whitelist(SERVICE, [domain(0)])
        .own_domain(OWN)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.kept_own_domain, Some(OWN.parse().unwrap()));
    assert_eq!(outcome.diff.whitelist_removed, [domain(1).parse().unwrap()]);
    let now = records(&emulator).await;
    assert!(now.contains(&format!("iam:domain::{OWN}")), "{now:?}");

    let outcome = client
        .set_whitelist(SERVICE, [domain(0)])
        .own_domain(format!("iam:domain::{OWN}"))
        .remove_own_domain(true)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.kept_own_domain, None);
    assert_eq!(
        records(&emulator).await,
        BTreeSet::from([format!("iam:domain::{}", domain(0))])
    );

    // Unnamed, the owner's domain is the service's `domain_id`.
    client
        .add_to_whitelist(SERVICE, [OWN.to_owned(), domain(1)])
        .send()
        .await
        .unwrap();
    let outcome = client
        .set_whitelist(SERVICE, [domain(0)])
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.kept_own_domain, Some(OWN.parse().unwrap()));
    assert_eq!(outcome.diff.whitelist_removed, [domain(1).parse().unwrap()]);
    assert!(
        records(&emulator)
            .await
            .contains(&format!("iam:domain::{OWN}"))
    );
}

#[tokio::test]
async fn the_walk_over_the_whitelist_misses_no_record_while_records_before_its_page_go() {
    let all: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(
        (0..1_300)
            .map(|n| json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "permission": format!("iam:domain::{}", domain(n))}))
            .collect(),
    ));
    let list = all.clone();
    let server = FaultServer::start(move |n, request| {
        let mut all = list.lock().unwrap();
        if n == 2 {
            all.drain(10..20);
        }
        let offset: usize = query(request, "offset").unwrap().parse().unwrap();
        let limit: usize = query(request, "limit").unwrap().parse().unwrap();
        assert_eq!(limit, 500, "the most a page of the whitelist carries");
        let page: Vec<&Value> = all.iter().skip(offset).take(limit).collect();
        Reply::json(
            200,
            &json!({"permissions": page, "total_count": all.len()}).to_string(),
        )
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let read = client
        .list_permissions(SERVICE)
        .collect_all()
        .await
        .unwrap();
    let ids: BTreeSet<&str> = read.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), read.len(), "no record twice");
    for survivor in all.lock().unwrap().iter() {
        assert!(
            ids.contains(survivor["id"].as_str().unwrap()),
            "{survivor} was missed"
        );
    }
}

#[tokio::test]
async fn sets_of_one_service_through_one_client_run_one_at_a_time() {
    let emulator = seeded(3).await;
    let client = crate::support::emulator::client(&emulator);
    let one = [domain(10), domain(11)];
    let other = [domain(20), domain(21)];
    let (a, b) = tokio::join!(
        client.set_whitelist(SERVICE, one.clone()).send(),
        client.set_whitelist(SERVICE, other.clone()).send()
    );
    let _ = a.unwrap();
    let _ = b.unwrap();
    let now = records(&emulator).await;
    let whole = |list: &[String]| -> BTreeSet<String> {
        list.iter().map(|d| format!("iam:domain::{d}")).collect()
    };
    assert!(
        now == whole(&one) || now == whole(&other),
        "a mix of two sets: {now:?}"
    );
}
