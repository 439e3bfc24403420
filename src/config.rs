//! Settings: one serde tree, loaded once at the binary's edge and passed down.
//!
//! Why it looks like this: an operator must be able to tell, from one error line,
//! which key is wrong and where it came from; and the bot token must never be
//! printable by accident. So the layers are explicit (built-in `config/default.toml`,
//! an optional `--config` file, then `ATTACHE__SECTION__KEY` variables), unknown keys
//! are rejected with their source, and secrets are `SecretString` whose only
//! printable form is `[redacted]`.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

/// The built-in defaults: the repository's `config/default.toml`, compiled in.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

const ENV_PREFIX: &str = "ATTACHE";
const ENV_SEPARATOR: &str = "__";
/// Variables holding secrets: taken verbatim, never parsed as numbers or booleans.
const SECRET_VARS: [&str; 3] = [
    "ATTACHE__TELEGRAM__TOKEN",
    "ATTACHE__TELEGRAM__SECRET_TOKEN",
    "ATTACHE__OPS__ADMIN_TOKEN",
];
/// teloxide's conventional variable, accepted as a fallback for the token.
pub const TELOXIDE_TOKEN: &str = "TELOXIDE_TOKEN";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub corpus: CorpusSettings,
    pub telegram: TelegramSettings,
    pub ops: OpsSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusSettings {
    pub dir: PathBuf,
    pub synonyms: Option<PathBuf>,
    /// Reload when a file in `dir` changes (SIGHUP and `POST /admin/reload` always do).
    pub watch: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Polling,
    Webhook,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramSettings {
    #[serde(default, serialize_with = "redacted")]
    pub token: Option<SecretString>,
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    pub mode: Mode,
    pub api_url: String,
    pub webhook_listen: SocketAddr,
    pub public_url: String,
    #[serde(default, serialize_with = "redacted")]
    pub secret_token: Option<SecretString>,
    pub throttle: bool,
    pub poll_timeout_secs: u32,
    pub request_timeout_secs: u64,
    pub max_retries: u32,
    pub backoff_ms: u64,
    pub max_in_flight: usize,
    /// Updates a chat may have waiting; beyond, it is asked to go one at a time.
    pub chat_backlog: usize,
    /// Polling: keep received updates in `attache.db` and confirm them at once,
    /// instead of confirming each only once it is answered.
    pub keep_updates: bool,
    pub shutdown_grace_secs: u64,
    pub typing_after_ms: u64,
    pub max_question_chars: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSettings {
    pub listen: SocketAddr,
    /// Bearer token for `POST /admin/reload`; without it only loopback peers may
    /// reload. A secret: environment only, like the bot token.
    #[serde(default, serialize_with = "redacted")]
    pub admin_token: Option<SecretString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
    /// Keep the question log (`data_dir/attache.db`) for `attache report`.
    pub questions: bool,
    /// Days a logged question is kept.
    pub retention_days: u32,
}

/// Serializes a secret as `[redacted]` (or nothing when unset).
fn redacted<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(_) => s.serialize_some("[redacted]"),
        None => s.serialize_none(),
    }
}

/// A settings problem, naming the key and where its value came from.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings: {0}")]
    Load(String),
    #[error("unknown setting `{key}` (from {origin})")]
    UnknownKey { key: String, origin: String },
    #[error("setting `{key}` (from {origin}): {message}")]
    Invalid {
        key: String,
        origin: String,
        message: String,
    },
    #[error(
        "no Telegram bot token: set ATTACHE__TELEGRAM__TOKEN or TELOXIDE_TOKEN, or name a file in telegram.token_file"
    )]
    NoToken,
    #[error("cannot read telegram.token_file {path}: {message}")]
    TokenFile { path: String, message: String },
}

/// Where the process's settings come from; `Sources::from_process` for the binary,
/// an explicit variable map for tests (no `set_var` needed).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The `--config FILE`, if any.
    pub file: Option<PathBuf>,
    /// Environment variables to read (`ATTACHE__…` and `TELOXIDE_TOKEN`).
    pub env: HashMap<String, String>,
}

impl Sources {
    pub fn from_process(file: Option<&Path>) -> Sources {
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("ATTACHE__") || k == TELOXIDE_TOKEN)
            .collect();
        Sources {
            file: file.map(Path::to_path_buf),
            env,
        }
    }
}

