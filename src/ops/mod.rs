//! The operator's HTTP listener: `/healthz` (the process answers), `/readyz` (the
//! corpus is loaded and Telegram answered lately), `/metrics` (Prometheus) and
//! `POST /admin/reload` (load the corpus again: `reload`).
//!
//! Loopback by default: these endpoints say how the bot is used, which is not for
//! the public. Reloading changes what the bot says, so it needs more: the configured
//! bearer token (`ops.admin_token`), or — when none is set — a loopback peer.
//! Metrics are recorded with the `metrics` facade wherever they happen; this module
//! installs the Prometheus recorder once per process and renders it.

pub mod check;
pub mod reload;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use subtle::ConstantTimeEq as _;
use tokio::net::TcpListener;

use crate::corpus::Corpus;
use crate::service::{Health, SharedEngine};

/// Latency buckets (seconds): answers are sub-millisecond in the core, tens of
/// milliseconds with Telegram in the loop, seconds when Telegram is slow.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's Prometheus handle, installing the recorder on first use.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            match builder.install_recorder() {
                Ok(handle) => handle,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            }
        })
        .clone()
}

/// Drains the recorder's histogram samples every few seconds, so memory stays flat
/// even if nothing scrapes `/metrics` for months. Abort the task to stop it.
pub fn spawn_upkeep() -> tokio::task::JoinHandle<()> {
    let handle = metrics_handle();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    })
}

/// Publishes the size of the loaded corpus.
pub fn record_corpus(corpus: &Corpus) {
    metrics_handle();
    metrics::gauge!("attache_releases_loaded").set(corpus.releases().len() as f64);
    metrics::gauge!("attache_paragraphs_loaded").set(corpus.paragraph_count() as f64);
}

#[derive(Clone)]
pub struct OpsState {
    engine: SharedEngine,
    health: Arc<Health>,
    metrics: PrometheusHandle,
    reloader: Option<Arc<reload::Reloader>>,
    admin_token: Option<Arc<SecretString>>,
}

impl OpsState {
    pub fn new(engine: SharedEngine, health: Arc<Health>) -> OpsState {
        OpsState {
            engine,
            health,
            metrics: metrics_handle(),
            reloader: None,
            admin_token: None,
        }
    }

    /// Enables `POST /admin/reload`, guarded by `admin_token` (else loopback only).
    pub fn with_reload(
        mut self,
        reloader: Arc<reload::Reloader>,
        admin_token: Option<SecretString>,
    ) -> OpsState {
        self.reloader = Some(reloader);
        self.admin_token = admin_token.map(Arc::new);
        self
    }
}

pub fn router(state: OpsState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
        .route("/admin/reload", post(admin_reload))
        .with_state(state)
}

/// Serves the ops endpoints until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: OpsState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(error = %e, "ops listener failed");
    }
}

async fn readyz(State(state): State<OpsState>) -> impl IntoResponse {
    if state.engine.load().corpus().is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "corpus not loaded\n");
    }
    if !state.health.reachable() {
        return (StatusCode::SERVICE_UNAVAILABLE, "Telegram not reachable\n");
    }
    (StatusCode::OK, "ready\n")
}

async fn render_metrics(State(state): State<OpsState>) -> impl IntoResponse {
    state.metrics.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// `POST /admin/reload`: 200 with the corpus now serving, 500 when it did not load
/// (the old one keeps serving), 401 without the right bearer token, 403 from a
/// non-loopback peer when no token is configured.
async fn admin_reload(
    State(state): State<OpsState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> impl IntoResponse {
    if let Err(refused) = allowed(&state, peer, &headers) {
        return refused;
    }
    let Some(reloader) = &state.reloader else {
        return reply(
            StatusCode::NOT_FOUND,
            json!({"result": "error", "error": "reload is not enabled"}),
        );
    };
    match reloader.reload(reload::Trigger::Http).await {
        Ok(done) => reply(
            StatusCode::OK,
            json!({"result": "ok", "releases": done.releases, "paragraphs": done.paragraphs}),
        ),
        Err(e) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"result": "error", "error": e.to_string()}),
        ),
    }
}

type Reply = (StatusCode, axum::Json<serde_json::Value>);

fn reply(status: StatusCode, body: serde_json::Value) -> Reply {
    (status, axum::Json(body))
}

/// The admin token when one is set (compared in constant time), else a loopback peer.
fn allowed(state: &OpsState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), Reply> {
    match &state.admin_token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map_or("", |(_, t)| t.trim());
            if bool::from(given.as_bytes().ct_eq(token.expose_secret().as_bytes())) {
                Ok(())
            } else {
                metrics::counter!("attache_admin_rejected_total").increment(1);
                tracing::warn!(%peer, "POST /admin/reload without the right admin token");
                Err(reply(
                    StatusCode::UNAUTHORIZED,
                    json!({"result": "error", "error": "needs Authorization: Bearer <ops.admin_token>"}),
                ))
            }
        }
        None if peer.ip().to_canonical().is_loopback() => Ok(()),
        None => {
            metrics::counter!("attache_admin_rejected_total").increment(1);
            tracing::warn!(%peer, "POST /admin/reload from a non-loopback peer refused");
            Err(reply(
                StatusCode::FORBIDDEN,
                json!({"result": "error", "error": "only loopback may reload unless ops.admin_token is set"}),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(token: Option<&str>) -> OpsState {
        let engine = crate::service::shared(Arc::new(
            crate::Engine::new(crate::Corpus::new(Vec::new()), None).expect("empty engine"),
        ));
        let mut state = OpsState::new(engine, Arc::new(Health::default()));
        state.admin_token = token.map(|t| Arc::new(SecretString::from(t.to_string())));
        state
    }

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let value = format!("Bearer {token}").parse().expect("header value");
        h.insert(header::AUTHORIZATION, value);
        h
    }

    fn status(r: Result<(), Reply>) -> u16 {
        r.map_or_else(|(s, _)| s.as_u16(), |()| 200)
    }

    #[test]
    fn without_a_token_only_loopback_may_reload() {
        let s = state(None);
        let none = HeaderMap::new();
        for peer in ["127.0.0.1:5000", "[::1]:5000", "[::ffff:127.0.0.1]:5000"] {
            let peer = peer.parse().expect("addr");
            assert_eq!(status(allowed(&s, peer, &none)), 200, "{peer}");
        }
        let far = "10.1.2.3:5000".parse().expect("addr");
        assert_eq!(status(allowed(&s, far, &none)), 403);
    }

    #[test]
    fn with_a_token_everyone_needs_it() {
        let token = "a-long-enough-admin-token";
        let s = state(Some(token));
        let local = "127.0.0.1:5000".parse().expect("addr");
        let far = "10.1.2.3:5000".parse().expect("addr");
        assert_eq!(status(allowed(&s, local, &HeaderMap::new())), 401);
        assert_eq!(status(allowed(&s, local, &bearer("wrong"))), 401);
        assert_eq!(status(allowed(&s, far, &bearer(token))), 200);
        let mut lower = HeaderMap::new();
        let value = format!("bearer {token}").parse().expect("header value");
        lower.insert(header::AUTHORIZATION, value);
        assert_eq!(
            status(allowed(&s, local, &lower)),
            200,
            "the scheme is case-insensitive"
        );
    }
}
