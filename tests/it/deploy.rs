//! What can be checked of the deploy files without a container engine: the systemd
//! unit verifies and is hardened, the compose file parses and keeps its promises, the
//! Dockerfile copies only paths that exist, and the binary runs as a non-root user with
//! a read-only corpus and config and only the data directory writable.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_path_the_dockerfile_copies_exists() {
    let dockerfile = std::fs::read_to_string(root().join("deploy/Dockerfile")).expect("Dockerfile");
    let mut copied = 0;
    for line in dockerfile
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from="))
    {
        let parts: Vec<&str> = line.split_whitespace().skip(1).collect();
        for source in &parts[..parts.len().saturating_sub(1)] {
            assert!(
                root().join(source).exists(),
                "the Dockerfile copies {source}, which does not exist"
            );
            copied += 1;
        }
    }
    assert!(copied >= 5, "found the COPY lines");
    for promise in [
        "USER nonroot",
        "STOPSIGNAL SIGTERM",
        "HEALTHCHECK",
        "VOLUME [\"/data\"]",
        "--locked",
    ] {
        assert!(
            dockerfile.contains(promise),
            "the Dockerfile lacks {promise}"
        );
    }
}

#[test]
fn the_systemd_unit_verifies_and_is_hardened() {
    let unit = std::fs::read_to_string(root().join("deploy/attache.service")).expect("unit");
    for key in [
        "DynamicUser=yes",
        "StateDirectory=attache",
        "LoadCredential=",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service",
        "MemoryMax=",
        "Restart=on-failure",
        "ExecStartPre=/opt/attache/bin/attache check",
    ] {
        assert!(unit.contains(key), "the unit lacks {key}");
    }
    if !tool("systemd-analyze") {
        eprintln!("systemd-analyze is not installed: only the unit's keys were checked");
        return;
    }
    // Verify against the binary just built, where the unit expects /opt/attache.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("attache.service");
    let unit = unit.replace("/opt/attache/bin/attache", env!("CARGO_BIN_EXE_attache"));
    std::fs::write(&path, unit).expect("write");
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&verify.stderr);
    let problems: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("attache.service"))
        .collect();
    assert!(
        verify.status.success() && problems.is_empty(),
        "systemd-analyze verify: {said}"
    );
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=true"])
        .arg(&path)
        .output()
        .expect("runs");
    let report = String::from_utf8_lossy(&security.stdout);
    let score: f32 = report
        .lines()
        .find_map(|l| l.split("exposure level for attache.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(10.0);
    assert!(
        score < 2.0,
        "exposure {score} should stay under 2.0 (OK):\n{report}"
    );
}

#[test]
fn the_compose_file_parses_and_keeps_its_promises() {
    let path = root().join("deploy/compose.yaml");
    let text = std::fs::read_to_string(&path).expect("compose.yaml");
    let parsed = Command::new("python3")
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&path)
        .output();
    let Some(json) = parsed.ok().filter(|o| o.status.success()).map(|o| o.stdout) else {
        panic!(
            "compose.yaml must parse as YAML (python3 with PyYAML runs the check; .ci/run installs it)"
        );
    };
    let v: serde_json::Value = serde_json::from_slice(&json).expect("JSON from YAML");
    let bot = &v["services"]["attache"];
    assert_eq!(bot["read_only"], true);
    assert_eq!(bot["secrets"][0], "telegram_token");
    assert_eq!(
        bot["environment"]["ATTACHE__TELEGRAM__TOKEN_FILE"],
        "/run/secrets/telegram_token"
    );
    assert!(bot["ports"].as_array().is_some_and(|p| {
        p.iter()
            .all(|p| p.as_str().is_some_and(|p| p.starts_with("127.0.0.1:")))
    }));
    assert!(
        bot["volumes"][0]
            .as_str()
            .is_some_and(|v| v.ends_with(":/data"))
    );
    assert!(!bot["healthcheck"]["test"].is_null() && !bot["restart"].is_null());
    assert!(!text.contains("TELOXIDE_TOKEN="), "no token in the file");
}

/// Copies corpus and config into a fresh directory, makes them read-only, and runs the
/// binary as `nobody` with only the data directory writable. Needs root to switch
/// users (CI and the dev machine run as root); elsewhere it says so and checks less.
#[test]
fn runs_as_a_non_root_user_with_only_the_data_directory_writable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    copy_dir(&root().join("corpus"), &app.join("corpus"));
    copy_dir(&root().join("config"), &app.join("config"));
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    // A copy of the binary beside the app: `nobody` may not be able to reach target/
    // (a checkout under /root, say), as it could not reach it in a real deployment.
    let bin = dir.path().join("attache");
    std::fs::copy(env!("CARGO_BIN_EXE_attache"), &bin).expect("copy the binary");
    let run = |args: &[&str]| {
        let line = format!(
            "cd {} && {} {}",
            app.display(),
            bin.display(),
            args.join(" ")
        );
        if is_root {
            Command::new("su")
                .args(["nobody", "-s", "/bin/sh", "-c", &line])
                .output()
                .expect("su runs")
        } else {
            Command::new("sh")
                .args(["-c", &line])
                .output()
                .expect("sh runs")
        }
    };
    if is_root {
        let chown = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&data)
            .status()
            .expect("chown");
        assert!(chown.success());
        // The temporary directory itself must be reachable by `nobody`.
        let _ = Command::new("chmod")
            .args(["-R", "a+rX"])
            .arg(dir.path())
            .status();
        let _ = Command::new("chmod").args(["-R", "a-w"]).arg(&app).status();
    } else {
        eprintln!("not root: running as the current user with a read-only corpus");
        let _ = Command::new("chmod").args(["-R", "a-w"]).arg(&app).status();
    }
    let data_arg = data.display().to_string();
    let indexed = run(&["--data-dir", &data_arg, "index"]);
    assert!(
        indexed.status.success(),
        "index: {}",
        String::from_utf8_lossy(&indexed.stderr)
    );
    let asked = run(&[
        "--data-dir",
        &data_arg,
        "ask",
        "'Where was the 26th ASEAN-ROK Dialogue held?'",
    ]);
    assert!(
        asked.status.success(),
        "ask: {}",
        String::from_utf8_lossy(&asked.stderr)
    );
    assert!(String::from_utf8_lossy(&asked.stdout).starts_with("Seoul"));
    assert!(
        data.join("index/CURRENT").exists(),
        "state went to the data directory"
    );
    let _ = Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(dir.path())
        .status();
}

fn copy_dir(from: &Path, to: &PathBuf) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