impl Settings {
    /// Loads the layers in order: built-in defaults, `sources.file`, then variables.
    pub fn load(sources: &Sources) -> Result<Settings, SettingsError> {
        let layers = Layers::read(sources)?;
        check_keys(&layers)?;
        check_token_origin(&layers)?;
        let config = build(sources)?;
        let mut settings: Settings = config
            .try_deserialize()
            .map_err(|e| SettingsError::Load(e.to_string()))?;
        if settings.telegram.token.is_none()
            && let Some(token) = sources.env.get(TELOXIDE_TOKEN)
        {
            settings.telegram.token = Some(SecretString::from(token.clone()));
        }
        settings.validate(&layers)?;
        Ok(settings)
    }

    /// Impossible combinations, reported with the key's name.
    fn validate(&self, layers: &Layers) -> Result<(), SettingsError> {
        let invalid = |key: &str, message: &str| SettingsError::Invalid {
            key: key.to_string(),
            origin: layers.origin(key),
            message: message.to_string(),
        };
        if let Err(e) = api_url(&self.telegram.api_url) {
            return Err(invalid("telegram.api_url", &e));
        }
        let t = &self.telegram;
        if t.max_in_flight == 0 {
            return Err(invalid("telegram.max_in_flight", "must be at least 1"));
        }
        if t.chat_backlog == 0 {
            return Err(invalid("telegram.chat_backlog", "must be at least 1"));
        }
        // Upper bounds keep every derived duration and count far from overflow.
        let bounds: [(&str, u64, u64); 6] = [
            ("telegram.max_in_flight", t.max_in_flight as u64, 100_000),
            ("telegram.chat_backlog", t.chat_backlog as u64, 100_000),
            (
                "telegram.poll_timeout_secs",
                u64::from(t.poll_timeout_secs),
                3_600,
            ),
            (
                "telegram.request_timeout_secs",
                t.request_timeout_secs,
                3_600,
            ),
            ("telegram.shutdown_grace_secs", t.shutdown_grace_secs, 3_600),
            ("telegram.backoff_ms", t.backoff_ms, 3_600_000),
        ];
        if let Some((key, _, max)) = bounds.iter().find(|(_, value, max)| value > max) {
            return Err(invalid(key, &format!("must be at most {max}")));
        }
        if t.max_question_chars == 0 {
            return Err(invalid("telegram.max_question_chars", "must be at least 1"));
        }
        if self.log.retention_days == 0 {
            return Err(invalid("log.retention_days", "must be at least 1"));
        }
        let admin = self.ops.admin_token.as_ref().map(|s| s.expose_secret());
        if admin.is_some_and(|a| !valid_admin_token(a)) {
            return Err(invalid(
                "ops.admin_token",
                "must be 16-256 visible ASCII characters (no spaces)",
            ));
        }
        if t.mode == Mode::Webhook {
            if t.webhook_listen.port() == 0 {
                return Err(invalid(
                    "telegram.webhook_listen",
                    "webhook mode needs a fixed port for the reverse proxy to forward to",
                ));
            }
            if let Err(e) = public_url(&t.public_url) {
                return Err(invalid("telegram.public_url", &e));
            }
            let secret = t.secret_token.as_ref().map(|s| s.expose_secret());
            if !secret.is_some_and(valid_secret_token) {
                return Err(invalid(
                    "telegram.secret_token",
                    "webhook mode needs 1-256 characters of A-Z a-z 0-9 _ -",
                ));
            }
        }
        Ok(())
    }

    /// The bot token: from the environment, else from `telegram.token_file`.
    pub fn token(&self) -> Result<SecretString, SettingsError> {
        if let Some(token) = &self.telegram.token {
            return Ok(token.clone());
        }
        let Some(path) = &self.telegram.token_file else {
            return Err(SettingsError::NoToken);
        };
        let text = std::fs::read_to_string(path).map_err(|e| SettingsError::TokenFile {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(SettingsError::TokenFile {
                path: path.display().to_string(),
                message: "the file is empty".to_string(),
            });
        }
        Ok(SecretString::from(token.to_string()))
    }

    /// The effective settings as TOML, secrets shown as `[redacted]`.
    pub fn redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print settings: {e}\n"))
    }
}

