//! The one HTTP client verification uses, hardened so a scanned file can never steer it.
//!
//! - Hosts are constants ([`host`]); a request names only a provider and one of the
//!   fixed [`ENDPOINTS`], never a URL, so neither a rule, a config file nor a scanned secret can
//!   add a host or an endpoint. There is no field for it anywhere.
//! - Only GET, or POST on an endpoint that the provider documents as read-only (AWS STS
//!   `GetCallerIdentity`, Slack `auth.test`, and, opt-in only, Kraken `GetApiKeyInfo`).
//!   [`Client::send`] refuses anything else.
//! - HTTPS only (rustls, certificate checks on, the system's certificate store through
//!   rustls-platform-verifier), no redirects followed, short
//!   timeouts, a capped response body, an honest User-Agent.
//! - Tests point a provider at a local mock server through `LEAKHOUND_VERIFY_BASE_URL_<PROVIDER>`,
//!   which accepts nothing but a loopback address (`127.x.x.x`, `localhost`, `[::1]`): any other
//!   value is an error, so the variable cannot be used to send credentials elsewhere.

use std::io::Read as _;
use std::net::Ipv4Addr;
use std::time::Duration;

use super::Provider;

/// Connect timeout: providers answer fast; a hanging connect is an answer too (indeterminate).
/// The only host each provider's requests go to (HTTPS, port 443).
pub const fn host(provider: Provider) -> &'static str {
    match provider {
        Provider::Binance => "api.binance.com",
        Provider::Aws => "sts.amazonaws.com",
        Provider::Github => "api.github.com",
        Provider::Slack => "slack.com",
        Provider::Stripe => "api.stripe.com",
        Provider::Bybit => "api.bybit.com",
        Provider::Okx => "www.okx.com",
        Provider::Kucoin => "api.kucoin.com",
        Provider::Bitget => "api.bitget.com",
        Provider::Gate => "api.gateio.ws",
        Provider::Coinbase => "api.coinbase.com",
        Provider::Kraken => "api.kraken.com",
        Provider::Bitfinex => "api.bitfinex.com",
        Provider::Htx => "api.huobi.pro",
        Provider::Mexc => "api.mexc.com",
    }
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Whole-request timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Responses we read are small JSON/XML documents; anything larger is not what we asked for.
pub const MAX_BODY: u64 = 64 * 1024;

/// HTTP methods verification may use. There is no PUT, PATCH or DELETE to choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    /// Only on an endpoint listed in [`ENDPOINTS`] as read-only by the provider's docs.
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One request verification is allowed to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub provider: Provider,
    pub method: Method,
    pub path: &'static str,
    /// Why it is safe, from the provider's documentation.
    pub why: &'static str,
}

