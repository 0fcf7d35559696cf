//! Goal 2: AK/SK signing (`otc_vpcep::signer::sign`) of the documented request and of a
//! 200-mapping request, against the floor: the same SHA-256 of the body and of the canonical
//! request plus one HMAC-SHA256, computed directly with the same crates (sha2, hmac, hex).
//! Goal: at most 1.5 times the floor.
//!
//! Ends with `ratio signing_documented: X` and `ratio signing_200_mappings: X`.

mod support;

use std::{hint::black_box, time::Duration};

use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use otc_vpcep::{
    Client, Credentials,
    signer::{self, SigningRequest},
};
use sha2::{Digest, Sha256};
use support::{
    ACCESS_KEY, HOST, PROJECT_ID, SDK_DATE, SECRET_KEY, SERVICE_ID, Side, documented_change,
    documented_path, interleaved, mappings, print_ratio, show, timed,
};

/// One request to sign: its body bytes as the client sends them.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    /// The canonical request up to (without) the body hash, as the signer builds it.
    canonical_prefix: String,
}

/// The headers on a request when the client signs it (`X-Sdk-Date` included; the signer
/// replaces it, and leaves `Content-Type` out).
fn headers() -> [(&'static str, &'static str); 5] {
    [
        ("accept", "application/json"),
        ("content-type", "application/json"),
        ("x-sdk-date", SDK_DATE),
        ("host", HOST),
        ("x-project-id", PROJECT_ID),
    ]
}

fn sign(path: &str, body: &[u8]) -> signer::Signature {
    let headers = headers();
    signer::sign(
        &SigningRequest {
            method: "PUT",
            path,
            query: "",
            headers: &headers,
            body,
        },
        SDK_DATE,
        ACCESS_KEY,
        SECRET_KEY.as_bytes(),
    )
}

/// The floor: SHA-256 of the body, the canonical request completed with its hex, SHA-256 of
/// that, the string to sign, and one HMAC-SHA256 of it, hex-encoded.
fn floor(canonical_prefix: &str, body: &[u8], secret_key: &[u8]) -> String {
    let body_hash = hex::encode(Sha256::digest(body));
    let mut canonical = String::with_capacity(canonical_prefix.len() + body_hash.len());
    canonical.push_str(canonical_prefix);
    canonical.push_str(&body_hash);
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{SDK_DATE}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn cases() -> Vec<Case> {
    let client = Client::builder()
        .region("eu-de")
        .project_id(PROJECT_ID)
        .credentials(Credentials::access_key(ACCESS_KEY, SECRET_KEY))
        .build()
        .expect("a valid configuration");
    let documented = documented_change(&client).build_body().expect("valid");
    let many = client
        .modify_endpoint_service(SERVICE_ID)
        .ports(mappings(200))
        .build_body()
        .expect("valid");
    let path = documented_path();
    [
        ("documented", serde_json::to_vec(&documented)),
        ("200_mappings", serde_json::to_vec(&many)),
    ]
    .into_iter()
    .map(|(name, body)| {
        let body = body.expect("serialisable");
        let signature = sign(&path, &body);
        let canonical = &signature.canonical_request;
        let canonical_prefix = canonical[..canonical.len() - 64].to_owned();
        // The floor does the same work: it must come to the same signature.
        let expected = format!(
            "Signature={}",
            floor(&canonical_prefix, &body, SECRET_KEY.as_bytes())
        );
        assert!(
            signature.authorization.ends_with(&expected),
            "the floor computes another signature than the signer for {name}"
        );
        Case {
            name,
            body,
            canonical_prefix,
        }
    })
    .collect()
}

fn bench(c: &mut Criterion, cases: &[Case]) {
    let path = documented_path();
    let mut group = c.benchmark_group("signing");
    for case in cases {
        group.throughput(Throughput::Bytes(case.body.len() as u64));
        group.bench_function(format!("{}/sign", case.name), |b| {
            b.iter(|| sign(black_box(&path), black_box(&case.body)))
        });
        group.bench_function(format!("{}/floor", case.name), |b| {
            b.iter(|| {
                floor(
                    black_box(&case.canonical_prefix),
                    black_box(&case.body),
                    black_box(SECRET_KEY.as_bytes()),
                )
            })
        });
    }
    group.finish();
}

fn summary(cases: &[Case]) {
    let path = documented_path();
    let mut sides: Vec<Side<'_>> = Vec::new();
    for case in cases {
        let path = path.as_str();
        sides.push(Box::new(move |n| {
            timed(n, || {
                black_box(sign(black_box(path), black_box(&case.body)));
            })
        }));
        sides.push(Box::new(move |n| {
            timed(n, || {
                black_box(floor(
                    black_box(&case.canonical_prefix),
                    black_box(&case.body),
                    black_box(SECRET_KEY.as_bytes()),
                ));
            })
        }));
    }
    let rounds = if support::is_bench_run() { 31 } else { 3 };
    let measured = interleaved(&mut sides, rounds, Duration::from_millis(20));
    println!("\nsummary (interleaved, {rounds} rounds, medians):");
    for (i, case) in cases.iter().enumerate() {
        println!(
            "  {} ({} body bytes): sign {}, floor {}",
            case.name,
            case.body.len(),
            show(measured.per_op[2 * i]),
            show(measured.per_op[2 * i + 1]),
        );
    }
    for (i, case) in cases.iter().enumerate() {
        print_ratio(
            &format!("signing_{}", case.name),
            measured.ratio(2 * i, 2 * i + 1),
        );
    }
}

fn main() {
    let cases = cases();
    let mut c = support::criterion();
    bench(&mut c, &cases);
    c.final_summary();
    if support::wants_summary() {
        summary(&cases);
    }
}
