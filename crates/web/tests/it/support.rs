use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use lantern_app::{App, Clock};
use lantern_web::AppState;
use tower::ServiceExt;

pub struct Site {
    pub _dir: tempfile::TempDir,
    pub state: AppState,
}

pub struct Session {
    pub token: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body's bytes, for downloads.
    pub bytes: Vec<u8>,
}

impl Site {
    pub fn demo() -> Site {
        Site::demo_with(Clock::System)
    }

    /// The demo organisation at a fixed time (its visits are planned around it).
    pub fn demo_at(now: &str) -> Site {
        Site::demo_with(Clock::Fixed(now.parse().unwrap()))
    }

    fn demo_with(clock: Clock) -> Site {
        let dir = tempfile::tempdir().unwrap();
        App::demo(dir.path(), clock).unwrap();
        let state = AppState::open(dir.path(), clock, 2).unwrap();
        Site { _dir: dir, state }
    }

    pub async fn login(&self, user: &str) -> Session {
        let u = user.to_string();
        let (token, signed) = self
            .state
            .run(move |app| app.sign_in(&u, lantern_app::admin::demo::DEMO_PASSWORD))
            .await
            .unwrap_or_else(|e| panic!("sign in {user}: {e}"));
        Session {
            token,
            csrf: signed.csrf,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = lantern_web::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// A browser-like request: session cookie, and for writes a form body with the CSRF token.
    pub async fn page(
        &self,
        s: Option<&Session>,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
        csrf: bool,
    ) -> Reply {
        let mut b = Request::builder().method(method.clone()).uri(path);
        if let Some(s) = s {
            b = b.header(header::COOKIE, format!("lantern_session={}", s.token));
        }
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if csrf && let Some(s) = s {
            fields.push(("_csrf".into(), s.csrf.clone()));
        }
        let body = if method == Method::GET {
            Body::empty()
        } else {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(&fields).unwrap())
        };
        self.send(b.body(body).unwrap()).await
    }

    /// A browser's file upload: one file field (multipart) with the CSRF token.
    pub async fn upload(
        &self,
        s: &Session,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Reply {
        let boundary = "----lantern-upload";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            s.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::COOKIE, format!("lantern_session={}", s.token))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// An API request with a bearer token and a JSON body.
    pub async fn api(
        &self,
        s: Option<&Session>,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(s) = s {
            b = b.header(header::AUTHORIZATION, format!("Bearer {}", s.token));
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let r = self.send(b.body(body).unwrap()).await;
        (
            r.status,
            serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn event_count(&self) -> u64 {
        self.state.run(|app| app.event_count().unwrap()).await
    }

    /// Where the last event that changed data is (audited reads do not move it).
    pub async fn data_version(&self) -> i64 {
        self.state.run(|app| app.data_version().unwrap()).await
    }
}

/// One demo account per role.
pub const ROLES: [(&str, &str); 9] = [
    ("care_worker", "emma"),
    ("senior_carer", "fatima"),
    ("coordinator", "lucy"),
    ("on_call_manager", "daniel"),
    ("registered_manager", "amara"),
    ("subcontractor", "jo.fletcher"),
    ("quality_lead", "nadia"),
    ("auditor", "peter"),
    ("admin", "sam"),
];
