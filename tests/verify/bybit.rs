//! Bybit v5: a signed `GET /v5/user/query-api`, checked as Bybit checks it (the API key,
//! timestamp and recv-window headers, the HMAC over `timestamp + key + recv_window + query`),
//! and each documented answer mapped to a verdict.

use crate::common::fake;
use crate::common::mock_server::{Canned, MockServer, Recorded};
use crate::exchanges::{assert_fresh, bybit_files, http_cases, run, Exchange};
use crate::{
    case, dead, hex, hmac_sha256, live, now_ms, tree, unsure, verification_of, SCAN_VERIFY,
};

const QUERY_API: &str = "/v5/user/query-api";
const SERVER_TIME: &str = "/v5/market/time";

/// Bybit v5 guide, "Authentication", GET: lowercase hex HMAC-SHA256 with the secret over
/// `timestamp + api_key + recv_window + queryString`.
fn sign(secret: &str, key: &str, timestamp: &str, recv_window: &str, query: &str) -> String {
    let payload = format!("{timestamp}{key}{recv_window}{query}");
    hex(&hmac_sha256(secret.as_bytes(), payload.as_bytes()))
}

/// The algorithm above against a vector computed independently (python `hmac`) from the same
/// inputs: secret `fake(36, 42)`, key `fake(18, 41)`, timestamp 1700000000000, recv window
/// 5000, empty query.
#[test]
fn signature_vector() {
    let (secret, key) = (fake(36, 42), fake(18, 41));
    assert_eq!(
        sign(&secret, &key, "1700000000000", "5000", ""),
        "8638df2da3a182f3b3b36f75ae4da0978a3cbc2245ef8203161e52127a888009"
    );
}

fn answer(body: &str) -> Canned {
    Canned::json(200, body)
}

fn error(code: i64, msg: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"retCode":{code},"retMsg":"{msg}","result":{{}},"retExtInfo":{{}},"time":1}}"#
        ),
    )
}

fn key_info(read_only: u8, wallet: &str, spot: &str, ips: &str) -> Canned {
    answer(&format!(
        r#"{{"retCode":0,"retMsg":"","result":{{"id":"1","note":"bot","apiKey":"k","readOnly":{read_only},"secret":"","permissions":{{"ContractTrade":[],"Spot":[{spot}],"Wallet":[{wallet}],"Options":[],"Derivatives":[],"Exchange":["ExchangeHistory"]}},"ips":[{ips}],"type":1,"deadlineDay":66,"expiredAt":"2031-01-01T00:00:00Z","createdAt":"2022-10-16T02:24:40Z","unified":0,"uta":1,"userID":1,"isMaster":true}},"retExtInfo":{{}},"time":1}}"#
    ))
}

/// Asserts the request is the signed `query-api` GET for `key` and `secret`.
fn assert_signed(req: &Recorded, key: &str, secret: &str) {
    assert_eq!((req.method.as_str(), req.url.as_str()), ("GET", QUERY_API));
    assert!(req.body.is_empty());
    assert_eq!(req.header("X-BAPI-API-KEY"), Some(key));
    assert_eq!(req.header("X-BAPI-RECV-WINDOW"), Some("5000"));
    let ts = req.header("X-BAPI-TIMESTAMP").unwrap();
    assert_fresh(ts.parse().unwrap(), req, 5000);
    assert_eq!(
        req.header("X-BAPI-SIGN"),
        Some(sign(secret, key, ts, "5000", "").as_str())
    );
}

#[test]
fn answers() {
    let (key, secret, text) = bybit_files(1);
    let exchange = Exchange {
        provider: "BYBIT",
        method: "GET",
        path: QUERY_API,
        files: vec![("bot/.env", text)],
        rule: "bybit-secret-key",
        secrets: vec![key.clone(), secret.clone()],
        env: Vec::new(),
    };
    let mut cases = vec![
        case(
            "live read-only key",
            key_info(1, "", "", r#""*""#),
            live("low")
                .with("/provider", "bybit")
                .with("/permissions/readOnly", true)
                .with("/identity/created", "2022-10-16T02:24:40Z")
                .with("/identity/expires", "2031-01-01T00:00:00Z"),
        ),
        case(
            "live withdraw-capable key",
            key_info(
                0,
                r#""AccountTransfer","Withdraw""#,
                r#""SpotTrade""#,
                r#""*""#,
            ),
            live("critical").with("/permissions/Wallet/1", "Withdraw"),
        ),
        case(
            "live trading key without an IP list",
            key_info(0, "", r#""SpotTrade""#, r#""*""#),
            live("high").with("/permissions/ipRestrict", false),
        ),
        case(
            "live trading key locked to IPs",
            key_info(0, "", r#""SpotTrade""#, r#""203.0.113.7""#),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7"),
        ),
        case(
            "10010 unmatched IP",
            error(
                10010,
                "Unmatched IP, please check your API key's bound IP addresses.",
            ),
            unsure("ip-restricted"),
        ),
        case(
            "10003 invalid key",
            error(10003, "API key is invalid."),
            dead("rejected"),
        ),
        case(
            "10004 invalid signature",
            error(10004, "error sign! origin_string[...]"),
            dead("secret-mismatch"),
        ),
        case(
            "33004 expired key",
            error(33004, "Your api key has expired."),
            dead("expired"),
        ),
        case(
            "10006 rate limited in the body",
            error(10006, "Too many visits!"),
            unsure("rate-limited"),
        ),
        case(
            "403 access too frequent (no JSON)",
            Canned::new(403, "text/plain", "access too frequent"),
            unsure("rate-limited"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret));
}

#[test]
fn a_timestamp_rejection_resyncs_once_with_the_public_clock() {
    let (key, secret, text) = bybit_files(2);
    let dir = tree(&[("bot/.env", text)]);
    let mock = MockServer::new()
        .route_seq(
            "GET",
            QUERY_API,
            vec![
                error(10002, "invalid request, please check your server timestamp"),
                key_info(1, "", "", r#""*""#),
            ],
        )
        .route(
            "GET",
            SERVER_TIME,
            Canned::json(
                200,
                format!(
                    r#"{{"retCode":0,"retMsg":"OK","result":{{}},"time":{}}}"#,
                    now_ms()
                ),
            ),
        )
        .start();
    let run = run(dir.path(), SCAN_VERIFY, &[("BYBIT", &mock)], &[]);
    live("low").check(
        "after resync",
        &verification_of(&run.json(), "bybit-secret-key"),
    );
    let reqs = mock.requests();
    let paths: Vec<&str> = reqs.iter().map(Recorded::path).collect();
    assert_eq!(paths, [QUERY_API, SERVER_TIME, QUERY_API]);
    assert!(
        reqs[1].header("X-BAPI-API-KEY").is_none(),
        "the time call is unsigned"
    );
    assert_signed(&reqs[2], &key, &secret);
}

#[test]
fn a_rate_limit_in_the_body_stops_bybit_for_the_run() {
    let files: Vec<(&str, String)> = ["a/.env", "b/.env", "c/.env"]
        .into_iter()
        .zip(10..)
        .map(|(name, seed)| (name, bybit_files(seed).2))
        .collect();
    let dir = tree(&files);
    let mock = MockServer::new()
        .route("GET", QUERY_API, error(10006, "Too many visits!"))
        .start();
    let run = run(dir.path(), SCAN_VERIFY, &[("BYBIT", &mock)], &[]);
    for v in crate::verifications_of(&run.json(), "bybit-secret-key") {
        unsure("rate-limited").check("each key", &v);
    }
    assert_eq!(mock.requests().len(), 1, "Bybit was called again");
}
