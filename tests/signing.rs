//! Signed snapshots, checked against OpenSSH's own `ssh-keygen -Y` both ways: a manifest signed
//! by `snapshot --sign` verifies with `ssh-keygen -Y verify`, and one signed by
//! `ssh-keygen -Y sign` verifies with `aimsbook verify --allowed-signers`; a changed manifest or
//! a key the allowed signers file does not list fails.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const NAMESPACE: &str = "aimsbook-snapshot";

/// A new key pair `dir/name` (private) and `dir/name.pub`, made by ssh-keygen.
fn keygen(dir: &Path, name: &str, kind: &[&str], passphrase: &str) -> PathBuf {
    let key = dir.join(name);
    let out = Command::new("ssh-keygen").args(["-q", "-N", passphrase, "-C", name, "-f"]).arg(&key).args(kind).output().unwrap();
    assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
    key
}

fn allowed_signers(dir: &Path, entries: &[(&str, &Path)]) -> PathBuf {
    let text: String = entries
        .iter()
        .map(|(who, key)| format!("{who} {}", std::fs::read_to_string(key.with_extension("pub")).unwrap().trim()))
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join(format!("allowed-{}", entries.iter().map(|e| e.0).collect::<Vec<_>>().join("-")));
    std::fs::write(&path, text + "\n").unwrap();
    path
}

fn snapshot(repo: &Path, out: &Path, label: &str, sign: Option<&Path>) -> std::process::Output {
    let mut args = vec!["snapshot", "--root", repo.to_str().unwrap(), "--today", TODAY, "--label", label, "--out", out.to_str().unwrap()];
    if let Some(k) = sign {
        args.extend(["--sign", k.to_str().unwrap()]);
    }
    run(&args)
}

fn verify(path: &Path, allowed: Option<&Path>) -> std::process::Output {
    let mut args = vec!["verify", path.to_str().unwrap(), "--today", TODAY];
    if let Some(a) = allowed {
        args.extend(["--allowed-signers", a.to_str().unwrap()]);
    }
    run(&args)
}

/// `ssh-keygen -Y verify` of `manifest` with `sig`, as `identity`.
fn ssh_verify(allowed: &Path, identity: &str, manifest: &Path, sig: &Path) -> std::process::Output {
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", NAMESPACE, "-I", identity, "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(sig)
        .stdin(std::fs::File::open(manifest).unwrap())
        .output()
        .unwrap()
}

/// The bytes of `rel` inside a snapshot zip (entries live under the label's folder).
fn zip_entry(zip: &Path, rel: &str) -> Vec<u8> {
    let files = aimsbook::snapshot::read_snapshot(zip).unwrap();
    files.get(rel).cloned().unwrap_or_else(|| panic!("{rel} not in {}", zip.display()))
}

#[test]
fn our_signatures_verify_with_ssh_keygen_for_each_key_type() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let (tmp, repo) = temp_copy("clean");
    let keys = tmp.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let snaps = tmp.path().join("snaps");
    for (name, kind) in [("ed", &["-t", "ed25519"][..]), ("ec", &["-t", "ecdsa", "-b", "256"][..])] {
        let key = keygen(&keys, name, kind, "");
        let label = format!("signed-{name}");
        let out = snapshot(&repo, &snaps, &label, Some(&key));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stdout(&out).contains("signed by key SHA256:"), "{}", stdout(&out));
        let folder = snaps.join(&label);
        let (manifest, sig) = (folder.join("manifest.json"), folder.join("manifest.json.sig"));
        assert!(std::fs::read_to_string(&sig).unwrap().starts_with("-----BEGIN SSH SIGNATURE-----"));
        // The zip carries the same signature.
        assert_eq!(zip_entry(&snaps.join(format!("{label}.zip")), "manifest.json.sig"), std::fs::read(&sig).unwrap());

        let allowed = allowed_signers(&keys, &[("alice@example.org", &key)]);
        let ssh = ssh_verify(&allowed, "alice@example.org", &manifest, &sig);
        assert!(ssh.status.success(), "ssh-keygen rejected our {name} signature: {}", String::from_utf8_lossy(&ssh.stderr));
        assert!(String::from_utf8_lossy(&ssh.stdout).contains("Good \"aimsbook-snapshot\" signature for alice@example.org"));

        for path in [folder.clone(), snaps.join(format!("{label}.zip"))] {
            let out = verify(&path, Some(&allowed));
            assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
            assert!(stdout(&out).contains("signature: good, signed by alice@example.org"), "{}", stdout(&out));
        }
    }
}

