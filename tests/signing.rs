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

fn snapshot_signed_by(repo: &Path, out: &Path, label: &str, sign: Option<&Path>) -> std::process::Output {
    match sign {
        Some(key) => take_snapshot(repo, label, out, &["--sign", path_arg(key)]),
        None => take_snapshot(repo, label, out, &[]),
    }
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
    let files = aimsbook::source::snapshot::read_snapshot(zip).unwrap();
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
    for (name, kind) in
        [("ed", &["-t", "ed25519"][..]), ("ec", &["-t", "ecdsa", "-b", "256"][..]), ("rsa", &["-t", "rsa", "-b", "2048"][..])]
    {
        let key = keygen(&keys, name, kind, "");
        let label = format!("signed-{name}");
        let out = snapshot_signed_by(&repo, &snaps, &label, Some(&key));
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
    let out = snapshot_signed_by(&repo, &snaps, "plain", None);
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
    // An RSA signature by ssh-keygen verifies too.
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
    m["files"]["index.html"] = serde_json::Value::String(aimsbook::commands::snapshot::sha256_hex(html.as_bytes()));
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
    let out = snapshot_signed_by(&repo, &snaps, "s", Some(&locked));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("protected by a passphrase"), "{}", stderr(&out));
    let out = snapshot_signed_by(&repo, &snaps, "s", Some(&locked.with_extension("pub")));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not an OpenSSH private key"), "{}", stderr(&out));
    assert!(!snaps.exists(), "no snapshot written");
    let bad = tmp.path().join("allowed");
    std::fs::write(&bad, "alice ssh-ed25519 garbage\n").unwrap();
    let out = verify(&snaps, Some(&bad));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("allowed:1: no public key"), "{}", stderr(&out));
}

/// A copy of the one-document fixture whose book.toml requires approvals signed by `key`.
fn signed_approvals_repo(tmp: &Path, key: &Path) -> PathBuf {
    let repo = tmp.join("repo");
    copy_dir(&fixture("codes/base"), &repo);
    append(&repo.join("book.toml"), "\n[approval]\nallowed_signers = \"governance/allowed_signers\"\n");
    let line = format!("helen@example.org {}", read(&key.with_extension("pub")).trim());
    write(&repo.join("governance/allowed_signers"), line + "\n");
    repo
}

fn approve(repo: &Path, key: Option<&Path>, date: &str) -> std::process::Output {
    let mut args = vec!["approve", "A-001", "--root", repo.to_str().unwrap(), "--today", TODAY, "--by", "Helen Marsh", "--date", date];
    if let Some(k) = key {
        args.extend(["--sign", k.to_str().unwrap()]);
    }
    run(&args)
}

fn codes(repo: &Path) -> Vec<(String, u64)> {
    check_json(repo, &[]).1.into_iter().map(|d| (d.code, d.line)).collect()
}