/// `telegram.api_url`: an http(s) URL with a host and nothing after the path
/// (teloxide appends `/bot<token>/<method>`; anything else would panic there).
pub fn api_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must be an http:// or https:// URL, not `{}:`",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) || url.cannot_be_a_base() {
        return Err("must name a host, e.g. https://api.telegram.org".to_string());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".to_string());
    }
    Ok(url)
}

/// `telegram.public_url`: the https URL Telegram posts updates to.
pub fn public_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text)
        .map_err(|_| "webhook mode needs the public https URL Telegram posts to".to_string())?;
    if url.scheme() != "https" {
        return Err("Telegram posts only to https:// URLs".to_string());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_string());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment (its path is the route)".to_string());
    }
    Ok(url)
}

fn valid_secret_token(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Long enough not to be guessed, and sendable in an `Authorization` header.
fn valid_admin_token(s: &str) -> bool {
    (16..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic())
}

fn build(sources: &Sources) -> Result<Config, SettingsError> {
    let mut builder = Config::builder().add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml));
    if let Some(path) = &sources.file {
        if !path.is_file() {
            return Err(SettingsError::Load(format!(
                "--config {}: no such file",
                path.display()
            )));
        }
        builder = builder.add_source(File::from(path.as_path()).format(FileFormat::Toml));
    }
    let attache_vars: HashMap<String, String> = sources
        .env
        .iter()
        .filter(|(k, _)| k.starts_with("ATTACHE__") && !SECRET_VARS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let env = Environment::with_prefix(ENV_PREFIX)
        .prefix_separator(ENV_SEPARATOR)
        .separator(ENV_SEPARATOR)
        .try_parsing(true)
        .source(Some(attache_vars));
    let mut builder = builder.add_source(env);
    // Secrets stay strings: parsing would turn an all-digit one into a number.
    for var in SECRET_VARS {
        if let (Some(value), Some(key)) = (sources.env.get(var), env_key(var)) {
            builder = builder
                .set_override(key, value.as_str())
                .map_err(|e| SettingsError::Load(e.to_string()))?;
        }
    }
    builder
        .build()
        .map_err(|e| SettingsError::Load(e.to_string()))
}

/// Every key the settings tree knows, as dotted paths (`telegram.mode`).
fn known_keys() -> Vec<String> {
    let mut keys = vec!["data_dir".to_string()];
    let sections: [(&str, &[&str]); 4] = [
        ("corpus", &["dir", "synonyms", "watch"]),
        (
            "telegram",
            &[
                "token",
                "token_file",
                "mode",
                "api_url",
                "webhook_listen",
                "public_url",
                "secret_token",
                "throttle",
                "poll_timeout_secs",
                "request_timeout_secs",
                "max_retries",
                "backoff_ms",
                "max_in_flight",
                "chat_backlog",
                "keep_updates",
                "shutdown_grace_secs",
                "typing_after_ms",
                "max_question_chars",
            ],
        ),
        ("ops", &["listen", "admin_token"]),
        ("log", &["format", "level", "questions", "retention_days"]),
    ];
    for (section, names) in sections {
        keys.push(section.to_string());
        keys.extend(names.iter().map(|n| format!("{section}.{n}")));
    }
    keys
}

/// The dotted keys a TOML text sets (`telegram.mode`, and `telegram` itself).
fn toml_keys(text: &str) -> Result<Vec<String>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut keys = Vec::new();
    for (k, v) in table {
        if let toml::Value::Table(inner) = v {
            keys.extend(inner.keys().map(|i| format!("{k}.{i}")));
        }
        keys.push(k);
    }
    Ok(keys)
}

/// The dotted key an `ATTACHE__…` variable sets: `ATTACHE__TELEGRAM__MODE` →
/// `telegram.mode`.
fn env_key(name: &str) -> Option<String> {
    let rest = name.strip_prefix("ATTACHE__")?;
    Some(rest.to_lowercase().replace(ENV_SEPARATOR, "."))
}

/// Which layer each key comes from, read from the layers themselves (the `config`
/// crate merges them and serde's `deny_unknown_fields` cannot name the source).
struct Layers {
    file: Option<(String, Vec<String>)>,
    env: Vec<(String, String)>,
}

