//! A loopback HTTP mock server for the `--verify` tests, on `tiny_http`.
//!
//! - It listens on `127.0.0.1:0` only: a test never touches the network.
//! - It answers canned responses per (method, path). A route holds a list of answers served in
//!   order, the last one repeated; a request no route matches gets a 404 (or the fallback).
//! - It records every request (method, path + query, headers, body), so that a test can assert
//!   the exact bytes leakhound sent and signed.
//! - Its lifetime is bounded: it serves at most [`MAX_REQUESTS`], stops by itself after
//!   [`LIFETIME`], and stops (its thread joined) when dropped, so it never hangs a test.
//!
//! ```ignore
//! let mock = MockServer::new()
//!     .route("GET", "/v1/balance", Canned::json(200, r#"{"object":"balance"}"#))
//!     .start();
//! // ... point the binary at mock.url() ...
//! assert_eq!(mock.requests()[0].header("Authorization"), Some("Bearer ..."));
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// The most requests one mock serves; later connections are refused.
pub const MAX_REQUESTS: usize = 32;
/// How long a mock lives at most, even if nobody drops it.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// How often the serving thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(20);

/// A canned HTTP answer.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Canned {
    /// `status` with `body` of the given content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<String>) -> Canned {
        Canned {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<String>) -> Canned {
        Canned::new(status, "application/json", body)
    }

    /// An XML answer (AWS).
    pub fn xml(status: u16, body: impl Into<String>) -> Canned {
        Canned::new(status, "text/xml", body)
    }

    /// An HTML page, as a proxy, WAF or captive portal answers.
    pub fn html(status: u16, body: impl Into<String>) -> Canned {
        Canned::new(status, "text/html", body)
    }

    /// The same answer with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Canned {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn to_response(&self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut response = tiny_http::Response::from_data(self.body.clone().into_bytes())
            .with_status_code(self.status);
        for (name, value) in &self.headers {
            let header = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                .unwrap_or_else(|()| panic!("bad canned header {name}: {value}"));
            response.add_header(header);
        }
        response
    }
}

/// One request as the mock received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query, exactly as sent.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When it arrived (the wall clock, as a provider checks a request's timestamp against).
    pub received: SystemTime,
}

impl Recorded {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.url.split_once('?').map_or(&self.url, |(p, _)| p)
    }

    /// The raw query string (empty if none).
    pub fn query(&self) -> &str {
        self.url.split_once('?').map_or("", |(_, q)| q)
    }

    /// The raw value of query parameter `name`, if sent.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query()
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// [`Recorded::received`] in milliseconds since the Unix epoch.
    pub fn received_ms(&self) -> i64 {
        let since = self.received.duration_since(std::time::UNIX_EPOCH).unwrap();
        i64::try_from(since.as_millis()).unwrap()
    }

    /// Header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Route {
    method: String,
    path: String,
    replies: Vec<Canned>,
    served: usize,
}

/// The routes of a mock not started yet.
#[derive(Default)]
pub struct MockServer {
    routes: Vec<Route>,
    fallback: Option<Canned>,
}

impl MockServer {
    pub fn new() -> MockServer {
        MockServer::default()
    }

    /// Answers `reply` to every `method path` request.
    pub fn route(self, method: &str, path: &str, reply: Canned) -> MockServer {
        self.route_seq(method, path, vec![reply])
    }

    /// Answers `replies` to the `method path` requests in order; the last one is repeated.
    pub fn route_seq(mut self, method: &str, path: &str, replies: Vec<Canned>) -> MockServer {
        assert!(!replies.is_empty(), "a route needs an answer");
        self.routes.push(Route {
            method: method.into(),
            path: path.into(),
            replies,
            served: 0,
        });
        self
    }

    /// Answers `reply` to any request no route matches (instead of a 404).
    pub fn fallback(mut self, reply: Canned) -> MockServer {
        self.fallback = Some(reply);
        self
    }

    /// Starts serving on `127.0.0.1:0` in a thread.
    pub fn start(self) -> RunningMock {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = server.server_addr().to_ip().expect("an IP listener");
        assert!(addr.ip().is_loopback());
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, seen) = (stop.clone(), seen.clone());
            std::thread::spawn(move || self.serve(&server, &stop, &seen))
        };
        RunningMock {
            url: format!("http://{addr}"),
            stop,
            seen,
            thread: Some(thread),
        }
    }

    fn serve(mut self, server: &tiny_http::Server, stop: &AtomicBool, seen: &Mutex<Vec<Recorded>>) {
        let deadline = Instant::now() + LIFETIME;
        let mut served = 0;
        while served < MAX_REQUESTS && Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
            let mut request = match server.recv_timeout(POLL) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(_) => break,
            };
            served += 1;
            let mut body = Vec::new();
            let _ = request.as_reader().read_to_end(&mut body);
            let recorded = Recorded {
                method: request.method().as_str().to_string(),
                url: request.url().to_string(),
                headers: request
                    .headers()
                    .iter()
                    .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
                    .collect(),
                body: String::from_utf8_lossy(&body).into_owned(),
                received: SystemTime::now(),
            };
            let reply = self.reply_to(&recorded);
            // Recorded before answering: once the client has its answer, the test sees it.
            seen.lock().unwrap().push(recorded);
            let _ = request.respond(reply.to_response());
        }
        // Dropping `server` closes the listener: later connections are refused.
    }

    fn reply_to(&mut self, req: &Recorded) -> Canned {
        let route = self
            .routes
            .iter_mut()
            .find(|r| r.method == req.method && r.path == req.path());
        match route {
            Some(route) => {
                let i = route.served.min(route.replies.len() - 1);
                route.served += 1;
                route.replies[i].clone()
            }
            None => self.fallback.clone().unwrap_or_else(|| {
                Canned::json(404, format!(r#"{{"mock":"no route for {}"}}"#, req.method))
            }),
        }
    }
}

/// A mock being served; it stops when dropped.
pub struct RunningMock {
    url: String,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Recorded>>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningMock {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // The thread polls the flag every POLL; a panic in it was already reported.
            let _ = thread.join();
        }
    }
}