#[test]
fn signed_approvals_are_checked_against_the_allowed_signers_of_book_toml() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let helen = keygen(tmp.path(), "helen", &["-t", "ed25519"], "");
    let eve = keygen(tmp.path(), "eve", &["-t", "ed25519"], "");
    let repo = signed_approvals_repo(tmp.path(), &helen);
    let doc = repo.join("content/a.md");

    // Approved but never signed: FPR002 at the `approved` line.
    assert_eq!(codes(&repo), vec![("FPR002".to_string(), 9)]);

    let out = approve(&repo, Some(&helen), "2026-11-20");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(codes(&repo), vec![], "a signed approval by a listed key checks clean");
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("\napproval_signature: |\n  -----BEGIN SSH SIGNATURE-----\n"), "{text}");

    // The recorded signature is plain SSHSIG: ssh-keygen verifies it over the documented statement.
    let allowed = repo.join("governance/allowed_signers");
    ssh_keygen_verifies_approval(tmp.path(), &text, &allowed);

    // Someone types in another approver: the signature no longer matches (FPR003 at the signature).
    let forged = text.replace("approver: \"Helen Marsh\"", "approver: \"Board of Directors\"");
    std::fs::write(&doc, &forged).unwrap();
    assert_eq!(codes(&repo), vec![("FPR003".to_string(), line_no(&forged, "approval_signature:"))]);
    std::fs::write(&doc, &text).unwrap();

    // Eve, whose key is not listed, re-approves with her own key: FPR004.
    let out = approve(&repo, Some(&eve), "2026-11-21");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let eves = std::fs::read_to_string(&doc).unwrap();
    assert_eq!(eves.matches("approval_signature:").count(), 1, "the old signature is replaced, not kept beside");
    assert_eq!(codes(&repo), vec![("FPR004".to_string(), line_no(&eves, "approval_signature:"))]);

    // An approval without --sign drops the earlier signature, which no longer attests it.
    let out = approve(&repo, None, "2026-11-22");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let unsigned = std::fs::read_to_string(&doc).unwrap();
    assert!(!unsigned.contains("approval_signature"), "{unsigned}");
    assert_eq!(codes(&repo), vec![("FPR002".to_string(), line_no(&unsigned, "approved:"))]);

    // A key with a passphrase is refused before the file is touched.
    let locked = keygen(tmp.path(), "locked", &["-t", "ed25519"], "secret words");
    let out = approve(&repo, Some(&locked), "2026-11-23");
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).contains("protected by a passphrase"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), unsigned);

    // A broken allowed signers file is a configuration error naming its line.
    std::fs::write(&allowed, "# approvers\nhelen@example.org ssh-ed25519 AAAA-not-a-key\n").unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 2);
    assert_eq!((diags[0].code.as_str(), diags[0].file.as_str(), diags[0].line), ("CFG002", "governance/allowed_signers", 2));
}

#[test]
fn an_rsa_key_signs_approvals_that_ssh_keygen_accepts() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rita = keygen(tmp.path(), "rita", &["-t", "rsa", "-b", "2048"], "");
    let repo = signed_approvals_repo(tmp.path(), &rita);
    let out = approve(&repo, Some(&rita), "2026-11-20");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(codes(&repo), vec![], "an RSA-signed approval by a listed key checks clean");
    let text = std::fs::read_to_string(repo.join("content/a.md")).unwrap();
    ssh_keygen_verifies_approval(tmp.path(), &text, &repo.join("governance/allowed_signers"));
    // rsa-sha2-512, as ssh-keygen signs with an RSA key (not the SHA-1 `ssh-rsa`).
    let pem = std::fs::read_to_string(tmp.path().join("statement.sig")).unwrap();
    let parsed = ssh_key::SshSig::from_pem(pem).unwrap();
    assert_eq!(parsed.signature().algorithm(), ssh_key::Algorithm::Rsa { hash: Some(ssh_key::HashAlg::Sha512) });
}

/// `ssh-keygen -Y verify` accepts the approval signature recorded in `text` (a document's
/// source) over the statement aimsbook documents, for helen@example.org. Leaves the statement
/// and its signature in `dir` (`statement`, `statement.sig`).
#[track_caller]
fn ssh_keygen_verifies_approval(dir: &Path, text: &str, allowed_signers: &Path) {
    let fingerprint = text.lines().find_map(|l| l.strip_prefix("fingerprint: ")).unwrap().trim_matches('"');
    let statement =
        format!("aimsbook approval\nid: A-001\nversion: 1.1\napprover: Helen Marsh\napproved: 2026-11-20\nfingerprint: {fingerprint}\n");
    std::fs::write(dir.join("statement"), &statement).unwrap();
    let sig: String = text
        .lines()
        .skip_while(|l| !l.starts_with("approval_signature:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    std::fs::write(dir.join("statement.sig"), sig).unwrap();
    let ssh = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "aimsbook-approval", "-I", "helen@example.org", "-f"])
        .arg(allowed_signers)
        .arg("-s")
        .arg(dir.join("statement.sig"))
        .stdin(std::fs::File::open(dir.join("statement")).unwrap())
        .output()
        .unwrap();
    assert!(ssh.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&ssh.stderr));
}

/// `ssh-keygen -l`'s SHA256 fingerprint of a key.
fn fingerprint_of(key: &Path) -> String {
    let out = Command::new("ssh-keygen").arg("-lf").arg(key.with_extension("pub")).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_string()
}