impl Layers {
    fn read(sources: &Sources) -> Result<Layers, SettingsError> {
        let file = match &sources.file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    SettingsError::Load(format!("--config {}: {e}", path.display()))
                })?;
                let keys = toml_keys(&text).map_err(|e| {
                    SettingsError::Load(format!("--config {}: {e}", path.display()))
                })?;
                Some((path.display().to_string(), keys))
            }
            None => None,
        };
        let env = sources
            .env
            .keys()
            .filter_map(|name| env_key(name).map(|key| (key, name.clone())))
            .collect();
        Ok(Layers { file, env })
    }

    /// The source that set `key` last (environment over file over defaults).
    fn origin(&self, key: &str) -> String {
        if let Some((_, name)) = self.env.iter().find(|(k, _)| k == key) {
            return format!("environment variable {name}");
        }
        match &self.file {
            Some((path, keys)) if keys.iter().any(|k| k == key) => path.clone(),
            _ => "the built-in defaults (config/default.toml)".to_string(),
        }
    }

    fn keys(&self) -> impl Iterator<Item = &String> {
        let file = self.file.iter().flat_map(|(_, keys)| keys.iter());
        file.chain(self.env.iter().map(|(k, _)| k))
    }
}

/// Rejects keys the tree does not know, naming the file or variable.
fn check_keys(layers: &Layers) -> Result<(), SettingsError> {
    let known = known_keys();
    match layers.keys().find(|k| !known.contains(k)) {
        Some(key) => Err(SettingsError::UnknownKey {
            origin: layers.origin(key),
            key: key.clone(),
        }),
        None => Ok(()),
    }
}

/// Secrets may only come from the environment (or `token_file`), never a file.
fn check_token_origin(layers: &Layers) -> Result<(), SettingsError> {
    let secrets = [
        (
            "telegram.token",
            "the bot token must not be written in a settings file; set \
             ATTACHE__TELEGRAM__TOKEN or use telegram.token_file",
        ),
        (
            "ops.admin_token",
            "the admin token must not be written in a settings file; set \
             ATTACHE__OPS__ADMIN_TOKEN",
        ),
    ];
    let Some((path, keys)) = &layers.file else {
        return Ok(());
    };
    match secrets
        .iter()
        .find(|(key, _)| keys.iter().any(|k| k == key))
    {
        Some((key, message)) => Err(SettingsError::Invalid {
            key: key.to_string(),
            origin: path.clone(),
            message: message.to_string(),
        }),
        None => Ok(()),
    }
}

/// Which layer set each key, for `attache config`.
pub fn key_origins(sources: &Sources) -> Vec<(String, String)> {
    let Ok(layers) = Layers::read(sources) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = known_keys()
        .into_iter()
        .filter(|k| k.contains('.') || k == "data_dir")
        .map(|k| {
            let origin = layers.origin(&k);
            (k, origin)
        })
        .collect();
    if !sources.env.contains_key("ATTACHE__TELEGRAM__TOKEN")
        && sources.env.contains_key(TELOXIDE_TOKEN)
        && let Some(entry) = out.iter_mut().find(|(k, _)| k == "telegram.token")
    {
        entry.1 = format!("environment variable {TELOXIDE_TOKEN}");
    }
    out
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Polling => "polling",
            Mode::Webhook => "webhook",
        })
    }
}

/// `attache config`: prints the effective settings (secrets redacted) and where each
/// key came from. Exit code 2 when the settings do not load.
/// Settings for a command run from the shell: on failure the reason is printed and
/// the exit code for bad configuration (2) returned.
pub fn load_for_command(file: Option<&Path>) -> Result<Settings, ExitCode> {
    Settings::load(&Sources::from_process(file)).map_err(|e| {
        eprintln!("attache: {e}");
        ExitCode::from(2)
    })
}

