//! The operator's HTTP listener: `/healthz` (the process answers), `/readyz` (the
//! corpus is loaded and Telegram answered lately) and `/metrics` (Prometheus).
//!
//! Loopback by default: these endpoints say how the bot is used, which is not for
//! the public. Metrics are recorded with the `metrics` facade wherever they happen;
//! this module installs the Prometheus recorder once per process and renders it.

pub mod check;

use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::corpus::Corpus;
use crate::telegram::SharedEngine;
use crate::telegram::api::Health;

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
}

impl OpsState {
    pub fn new(engine: SharedEngine, health: Arc<Health>) -> OpsState {
        OpsState {
            engine,
            health,
            metrics: metrics_handle(),
        }
    }
}

pub fn router(state: OpsState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
        .with_state(state)
}

/// Serves the ops endpoints until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: OpsState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let app = router(state);
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
