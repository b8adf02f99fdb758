//! AWS: a SigV4-signed STS `GetCallerIdentity`, checked against an independent SigV4
//! implementation, and STS's answers mapped to verdicts.

use sha2::{Digest, Sha256};

use crate::common::mock_server::{Canned, MockServer, Recorded};
use crate::{
    aws_key_id, aws_secret, case, dead, hex, hmac_sha256, leakhound, live, skipped, tree, unsure,
    verification_of, Scenario, SCAN_VERIFY,
};

const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// The `Authorization` header STS expects for `req`: SigV4 written out independently of
/// leakhound's signer.
fn sigv4_expected(req: &Recorded, key_id: &str, secret: &str) -> String {
    let date = req.header("X-Amz-Date").unwrap();
    let signed = ["content-type", "host", "x-amz-date"];
    let canonical_headers: String = signed
        .iter()
        .map(|h| format!("{h}:{}\n", req.header(h).unwrap().trim()))
        .collect();
    let canonical = format!(
        "POST\n/\n\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        hex(&Sha256::digest(req.body.as_bytes()))
    );
    let scope = format!("{}/us-east-1/sts/aws4_request", &date[..8]);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut k = hmac_sha256(format!("AWS4{secret}").as_bytes(), &date.as_bytes()[..8]);
    for part in ["us-east-1", "sts", "aws4_request"] {
        k = hmac_sha256(&k, part.as_bytes());
    }
    format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={}, Signature={}",
        signed.join(";"),
        hex(&hmac_sha256(&k, to_sign.as_bytes()))
    )
}

/// Asserts that `req` is a `GetCallerIdentity` signed for `key_id` with `secret`.
fn assert_signed(req: &Recorded, key_id: &str, secret: &str) {
    assert_eq!((req.method.as_str(), req.url.as_str()), ("POST", "/"));
    assert_eq!(req.body, BODY);
    assert_eq!(
        req.header("Authorization"),
        Some(sigv4_expected(req, key_id, secret).as_str())
    );
}

/// A `GetCallerIdentity` result for `arn` in account 123456789012.
fn identity(arn: &str) -> Canned {
    Canned::xml(200, format!("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"))
}

/// An STS error answer with `code`.
fn sts_error(status: u16, code: &str) -> Canned {
    Canned::xml(status, format!("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"))
}

fn aws_file(key_id: &str, secret: &str) -> String {
    format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n")
}

#[test]
fn answers() {
    let key_id = aws_key_id(123_456_789_012, 1);
    let secret = aws_secret(1);
    let scenario = Scenario {
        provider: "AWS",
        method: "POST",
        path: "/",
        files: vec![("live/.env", aws_file(&key_id, &secret))],
        rule: "aws-secret-access-key",
        secrets: vec![secret.clone()],
    };
    let user = "arn:aws:iam::123456789012:user/deploy";
    let cases = vec![
        case(
            "an IAM user's key",
            identity(user),
            live("high")
                .with("/identity/account", "123456789012")
                .with("/identity/arn", user),
        ),
        case(
            "a root-account key",
            identity("arn:aws:iam::123456789012:root"),
            live("critical"),
        ),
        case(
            "InvalidClientTokenId: no such key",
            sts_error(403, "InvalidClientTokenId"),
            dead("rejected"),
        ),
        case(
            "SignatureDoesNotMatch: the key exists with another secret",
            sts_error(403, "SignatureDoesNotMatch"),
            unsure("secret-mismatch"),
        ),
        case(
            "ExpiredToken",
            sts_error(403, "ExpiredToken"),
            dead("expired"),
        ),
        case(
            "RequestTimeTooSkewed",
            sts_error(403, "RequestTimeTooSkewed"),
            unsure("clock-skew"),
        ),
        case(
            "Throttling",
            sts_error(400, "Throttling"),
            unsure("rate-limited"),
        ),
        case(
            "503 from STS",
            sts_error(503, "ServiceUnavailable"),
            unsure("upstream-error"),
        ),
        case(
            "200 without Account and Arn",
            Canned::xml(200, "<GetCallerIdentityResponse/>"),
            unsure("ambiguous-answer"),
        ),
    ];
    scenario.run(cases, |req| assert_signed(req, &key_id, &secret));
}

#[test]
fn each_distinct_credential_is_one_request_signed_with_its_own_secret() {
    let key_id = aws_key_id(123_456_789_012, 2);
    let (secret, other_secret) = (aws_secret(2), aws_secret(3));
    let dead_key = aws_key_id(210_987_654_321, 4);
    let dead_secret = aws_secret(4);
    let dir = tree(&[
        ("live/.env", aws_file(&key_id, &secret)),
        ("mismatch/.env", aws_file(&key_id, &other_secret)),
        ("dead/.env", aws_file(&dead_key, &dead_secret)),
    ]);
    let mock = MockServer::new()
        .route(
            "POST",
            "/",
            identity("arn:aws:iam::123456789012:user/deploy"),
        )
        .start();
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("AWS", &mock)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&secret, &other_secret, &dead_secret]);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    for (id, s) in [
        (&key_id, &secret),
        (&key_id, &other_secret),
        (&dead_key, &dead_secret),
    ] {
        let signed = reqs
            .iter()
            .any(|r| r.header("Authorization") == Some(sigv4_expected(r, id, s).as_str()));
        assert!(signed, "no request signed for {id} with its secret");
    }
}

#[test]
fn canary_accounts_are_skipped_unless_asked() {
    // 534261010715 is a canarytokens.org account; the key id is made up around it.
    let key_id = aws_key_id(534_261_010_715, 5);
    let secret = aws_secret(5);
    let dir = tree(&[("c/.env", aws_file(&key_id, &secret))]);
    let mock = MockServer::new()
        .route(
            "POST",
            "/",
            identity("arn:aws:iam::534261010715:user/canarytokens"),
        )
        .start();
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("AWS", &mock)]);
    skipped("canary-token")
        .with("/identity/account", "534261010715")
        .check(
            "without --verify-canaries",
            &verification_of(&run.json(), "aws-secret-access-key"),
        );
    assert!(
        mock.requests().is_empty(),
        "a canary was sent without asking"
    );
    let with = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--verify",
            "--verify-canaries",
            "--format",
            "json",
        ],
        &[("AWS", &mock)],
    );
    let v = verification_of(&with.json(), "aws-secret-access-key");
    assert_eq!(v["status"], "live", "{v}");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1, "only the --verify-canaries run sends");
    assert_signed(&reqs[0], &key_id, &secret);
}