pub fn run_config(file: Option<&Path>) -> ExitCode {
    let sources = Sources::from_process(file);
    match Settings::load(&sources) {
        Ok(settings) => {
            print!("{}", settings.redacted_toml());
            println!("\n# Sources:");
            for (key, origin) in key_origins(&sources) {
                println!("#   {key:<32} {origin}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("attache: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456:SECRET-token-value";

    fn env(pairs: &[(&str, &str)]) -> Sources {
        Sources {
            file: None,
            env: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn defaults_load() {
        let s = Settings::load(&Sources::default()).expect("defaults load");
        assert_eq!(s.telegram.mode, Mode::Polling);
        assert_eq!(s.ops.listen.to_string(), "127.0.0.1:9464");
        assert!(matches!(s.token(), Err(SettingsError::NoToken)));
    }

    #[test]
    fn env_overrides_and_parses_types() {
        let s = Settings::load(&env(&[
            ("ATTACHE__TELEGRAM__THROTTLE", "false"),
            ("ATTACHE__TELEGRAM__MAX_IN_FLIGHT", "7"),
            ("ATTACHE__DATA_DIR", "/tmp/x"),
        ]))
        .expect("loads");
        assert!(!s.telegram.throttle);
        assert_eq!(s.telegram.max_in_flight, 7);
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn unknown_env_key_is_named_with_its_variable() {
        let err = Settings::load(&env(&[("ATTACHE__TELEGRAM__TOKN", "x")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("telegram.tokn"), "{msg}");
        assert!(msg.contains("ATTACHE__TELEGRAM__TOKN"), "{msg}");
    }

    #[test]
    fn unknown_file_key_is_named_with_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("extra.toml");
        std::fs::write(&path, "[ops]\nlisten = \"127.0.0.1:1\"\nport = 3\n").expect("write");
        let sources = Sources {
            file: Some(path.clone()),
            env: HashMap::new(),
        };
        let msg = Settings::load(&sources).unwrap_err().to_string();
        assert!(msg.contains("ops.port"), "{msg}");
        assert!(msg.contains("extra.toml"), "{msg}");
    }

    #[test]
    fn wrong_type_names_key() {
        let msg = Settings::load(&env(&[("ATTACHE__TELEGRAM__MAX_IN_FLIGHT", "many")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("max_in_flight"), "{msg}");
    }

    #[test]
    fn token_from_env_is_never_printed() {
        let s = Settings::load(&env(&[("ATTACHE__TELEGRAM__TOKEN", TOKEN)])).expect("loads");
        assert_eq!(s.token().expect("token").expose_secret(), TOKEN);
        assert!(!format!("{s:?}").contains(TOKEN));
        let printed = s.redacted_toml();
        assert!(!printed.contains(TOKEN), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
    }

    #[test]
    fn teloxide_token_is_a_fallback() {
        let s = Settings::load(&env(&[(TELOXIDE_TOKEN, TOKEN)])).expect("loads");
        assert_eq!(s.token().expect("token").expose_secret(), TOKEN);
    }

    #[test]
    fn token_in_a_file_is_refused_without_echoing_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, format!("[telegram]\ntoken = \"{TOKEN}\"\n")).expect("write");
        let sources = Sources {
            file: Some(path),
            env: HashMap::new(),
        };
        let msg = Settings::load(&sources).unwrap_err().to_string();
        assert!(msg.contains("telegram.token"), "{msg}");
        assert!(!msg.contains(TOKEN), "{msg}");
    }

    #[test]
    fn token_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("token");
        std::fs::write(&path, format!("{TOKEN}\n")).expect("write");
        let s = Settings::load(&env(&[(
            "ATTACHE__TELEGRAM__TOKEN_FILE",
            path.to_str().expect("utf8"),
        )]))
        .expect("loads");
        assert_eq!(s.token().expect("token").expose_secret(), TOKEN);
    }

    #[test]
    fn webhook_needs_url_and_secret() {
        let msg = Settings::load(&env(&[("ATTACHE__TELEGRAM__MODE", "webhook")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("telegram.public_url"), "{msg}");
        let msg = Settings::load(&env(&[
            ("ATTACHE__TELEGRAM__MODE", "webhook"),
            (
                "ATTACHE__TELEGRAM__PUBLIC_URL",
                "https://bot.example.org/tg",
            ),
        ]))
        .unwrap_err()
        .to_string();
        assert!(msg.contains("telegram.secret_token"), "{msg}");
        let msg = Settings::load(&env(&[
            ("ATTACHE__TELEGRAM__MODE", "webhook"),
            ("ATTACHE__TELEGRAM__WEBHOOK_LISTEN", "127.0.0.1:0"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("telegram.webhook_listen")
                && msg.contains("ATTACHE__TELEGRAM__WEBHOOK_LISTEN"),
            "{msg}"
        );
    }

    #[test]
    fn every_url_setting_is_checked_before_it_can_panic() {
        for bad in [
            "foo:bar",
            "mailto:x@example.org",
            "https://",
            "http://x/?a=1",
            "not a url",
        ] {
            let msg = Settings::load(&env(&[("ATTACHE__TELEGRAM__API_URL", bad)]))
                .expect_err(bad)
                .to_string();
            assert!(
                msg.contains("telegram.api_url") && msg.contains("ATTACHE__TELEGRAM__API_URL"),
                "{bad}: {msg}"
            );
        }
        for good in [
            "https://api.telegram.org",
            "http://127.0.0.1:8081",
            "http://[::1]:1/x/",
        ] {
            assert!(api_url(good).is_ok(), "{good}");
        }
        let msg = Settings::load(&env(&[
            ("ATTACHE__TELEGRAM__MODE", "webhook"),
            ("ATTACHE__TELEGRAM__PUBLIC_URL", "http://bot.example.org/tg"),
            ("ATTACHE__TELEGRAM__SECRET_TOKEN", "abc"),
        ]))
        .expect_err("http public_url")
        .to_string();
        assert!(
            msg.contains("telegram.public_url") && msg.contains("https"),
            "{msg}"
        );
    }

    #[test]
    fn huge_numbers_are_refused_not_overflowed() {
        for key in [
            "ATTACHE__TELEGRAM__REQUEST_TIMEOUT_SECS",
            "ATTACHE__TELEGRAM__MAX_IN_FLIGHT",
            "ATTACHE__TELEGRAM__POLL_TIMEOUT_SECS",
        ] {
            let msg = Settings::load(&env(&[(key, "4294967295")]))
                .expect_err(key)
                .to_string();
            assert!(msg.contains("at most") && msg.contains(key), "{msg}");
        }
    }

    #[test]
    fn the_webhook_listens_on_loopback_by_default() {
        let s = Settings::load(&Sources::default()).expect("defaults load");
        assert!(s.telegram.webhook_listen.ip().is_loopback());
    }

    #[test]
    fn operations_settings_have_defaults_and_checks() {
        let s = Settings::load(&Sources::default()).expect("defaults load");
        assert!(s.log.questions && s.corpus.watch);
        assert_eq!(s.log.retention_days, 90);
        assert!(s.ops.admin_token.is_none());
        let msg = Settings::load(&env(&[("ATTACHE__LOG__RETENTION_DAYS", "0")]))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("log.retention_days") && msg.contains("ATTACHE__LOG__RETENTION_DAYS"),
            "{msg}"
        );
        let msg = Settings::load(&env(&[("ATTACHE__OPS__ADMIN_TOKEN", "short")]))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("ops.admin_token") && !msg.contains("short"),
            "{msg}"
        );
    }

    #[test]
    fn admin_token_comes_from_the_environment_only_and_is_redacted() {
        let admin = "0123456789012345678901";
        let s = Settings::load(&env(&[("ATTACHE__OPS__ADMIN_TOKEN", admin)])).expect("loads");
        let token = s.ops.admin_token.as_ref().expect("set");
        assert_eq!(token.expose_secret(), admin, "digits stay a string");
        assert!(!s.redacted_toml().contains(admin));
        assert!(!format!("{s:?}").contains(admin));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ops.toml");
        std::fs::write(&path, format!("[ops]\nadmin_token = \"{admin}x\"\n")).expect("write");
        let sources = Sources {
            file: Some(path),
            env: HashMap::new(),
        };
        let msg = Settings::load(&sources).unwrap_err().to_string();
        assert!(
            msg.contains("ops.admin_token") && msg.contains("ops.toml"),
            "{msg}"
        );
        assert!(!msg.contains(admin), "{msg}");
    }

    #[test]
    fn every_known_key_is_documented_in_default_toml() {
        for key in known_keys() {
            let name = key.rsplit('.').next().unwrap_or(&key);
            let documented = DEFAULT_TOML.lines().any(|l| {
                let l = l.trim_start_matches(['#', ' ']);
                l.starts_with(&format!("{name} =")) || l == format!("[{name}]")
            });
            assert!(documented, "{key} is not in config/default.toml");
        }
    }

    #[test]
    fn every_default_key_is_known() {
        let keys = known_keys();
        let table: toml::Table = toml::from_str(DEFAULT_TOML).expect("default.toml parses");
        for (k, v) in table {
            match v {
                toml::Value::Table(t) => {
                    for inner in t.keys() {
                        assert!(keys.contains(&format!("{k}.{inner}")), "{k}.{inner}");
                    }
                }
                _ => assert!(keys.contains(&k), "{k}"),
            }
        }
    }
}
