//! AWS: `sts:GetCallerIdentity`, and nothing else.
//!
//! `POST https://sts.amazonaws.com/` with `Action=GetCallerIdentity&Version=2011-06-15`, signed
//! with SigV4 (region us-east-1, service sts). AWS documents it as needing no permission (it
//! cannot even be denied), so it proves the key works and tells whose it is (account, ARN),
//! not what it may do.
//!
//! Canary tokens: services such as canarytokens.org hand out AWS keys whose only purpose is to
//! alert their owner when used. The account id is encoded in the key id, so it is decoded
//! offline and keys of known canary accounts are skipped without any request
//! (`--verify-canaries` verifies them anyway).

use super::http::{Body, Field, Method, Request, Response};
use super::signing::{amz_date, SigV4};
use super::{nearby, part, Clock, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

pub const PATH: &str = "/";
pub const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
pub const REGION: &str = "us-east-1";
pub const SERVICE: &str = "sts";

const SECRET_RULE: &str = "aws-secret-access-key";
const KEY_ID_RULE: &str = "aws-access-key-id";
const SESSION_TOKEN_RULE: &str = "aws-session-token";

/// AWS accounts known to issue canary tokens (Thinkst canarytokens.org and look-alikes), as
/// listed by trufflehog and Kingfisher.
pub const CANARY_ACCOUNTS: &[&str] = &[
    "052310077262",
    "171436882533",
    "266735846894",
    "528757803018",
    "534261010715",
    "538784191382",
    "595918472158",
    "717712589309",
    "729780141977",
    "730335385048",
    "819147034852",
    "893192397702",
    "992382622183",
];

pub fn handles(rule_id: &str) -> bool {
    rule_id == SECRET_RULE || rule_id == KEY_ID_RULE
}

/// The AWS account id encoded in an access key id (`AKIA…`, `ASIA…`): base32-decode the 16
/// characters after the prefix; bits 7..47 of the first 6 bytes are the account. Older ids
/// (`AKIAI…`, `AKIAJ…`) predate the scheme and give `None`.
pub fn account_from_key_id(key_id: &str) -> Option<String> {
    if key_id.len() != 20 || !key_id.is_ascii() {
        return None;
    }
    let body = &key_id.as_bytes()[4..];
    if matches!(body[0], b'I' | b'J') {
        return None;
    }
    let mut bits: u128 = 0;
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        bits = (bits << 5) | v as u128;
    }
    // 16 chars × 5 bits = 80 bits = 10 bytes; the first 6 bytes are the top 48 bits.
    let z = (bits >> 32) as u64;
    let account = (z & 0x7fff_ffff_ff80) >> 7;
    Some(format!("{account:012}"))
}

/// An access key, its secret, and (for temporary `ASIA` keys) the session token.
pub struct Cred {
    pub key_id: String,
    pub secret: String,
    pub session_token: Option<String>,
}

impl Cred {
    pub(super) fn secrets(&self) -> Vec<&str> {
        let mut v = vec![self.key_id.as_str(), self.secret.as_str()];
        v.extend(self.session_token.as_deref());
        v
    }
}

fn canary_check(key_id: &str, allow_canaries: bool) -> Result<(), Verification> {
    match account_from_key_id(key_id) {
        Some(account) if !allow_canaries && CANARY_ACCOUNTS.contains(&account.as_str()) => {
            let mut v = Verification::skipped(
                Some(Provider::Aws),
                Reason::CanaryToken,
                format!(
                    "the key belongs to AWS account {account}, a known canary-token (honeytoken) account: using it alerts whoever planted it. --verify-canaries verifies it anyway"
                ),
            );
            v.identity.insert("account".into(), account);
            Err(v)
        }
        _ => Ok(()),
    }
}