#[test]
fn pages_say_who_signed_as_verified_against_the_allowed_signers_or_that_it_is_not_verified() {
    if !clients::program("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let helen = keygen(tmp.path(), "helen", &["-t", "ed25519"], "");
    let eve = keygen(tmp.path(), "eve", &["-t", "ecdsa", "-b", "256"], "");
    let repo = signed_approvals_repo(tmp.path(), &helen);
    // As the pages write them: base64, whose '/' HTML text needs no escape for.
    let (helen_fp, eve_fp) = (fingerprint_of(&helen), fingerprint_of(&eve));
    let doc_page = |name: &str| {
        let site = tmp.path().join(name);
        let out = build(&repo, &site, &[]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        std::fs::read_to_string(site.join("doc/A-001.html")).unwrap()
    };

    // A signed approval by a listed key: the principal and fingerprint, as verified.
    assert_eq!(code(&approve(&repo, Some(&helen), "2026-11-20")), 0);
    let page = doc_page("site-helen");
    assert!(
        page.contains(&format!("<dt>Approval signature</dt><dd><span class=\"sig\"><span class=\"badge sig-verified\">verified</span> signed by <strong>helen@example.org</strong> (ssh-ed25519 key <code>{helen_fp}</code>), as listed in <code>governance/allowed_signers</code></span></dd>")),
        "{page}"
    );

    // The snapshot's About page says who signed it, and the real signature agrees.
    let snaps = tmp.path().join("snaps");
    let out = snapshot_signed_by(&repo, &snaps, "helen", Some(&helen));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let about = std::fs::read_to_string(snaps.join("helen/about.html")).unwrap();
    assert!(about.contains(&format!("<dt>Signature</dt><dd class=\"sig\"><span class=\"sig\"><span class=\"badge sig-verified\">verified</span> signed by <strong>helen@example.org</strong> (ssh-ed25519 key <code>{helen_fp}</code>)")), "{about}");
    let out = verify(&snaps.join("helen.zip"), Some(&repo.join("governance/allowed_signers")));
    assert!(
        stdout(&out).contains(&format!("signature: good, signed by helen@example.org (ssh-ed25519 key {})", fingerprint_of(&helen))),
        "{}",
        stdout(&out)
    );
    // Signed with a key the file does not list: said plainly, with the key.
    let out = snapshot_signed_by(&repo, &snaps, "eve", Some(&eve));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let about = std::fs::read_to_string(snaps.join("eve/about.html")).unwrap();
    assert!(about.contains(&format!("<span class=\"badge sig-unverified\">signature not verified</span> governance/allowed_signers does not list key {eve_fp} for namespace aimsbook-snapshot (key <code>{eve_fp}</code>)")), "{about}");
    let out = snapshot_signed_by(&repo, &snaps, "plain", None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::read_to_string(snaps.join("plain/about.html"))
        .unwrap()
        .contains("<dt>Signature</dt><dd class=\"sig\">Not signed.</dd>"));

    // Re-approved and signed by Eve, whose key is not listed (FPR004 lowered to a warning so the
    // site builds): the page says the signature is not verified, and whose key made it.
    assert_eq!(code(&approve(&repo, Some(&eve), "2026-11-21")), 0);
    let mut toml = std::fs::read_to_string(repo.join("book.toml")).unwrap();
    toml.push_str("\n[check]\nFPR004 = \"warning\"\n");
    std::fs::write(repo.join("book.toml"), &toml).unwrap();
    let page = doc_page("site-eve");
    assert!(
        page.contains(&format!("<span class=\"badge sig-unverified\">signature not verified</span> signed by key {eve_fp}, which the allowed signers file does not list (key <code>{eve_fp}</code>)")),
        "{page}"
    );
    // Without an allowed signers file nothing can be verified, and the page says so.
    std::fs::write(repo.join("book.toml"), toml.replace("[approval]\nallowed_signers = \"governance/allowed_signers\"\n", "")).unwrap();
    let page = doc_page("site-unchecked");
    assert!(page.contains(&format!("<span class=\"badge sig-unverified\">signature not verified</span> no allowed signers file to check it against ([approval] allowed_signers in book.toml) (key <code>{eve_fp}</code>)")), "{page}");
}