/// Every request leakhound can send, all of them. [`Client::send`] refuses any other.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        provider: Provider::Binance,
        method: Method::Get,
        path: "/sapi/v1/account/apiRestrictions",
        why: "the key's own permission flags; weight 1, returns no balances",
    },
    Endpoint {
        provider: Provider::Binance,
        method: Method::Get,
        path: "/api/v3/time",
        why: "public server time, unsigned; only after a -1021 clock-skew answer",
    },
    Endpoint {
        provider: Provider::Aws,
        method: Method::Post,
        path: "/",
        why: "sts:GetCallerIdentity: read-only, needs no IAM permission",
    },
    Endpoint {
        provider: Provider::Github,
        method: Method::Get,
        path: "/user",
        why: "the token's own user; classic scopes in X-OAuth-Scopes",
    },
    Endpoint {
        provider: Provider::Slack,
        method: Method::Post,
        path: "/api/auth.test",
        why: "checks authentication and tells the identity; no side effects",
    },
    Endpoint {
        provider: Provider::Stripe,
        method: Method::Get,
        path: "/v1/balance",
        why: "reads the balance object (livemode); changes nothing",
    },
    Endpoint {
        provider: Provider::Bybit,
        method: Method::Get,
        path: "/v5/user/query-api",
        why: "the key's own permissions, IPs, expiry; any permission may call it",
    },
    Endpoint {
        provider: Provider::Bybit,
        method: Method::Get,
        path: "/v5/market/time",
        why: "public server time, unsigned; only after a 10002 timestamp answer",
    },
    Endpoint {
        provider: Provider::Okx,
        method: Method::Get,
        path: "/api/v5/account/config",
        why: "account configuration incl. the key's perm and bound IPs; changes nothing",
    },
    Endpoint {
        provider: Provider::Okx,
        method: Method::Get,
        path: "/api/v5/public/time",
        why: "public server time, unsigned; only after a 50102 timestamp answer",
    },
    Endpoint {
        provider: Provider::Kucoin,
        method: Method::Get,
        path: "/api/v1/user/api-key",
        why: "the key's own info: permissions, IP whitelist, creation time",
    },
    Endpoint {
        provider: Provider::Kucoin,
        method: Method::Get,
        path: "/api/v1/timestamp",
        why: "public server time, unsigned; only after a 400002 timestamp answer",
    },
    Endpoint {
        provider: Provider::Bitget,
        method: Method::Get,
        path: "/api/v2/spot/account/info",
        why: "account info incl. the key's authorities and bound IPs; changes nothing",
    },
    Endpoint {
        provider: Provider::Bitget,
        method: Method::Get,
        path: "/api/v2/public/time",
        why: "public server time, unsigned; only after a 40008 timestamp answer",
    },
    Endpoint {
        provider: Provider::Gate,
        method: Method::Get,
        path: "/api/v4/account/detail",
        why: "account detail: user id, IP whitelist, key mode; changes nothing",
    },
    Endpoint {
        provider: Provider::Gate,
        method: Method::Get,
        path: "/api/v4/spot/time",
        why: "public server time, unsigned; only after a REQUEST_EXPIRED answer",
    },
    Endpoint {
        provider: Provider::Coinbase,
        method: Method::Get,
        path: "/api/v3/brokerage/key_permissions",
        why: "the key's own can_view / can_trade / can_transfer; changes nothing",
    },
    Endpoint {
        provider: Provider::Kraken,
        method: Method::Post,
        path: "/0/private/GetApiKeyInfo",
        why: "Kraken has only POST private endpoints; this one needs no permission and \
              returns the key's permissions (opt-in: it moves the key's nonce)",
    },
];

/// A query parameter or header. `secret` values are redacted in every description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
    pub secret: bool,
}

impl Field {
    pub fn public(name: &'static str, value: impl Into<String>) -> Field {
        Field {
            name,
            value: value.into(),
            secret: false,
        }
    }
    pub fn secret(name: &'static str, value: impl Into<String>) -> Field {
        Field {
            name,
            value: value.into(),
            secret: true,
        }
    }
}

/// A request body (never secret: signatures and keys travel in headers or the query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub content_type: &'static str,
    pub text: String,
}

/// A request, as a provider module builds it: no host, no URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub provider: Provider,
    pub method: Method,
    pub path: &'static str,
    /// Sent in this order as `name=value&...`; values are already percent-encoded, because
    /// Binance signs the exact string that is sent.
    pub query: Vec<Field>,
    pub headers: Vec<Field>,
    pub body: Option<Body>,
}

const REDACTED: &str = "<redacted>";

impl Request {
    /// The query string as sent (with secrets).
    pub fn query_string(&self) -> String {
        self.query
            .iter()
            .map(|f| format!("{}={}", f.name, f.value))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// One line per request, for `--verify-dry-run`: method, URL with every secret query value
    /// redacted, header names only, and the body (never secret).
    pub fn describe(&self, base: &BaseUrl) -> String {
        let query = self
            .query
            .iter()
            .map(|f| {
                if f.secret {
                    format!("{}={REDACTED}", f.name)
                } else {
                    format!("{}={}", f.name, f.value)
                }
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut out = format!("{} {}{}", self.method.as_str(), base.origin(), self.path);
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query);
        }
        let mut names: Vec<&str> = self.headers.iter().map(|h| h.name).collect();
        if let Some(b) = &self.body {
            names.push("Content-Type");
            out += &format!("\n      body: {}", b.text);
        }
        names.push("User-Agent");
        out += &format!("\n      headers: {}", names.join(", "));
        out
    }

    fn endpoint(&self) -> Option<&'static Endpoint> {
        ENDPOINTS
            .iter()
            .find(|e| e.provider == self.provider && e.method == self.method && e.path == self.path)
    }
}