pub fn credential(
    findings: &[Finding],
    i: usize,
    allow_canaries: bool,
) -> Result<Cred, Verification> {
    let f = &findings[i];
    if f.rule_id == KEY_ID_RULE {
        canary_check(&f.secret, allow_canaries)?;
        return Err(Verification::skipped(
            Some(Provider::Aws),
            Reason::MissingCounterpart,
            "an access key id alone cannot be verified: its secret access key was not found near it",
        ));
    }
    let key_id = part(f, "key").ok_or_else(|| {
        Verification::skipped(
            Some(Provider::Aws),
            Reason::MissingCounterpart,
            "a secret access key needs its access key id (AKIA…), and none was found near it",
        )
    })?;
    canary_check(key_id, allow_canaries)?;
    let session_token =
        nearby(findings, i, &[SESSION_TOKEN_RULE]).map(|j| findings[j].secret.clone());
    if key_id.starts_with("ASIA") && session_token.is_none() {
        return Err(Verification::skipped(
            Some(Provider::Aws),
            Reason::MissingCounterpart,
            "a temporary (ASIA…) key needs its session token, and none was found near it",
        ));
    }
    Ok(Cred {
        key_id: key_id.to_string(),
        secret: f.secret.clone(),
        session_token: session_token.filter(|_| key_id.starts_with("ASIA")),
    })
}

/// The signed request. `authority` is the `Host` the request goes to (signed by SigV4).
pub fn build(cred: &Cred, authority: &str, now_secs: i64) -> Request {
    let date = amz_date(now_secs);
    let mut signed: Vec<(&str, &str)> = vec![
        ("content-type", CONTENT_TYPE),
        ("host", authority),
        ("x-amz-date", &date),
    ];
    if let Some(t) = &cred.session_token {
        signed.push(("x-amz-security-token", t));
    }
    let signer = SigV4 {
        access_key_id: &cred.key_id,
        secret_access_key: &cred.secret,
        region: REGION,
        service: SERVICE,
        amz_date: &date,
    };
    let authorization = signer.authorization("POST", PATH, &[], &signed, BODY.as_bytes());
    let mut headers = vec![Field::public("X-Amz-Date", date.clone())];
    if let Some(t) = &cred.session_token {
        headers.push(Field::secret("X-Amz-Security-Token", t.clone()));
    }
    headers.push(Field::secret("Authorization", authorization));
    Request {
        provider: Provider::Aws,
        method: Method::Post,
        path: PATH,
        query: Vec::new(),
        headers,
        body: Some(Body {
            content_type: CONTENT_TYPE,
            text: BODY.to_string(),
        }),
    }
}

/// The text of the first `<tag>…</tag>` in an XML document (STS answers are tiny and flat).
pub fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(xml[start..end].trim())
}