#[test]
fn ssh_keygen_signatures_verify_with_aimsbook_and_tampering_or_strangers_fail() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let (tmp, repo) = temp_copy("clean");
    let keys = tmp.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let alice = keygen(&keys, "alice", &["-t", "ed25519"], "");
    let mallory = keygen(&keys, "mallory", &["-t", "ed25519"], "");
    let snaps = tmp.path().join("snaps");
    let out = snapshot(&repo, &snaps, "plain", None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let folder = snaps.join("plain");
    let manifest = folder.join("manifest.json");
    let allowed = allowed_signers(&keys, &[("alice@example.org", &alice)]);

    // Unsigned: fine without --allowed-signers, refused with it.
    assert_eq!(code(&verify(&folder, None)), 0);
    let out = verify(&folder, Some(&allowed));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("signature: BAD: the snapshot has no manifest.json.sig"), "{}", stdout(&out));

    // Signed by ssh-keygen, as an issuer without aimsbook would.
    let sign = Command::new("ssh-keygen").args(["-Y", "sign", "-n", NAMESPACE, "-f"]).arg(&alice).arg(&manifest).output().unwrap();
    assert!(sign.status.success(), "{}", String::from_utf8_lossy(&sign.stderr));
    assert!(folder.join("manifest.json.sig").is_file());
    let out = verify(&folder, Some(&allowed));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("signature: good, signed by alice@example.org (ssh-ed25519 key SHA256:"), "{}", stdout(&out));
    assert!(stderr(&out).contains("signed by alice@example.org"), "{}", stderr(&out));
    // An RSA signature by ssh-keygen verifies too (aimsbook only refuses to make RSA signatures).
    let rsa = keygen(&keys, "rsa", &["-t", "rsa", "-b", "2048"], "");
    let rsa_folder = tmp.path().join("rsa-copy");
    copy_dir(&folder, &rsa_folder);
    std::fs::remove_file(rsa_folder.join("manifest.json.sig")).unwrap();
    let sign = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(&rsa)
        .arg(rsa_folder.join("manifest.json"))
        .output()
        .unwrap();
    assert!(sign.status.success(), "{}", String::from_utf8_lossy(&sign.stderr));
    let out = verify(&rsa_folder, Some(&allowed_signers(&keys, &[("rita@example.org", &rsa)])));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("signature: good, signed by rita@example.org (ssh-rsa key SHA256:"), "{}", stdout(&out));
    let out = snapshot(&repo, &snaps, "rsa-signed", Some(&rsa));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is an RSA key"), "{}", stderr(&out));

    // Without the allowed signers file the signature is reported, not trusted.
    let out = verify(&folder, None);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("signature: present, not checked"), "{}", stdout(&out));

    // A key the file does not list.
    let strangers = allowed_signers(&keys, &[("mallory@example.org", &mallory)]);
    let out = verify(&folder, Some(&strangers));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("which the allowed signers file does not list"), "{}", stdout(&out));
    assert!(stderr(&out).contains("the signature is not accepted"), "{}", stderr(&out));

    // A page changed and its hash changed to match: every hash checks, the signature does not.
    let index = folder.join("index.html");
    let mut html = std::fs::read_to_string(&index).unwrap();
    html.push_str("<!-- changed -->");
    std::fs::write(&index, &html).unwrap();
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["files"]["index.html"] = serde_json::Value::String(aimsbook::snapshot::sha256_hex(html.as_bytes()));
    std::fs::write(&manifest, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let out = verify(&folder, Some(&allowed));
    assert_eq!(code(&out), 1);
    assert!(!stdout(&out).contains("modified"), "the hashes match the changed manifest: {}", stdout(&out));
    assert!(stdout(&out).contains("signature: BAD: the signature (key SHA256:"), "{}", stdout(&out));
    assert!(!ssh_verify(&allowed, "alice@example.org", &manifest, &folder.join("manifest.json.sig")).status.success());

    // A signature made for another purpose (namespace) is refused too.
    std::fs::write(&manifest, text).unwrap();
    std::fs::remove_file(folder.join("manifest.json.sig")).unwrap();
    let sign = Command::new("ssh-keygen").args(["-Y", "sign", "-n", "git", "-f"]).arg(&alice).arg(&manifest).output().unwrap();
    assert!(sign.status.success());
    let out = verify(&folder, Some(&allowed));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("signed in namespace `git`, expected `aimsbook-snapshot`"), "{}", stdout(&out));
}

#[test]
fn a_passphrase_protected_or_public_key_is_refused_before_anything_is_written() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let (tmp, repo) = temp_copy("clean");
    let locked = keygen(tmp.path(), "locked", &["-t", "ed25519"], "secret words");
    let snaps = tmp.path().join("snaps");
    let out = snapshot(&repo, &snaps, "s", Some(&locked));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("protected by a passphrase"), "{}", stderr(&out));
    let out = snapshot(&repo, &snaps, "s", Some(&locked.with_extension("pub")));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not an OpenSSH private key"), "{}", stderr(&out));
    assert!(!snaps.exists(), "no snapshot written");
    let bad = tmp.path().join("allowed");
    std::fs::write(&bad, "alice ssh-ed25519 garbage\n").unwrap();
    let out = verify(&snaps, Some(&bad));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("allowed:1: no public key"), "{}", stderr(&out));
}