/// What came back. Only what the classifiers need: status, headers, a capped body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    pub status: u16,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A WAF, captive portal or CDN error page rather than the provider's API.
    pub fn is_html(&self) -> bool {
        let ct = self
            .header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ct.contains("text/html") {
            return true;
        }
        if ct.contains("json") || ct.contains("xml") {
            return false;
        }
        let head: String = self.body.trim_start().chars().take(16).collect();
        let head = head.to_ascii_lowercase();
        head.starts_with("<!doctype html") || head.starts_with("<html")
    }

    /// `Retry-After` in seconds, when given as seconds.
    pub fn retry_after(&self) -> Option<u64> {
        self.header("retry-after")
            .and_then(|v| v.trim().parse().ok())
    }
}

/// Why no response came back. Never carries a URL, header or body (they may hold secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    Timeout,
    Network(String),
    /// The request is not on the allow-list (a bug; never sent).
    Refused(String),
}

/// Where a provider's requests go: its constant host over HTTPS, or a loopback test override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    pub https: bool,
    /// `host` or `host:port`, as sent in the `Host` header (and signed by SigV4).
    pub authority: String,
}

impl BaseUrl {
    pub fn production(provider: Provider) -> BaseUrl {
        BaseUrl {
            https: true,
            authority: host(provider).to_string(),
        }
    }

    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            if self.https { "https" } else { "http" },
            self.authority
        )
    }

    pub fn is_production(&self) -> bool {
        self.https && Provider::ALL.iter().any(|p| host(*p) == self.authority)
    }
}

/// The environment variable that points `provider` at a loopback mock server (tests only).
pub fn override_var(provider: Provider) -> String {
    format!(
        "LEAKHOUND_VERIFY_BASE_URL_{}",
        provider.name().to_ascii_uppercase()
    )
}

/// Parses a base-URL override; accepts only `http(s)://` + a loopback host + optional port.
pub fn parse_loopback_url(value: &str) -> Result<BaseUrl, String> {
    let refuse = |why: &str| {
        Err(format!(
            "{value:?} {why}; only a loopback URL is accepted: http(s)://127.x.x.x, localhost or [::1], with an optional port"
        ))
    };
    let (https, rest) = if let Some(r) = value.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = value.strip_prefix("http://") {
        (false, r)
    } else {
        return refuse("is not an http(s) URL");
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty()
        || authority.contains(['/', '@', '?', '#', '\\', ' '])
        || !authority.is_ascii()
    {
        return refuse("is not a bare scheme://host[:port]");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (format!("[{h}]"), p),
            None => return refuse("is not a valid address"),
        }
    } else {
        match authority.split_once(':') {
            Some((h, _)) => (h.to_string(), &authority[h.len()..]),
            None => (authority.to_string(), ""),
        }
    };
    if !port.is_empty() {
        let digits = port.strip_prefix(':').unwrap_or("x");
        if digits.is_empty() || digits.parse::<u16>().is_err() {
            return refuse("has an invalid port");
        }
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host
            .parse::<Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback() && host.split('.').count() == 4);
    if !loopback {
        return refuse("is not a loopback address");
    }
    Ok(BaseUrl {
        https,
        authority: authority.to_ascii_lowercase(),
    })
}

/// The HTTP client.
pub struct Client {
    /// For the real hosts: HTTPS only; honours HTTPS_PROXY/NO_PROXY like other tools.
    strict: ureq::Agent,
    /// For loopback overrides only: plain HTTP allowed, never through a proxy.
    loopback: ureq::Agent,
    overrides: Vec<(Provider, BaseUrl)>,
}

fn agent(https_only: bool, proxy: Option<ureq::Proxy>, timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .https_only(https_only)
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
        .timeout_global(Some(timeout))
        .proxy(proxy)
        // The operating system's certificate store and verifier (rustls-platform-verifier), so
        // a corporate TLS-inspecting proxy whose root the IT department installed is trusted,
        // as browsers and git trust it; certificate checks stay on.
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .user_agent(concat!(
            "leakhound/",
            env!("CARGO_PKG_VERSION"),
            " (+secret-verification)"
        ))
        .build()
        .new_agent()
}