/// Maps an STS answer to a verdict (pure).
pub fn classify(resp: &Response) -> Verification {
    if resp.status == 200 {
        let arn = xml_text(&resp.body, "Arn");
        let account = xml_text(&resp.body, "Account");
        let (Some(arn), Some(account)) = (arn, account) else {
            return Verification::indeterminate(
                Provider::Aws,
                Reason::AmbiguousAnswer,
                "HTTP 200 without GetCallerIdentity's Account and Arn",
            );
        };
        let mut v = Verification::live(Provider::Aws, super::risk::aws(arn));
        v.identity.insert("account".into(), account.to_string());
        v.identity.insert("arn".into(), arn.to_string());
        if let Some(user_id) = xml_text(&resp.body, "UserId") {
            v.identity.insert("user_id".into(), user_id.to_string());
        }
        v.detail = Some(
            "GetCallerIdentity needs no permission: the key's permissions are not known".into(),
        );
        return v;
    }
    if let Some(v) = super::generic_http_failure(Provider::Aws, resp) {
        return v;
    }
    let code = xml_text(&resp.body, "Code").unwrap_or("");
    let ind = |r, d: String| Verification::indeterminate(Provider::Aws, r, d);
    match code {
        "InvalidClientTokenId" => Verification::dead(
            Provider::Aws,
            Reason::Rejected,
            "AWS: InvalidClientTokenId: no such active access key (deleted, deactivated or never valid)",
        ),
        "ExpiredToken" | "TokenRefreshRequired" => Verification::dead(
            Provider::Aws,
            Reason::Expired,
            format!("AWS: {code}: the temporary credentials have expired"),
        ),
        "SignatureDoesNotMatch" => ind(
            Reason::SecretMismatch,
            "AWS: SignatureDoesNotMatch: the access key id exists but this secret does not match it".into(),
        ),
        "RequestExpired" | "SignatureExpired" | "RequestTimeTooSkewed" => ind(
            Reason::ClockSkew,
            format!("AWS: {code}: this machine's clock is too far from AWS's"),
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => ind(
            Reason::RateLimited,
            format!("AWS: {code}"),
        ),
        "" => ind(
            Reason::AmbiguousAnswer,
            format!("AWS answered HTTP {} without an error code", resp.status),
        ),
        other => ind(
            Reason::AmbiguousAnswer,
            format!("AWS answered HTTP {} with {other}", resp.status),
        ),
    }
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    let base = ctx.base(Provider::Aws);
    match ctx.send(&build(cred, &base.authority, Clock::now().secs())) {
        Ok(resp) => classify(&resp),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Status;

    /// A published key-id decoding example (also a canary account), split so that scanning this
    /// file finds no key.
    const CANARY_KEY_ID: &str = concat!("AKIA", "XYZDQCEN4B6JSJQI");

    #[test]
    fn account_ids_decode_offline() {
        // Kingfisher's unit-test vector; also a canary account.
        assert_eq!(
            account_from_key_id(CANARY_KEY_ID).as_deref(),
            Some("534261010715")
        );
        assert_eq!(account_from_key_id("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(account_from_key_id("AKIA123"), None);
    }

    #[test]
    fn canary_accounts_are_skipped_unless_allowed() {
        let v = canary_check(CANARY_KEY_ID, false).unwrap_err();
        assert_eq!(
            (v.status, v.reason),
            (Status::Skipped, Some(Reason::CanaryToken))
        );
        assert_eq!(v.identity["account"], "534261010715");
        assert!(canary_check(CANARY_KEY_ID, true).is_ok());
    }

    #[test]
    fn the_request_is_a_signed_get_caller_identity() {
        let cred = Cred {
            key_id: "AKIDEXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        let req = build(&cred, "sts.amazonaws.com", 1_440_938_160);
        assert_eq!((req.method, req.path), (Method::Post, "/"));
        assert_eq!(req.body.as_ref().unwrap().text, BODY);
        let auth = &req
            .headers
            .iter()
            .find(|h| h.name == "Authorization")
            .unwrap()
            .value;
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
        ));
    }

    #[test]
    fn answers() {
        let ok = Response {
            status: 200,
            headers: vec![("content-type".into(), "text/xml".into())],
            body: "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>".into(),
        };
        let v = classify(&ok);
        assert_eq!(v.status, Status::Live);
        assert_eq!(v.identity["arn"], "arn:aws:iam::123456789012:user/ci");
        let err = |code: &str, status: u16| {
            Response {
            status,
            headers: vec![("content-type".into(), "text/xml".into())],
            body: format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error></ErrorResponse>"),
        }
        };
        for (code, status, want, reason) in [
            ("InvalidClientTokenId", 403, Status::Dead, Reason::Rejected),
            ("ExpiredToken", 403, Status::Dead, Reason::Expired),
            (
                "SignatureDoesNotMatch",
                403,
                Status::Indeterminate,
                Reason::SecretMismatch,
            ),
            (
                "RequestExpired",
                403,
                Status::Indeterminate,
                Reason::ClockSkew,
            ),
            (
                "Throttling",
                400,
                Status::Indeterminate,
                Reason::RateLimited,
            ),
            (
                "AccessDenied",
                403,
                Status::Indeterminate,
                Reason::AmbiguousAnswer,
            ),
            (
                "InternalFailure",
                500,
                Status::Indeterminate,
                Reason::UpstreamError,
            ),
            (
                "Throttling",
                429,
                Status::Indeterminate,
                Reason::RateLimited,
            ),
        ] {
            let v = classify(&err(code, status));
            assert_eq!((v.status, v.reason), (want, Some(reason)), "{code}");
        }
    }
}