impl Client {
    /// The production client, plus any loopback overrides from the environment. A set but
    /// non-loopback override is an error: nothing is sent at all.
    pub fn from_env() -> anyhow::Result<Client> {
        let mut overrides = Vec::new();
        for p in Provider::ALL {
            let var = override_var(p);
            if let Some(value) = std::env::var_os(&var) {
                let value = value.to_string_lossy();
                let base = parse_loopback_url(&value)
                    .map_err(|e| anyhow::anyhow!("refusing {var}: {e}"))?;
                overrides.push((p, base));
            }
        }
        Ok(Client::new(overrides, REQUEST_TIMEOUT))
    }

    /// A client with explicit overrides (already checked to be loopback) and timeout.
    pub(crate) fn new(overrides: Vec<(Provider, BaseUrl)>, timeout: Duration) -> Client {
        Client {
            strict: agent(true, ureq::Proxy::try_from_env(), timeout),
            loopback: agent(false, None, timeout),
            overrides,
        }
    }

    /// Where `provider`'s requests go.
    pub fn base(&self, provider: Provider) -> BaseUrl {
        self.overrides
            .iter()
            .find(|(p, _)| *p == provider)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| BaseUrl::production(provider))
    }

    /// Sends one allow-listed request and reads a capped response. Any status is a response;
    /// redirects are returned, not followed.
    pub fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let Some(endpoint) = req.endpoint() else {
            return Err(TransportError::Refused(format!(
                "{} {} is not an allowed {} endpoint",
                req.method.as_str(),
                req.path,
                req.provider.name()
            )));
        };
        let base = self.base(endpoint.provider);
        let agent = if base.is_production() {
            &self.strict
        } else {
            &self.loopback
        };
        let mut url = format!("{}{}", base.origin(), endpoint.path);
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query_string());
        }
        let result = match endpoint.method {
            Method::Get => {
                let mut r = agent.get(&url);
                for h in &req.headers {
                    r = r.header(h.name, &h.value);
                }
                r.call()
            }
            Method::Post => {
                let mut r = agent.post(&url);
                for h in &req.headers {
                    r = r.header(h.name, &h.value);
                }
                match &req.body {
                    Some(b) => r.header("Content-Type", b.content_type).send(&b.text),
                    None => r.send_empty(),
                }
            }
        };
        let mut resp = result.map_err(transport_error)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(n, v)| {
                Some((
                    n.as_str().to_ascii_lowercase(),
                    v.to_str().ok()?.to_string(),
                ))
            })
            .collect();
        let mut bytes = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(MAX_BODY)
            .read_to_end(&mut bytes)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    TransportError::Timeout
                }
                kind => TransportError::Network(format!("reading the response failed ({kind})")),
            })?;
        Ok(Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// A fixed description per error kind: ureq's own messages may quote the URL, whose query
/// holds a signature.
fn transport_error(e: ureq::Error) -> TransportError {
    match e {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            TransportError::Timeout
        }
        ureq::Error::Io(io) => TransportError::Network(format!("I/O error ({})", io.kind())),
        ureq::Error::HostNotFound => TransportError::Network("host not found (DNS)".into()),
        ureq::Error::ConnectionFailed => TransportError::Network("connection failed".into()),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => {
            TransportError::Network("TLS failed (certificate or handshake)".into())
        }
        ureq::Error::RequireHttpsOnly(_) => {
            TransportError::Refused("refused to send over plain HTTP".into())
        }
        ureq::Error::ConnectProxyFailed(_) | ureq::Error::InvalidProxyUrl => {
            TransportError::Network("the HTTPS proxy failed".into())
        }
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::LargeResponseHeader(_, _) => {
            TransportError::Network("the response was too large".into())
        }
        _ => TransportError::Network("HTTP transport error".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn real_hosts_are_checked_against_the_system_store() {
        let a = agent(true, None, Duration::from_secs(1));
        assert!(matches!(
            a.config().tls_config().root_certs(),
            ureq::tls::RootCerts::PlatformVerifier
        ));
    }

    #[test]
    fn overrides_accept_loopback_only() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3:1/",
            "https://localhost:443",
            "http://LOCALHOST",
            "http://[::1]:9000",
        ] {
            assert!(parse_loopback_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://api.binance.com",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:80",
            "http://127.0.0.1@evil.example",
            "http://evil.example#@127.0.0.1",
            "http://10.0.0.1",
            "http://192.168.1.1:80",
            "http://0.0.0.0:80",
            "http://[::2]:80",
            "http://127.0.0.1:80/path",
            "ftp://127.0.0.1",
            "127.0.0.1:80",
            "http://127.0.0.1:99999",
            "http://127.1:80",
            "http://",
        ] {
            assert!(parse_loopback_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_host_is_https_and_every_post_is_on_the_read_only_list() {
        for p in Provider::ALL {
            let base = BaseUrl::production(p);
            assert!(base.https && base.origin().starts_with("https://"));
            assert!(!host(p).contains(['/', ':', '@']));
        }
        let posts: Vec<(Provider, &str)> = ENDPOINTS
            .iter()
            .filter(|e| e.method == Method::Post)
            .map(|e| (e.provider, e.path))
            .collect();
        assert_eq!(
            posts,
            [
                (Provider::Aws, "/"),
                (Provider::Slack, "/api/auth.test"),
                (Provider::Kraken, "/0/private/GetApiKeyInfo")
            ]
        );
    }

    #[test]
    fn requests_off_the_list_are_refused_before_any_io() {
        let client = Client::new(Vec::new(), Duration::from_millis(200));
        for (method, path) in [
            (Method::Post, "/sapi/v1/account/apiRestrictions"),
            (Method::Get, "/api/v3/account"),
            (Method::Post, "/api/v3/order"),
        ] {
            let req = Request {
                provider: Provider::Binance,
                method,
                path,
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
            };
            assert!(matches!(client.send(&req), Err(TransportError::Refused(_))));
        }
    }

    #[test]
    fn the_production_agent_refuses_plain_http() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let strict = agent(true, None, Duration::from_secs(2));
        let url = format!("http://{}/user", listener.local_addr().unwrap());
        let err = strict.get(&url).call().unwrap_err();
        assert!(matches!(transport_error(err), TransportError::Refused(_)));
        assert!(
            listener.accept().is_err(),
            "a plain-HTTP connection was made"
        );
    }

    fn loopback_client(listener: &TcpListener, timeout: Duration) -> Client {
        let base =
            parse_loopback_url(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        Client::new(vec![(Provider::Github, base)], timeout)
    }

    fn github_user() -> Request {
        Request {
            provider: Provider::Github,
            method: Method::Get,
            path: "/user",
            query: Vec::new(),
            headers: vec![Field::secret("Authorization", "Bearer x")],
            body: None,
        }
    }

    #[test]
    fn a_silent_server_is_a_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = loopback_client(&listener, Duration::from_millis(300));
        let server = std::thread::spawn(move || {
            let (_conn, _) = listener.accept().unwrap();
            std::thread::sleep(Duration::from_millis(800));
        });
        assert_eq!(client.send(&github_user()), Err(TransportError::Timeout));
        server.join().unwrap();
    }

    #[test]
    fn redirects_are_returned_not_followed() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let other = TcpListener::bind("127.0.0.1:0").unwrap();
        other.set_nonblocking(true).unwrap();
        let target = other.local_addr().unwrap();
        let client = loopback_client(&listener, Duration::from_secs(5));
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf).unwrap();
            write!(
                conn,
                "HTTP/1.1 302 Found\r\nLocation: http://{target}/user\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
        });
        let resp = client.send(&github_user()).unwrap();
        assert_eq!(resp.status, 302);
        server.join().unwrap();
        assert!(other.accept().is_err(), "the redirect target was contacted");
    }

    #[test]
    fn descriptions_redact_secrets_and_name_headers_only() {
        let req = Request {
            provider: Provider::Binance,
            method: Method::Get,
            path: "/sapi/v1/account/apiRestrictions",
            query: vec![
                Field::public("recvWindow", "5000"),
                Field::public("timestamp", "1"),
                Field::secret("signature", "deadbeef"),
            ],
            headers: vec![Field::secret("X-MBX-APIKEY", "the-api-key")],
            body: None,
        };
        let d = req.describe(&BaseUrl::production(Provider::Binance));
        assert!(d.starts_with("GET https://api.binance.com/sapi/v1/account/apiRestrictions?recvWindow=5000&timestamp=1&signature=<redacted>"));
        assert!(d.contains("headers: X-MBX-APIKEY, User-Agent"));
        assert!(!d.contains("deadbeef") && !d.contains("the-api-key"));
    }
}
