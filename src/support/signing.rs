//! SSH signatures in the SSHSIG format that `ssh-keygen -Y sign|verify` and git use, made and
//! checked in pure Rust (the `ssh-key` crate), and OpenSSH allowed-signers files.
//!
//! Every signature is bound to a namespace, so a signature made for one purpose cannot be
//! replayed for another: snapshots are signed in [`SNAPSHOT_NAMESPACE`], approvals in
//! [`APPROVAL_NAMESPACE`]. The same checks as `ssh-keygen -Y verify`: the signature is valid
//! for the message, its namespace is the expected one, and its key is listed in the allowed
//! signers file for that namespace (and, with `valid-after`/`valid-before`, on that date).

use jiff::civil::Date;
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use std::path::Path;

/// Namespace of snapshot manifest signatures (`ssh-keygen -Y verify -n aimsbook-snapshot`).
pub(crate) const SNAPSHOT_NAMESPACE: &str = "aimsbook-snapshot";
/// Namespace of approval signatures recorded in front matter.
pub(crate) const APPROVAL_NAMESPACE: &str = "aimsbook-approval";

/// A private key ready to sign.
pub struct Signer {
    key: PrivateKey,
}

impl Signer {
    /// Reads an OpenSSH private key file (as written by `ssh-keygen`). Passphrase-protected
    /// keys are refused: aimsbook never prompts.
    pub fn load(path: &Path) -> Result<Signer, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read key {}: {e}", path.display()))?;
        let key = PrivateKey::from_openssh(text.trim()).map_err(|e| {
            format!("{} is not an OpenSSH private key ({e}); pass the private key file written by ssh-keygen, not the .pub", path.display())
        })?;
        if key.is_encrypted() {
            return Err(format!(
                "{} is protected by a passphrase; aimsbook does not prompt for one: sign with a key without a passphrase kept for this purpose, or sign the file with `ssh-keygen -Y sign` yourself",
                path.display()
            ));
        }
        if !matches!(
            key.algorithm(),
            ssh_key::Algorithm::Ed25519
                | ssh_key::Algorithm::Ecdsa { curve: ssh_key::EcdsaCurve::NistP256 }
                | ssh_key::Algorithm::Rsa { .. }
        ) {
            return Err(format!(
                "{}: {} keys are not supported for signing; use an Ed25519, ECDSA P-256 or RSA key",
                path.display(),
                key.algorithm()
            ));
        }
        Ok(Signer { key })
    }

    /// The ASCII-armoured SSHSIG signature of `msg` in `namespace` (SHA-512, as ssh-keygen).
    pub(crate) fn sign(&self, namespace: &str, msg: &[u8]) -> Result<String, String> {
        let sig = match self.key.key_data().rsa() {
            Some(rsa) => sign_rsa(rsa, namespace, msg)?,
            None => self.key.sign(namespace, HashAlg::Sha512, msg).map_err(|e| format!("cannot sign: {e}"))?,
        };
        sig.to_pem(LineEnding::LF).map_err(|e| format!("cannot encode the signature: {e}"))
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.public_key().fingerprint(HashAlg::Sha256).to_string()
    }

    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`.
    pub(crate) fn algorithm(&self) -> String {
        self.key.algorithm().as_str().to_string()
    }

    /// The principals an allowed signers file lists this key for, in `namespace` on `date`.
    pub(crate) fn principals(&self, allowed: &[AllowedSigner], namespace: &str, date: Date) -> Vec<String> {
        principals_for(allowed, self.key.public_key().key_data(), namespace, date)
    }
}

/// An `rsa-sha2-512` SSHSIG signature, as `ssh-keygen -Y sign` makes with an RSA key.
///
/// ssh-key 0.6 signs RSA through its conversion to `rsa::RsaPrivateKey`, which passes the prime
/// `p` twice instead of `p` and `q`, so the key it builds is wrong and signing fails; here the
/// key is built from `n`, `e`, `d`, `p` and `q`, the SSHSIG signed data (namespace, hash of the
/// message) is signed with PKCS#1 v1.5 over SHA-512, and the result wrapped like ssh-key would.
fn sign_rsa(key: &ssh_key::private::RsaKeypair, namespace: &str, msg: &[u8]) -> Result<SshSig, String> {
    use rsa::sha2::{Digest, Sha512};
    let uint = |m: &ssh_key::Mpint| {
        m.as_positive_bytes().map(rsa::BigUint::from_bytes_be).ok_or_else(|| "the RSA key has a negative component".to_string())
    };
    let private = rsa::RsaPrivateKey::from_components(
        uint(&key.public.n)?,
        uint(&key.public.e)?,
        uint(&key.private.d)?,
        vec![uint(&key.private.p)?, uint(&key.private.q)?],
    )
    .map_err(|e| format!("invalid RSA key: {e}"))?;
    let data = SshSig::signed_data(namespace, HashAlg::Sha512, msg).map_err(|e| format!("cannot sign: {e}"))?;
    let signature = private.sign(rsa::Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(&data)).map_err(|e| format!("cannot sign: {e}"))?;
    let signature = ssh_key::Signature::new(ssh_key::Algorithm::Rsa { hash: Some(HashAlg::Sha512) }, signature)
        .map_err(|e| format!("cannot encode the signature: {e}"))?;
    SshSig::new(ssh_key::public::KeyData::Rsa(key.public.clone()), namespace, HashAlg::Sha512, signature)
        .map_err(|e| format!("cannot encode the signature: {e}"))
}

/// One line of an allowed signers file (see ssh-keygen(1), "ALLOWED SIGNERS").
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub(crate) principals: Vec<String>,
    /// `namespaces="…"`: the namespaces the key may sign in (all when absent).
    pub(crate) namespaces: Option<Vec<String>>,
    pub(crate) valid_after: Option<Date>,
    pub(crate) valid_before: Option<Date>,
    pub(crate) key: PublicKey,
    /// 1-based line in the file.
    pub line: usize,
}

/// An error in an allowed signers file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// Splits at spaces outside double quotes.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Splits at commas outside double quotes.
fn split_commas(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// `YYYYMMDD[HHMM[SS]][Z]` as in allowed signers files; only the date counts here.
fn signer_date(s: &str) -> Option<Date> {
    let digits = s.trim_end_matches('Z');
    if digits.len() < 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<i16>().ok();
    Date::new(n(0..4)?, n(4..6)? as i8, n(6..8)? as i8).ok()
}

pub(crate) fn parse_allowed_signers(text: &str) -> Result<Vec<AllowedSigner>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let err = |message: String| ParseError { line, message };
        let toks = tokens(trimmed);
        if toks.len() < 3 {
            return Err(err("expected: principals [options] key-type base64-key [comment]".into()));
        }
        let principals: Vec<String> = split_commas(&toks[0]).into_iter().filter(|p| !p.is_empty()).collect();
        // The options field is there when the second field is not a key type.
        let key_at = |k: usize| PublicKey::from_openssh(&toks[k..].join(" ")).ok();
        let (options, key) = match key_at(1) {
            Some(key) => (Vec::new(), key),
            None => match key_at(2) {
                Some(key) => (split_commas(&toks[1]), key),
                None => {
                    return Err(err(format!(
                        "no public key of a supported type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa) after `{}`",
                        toks[0]
                    )))
                }
            },
        };
        let mut signer = AllowedSigner { principals, namespaces: None, valid_after: None, valid_before: None, key, line };
        for opt in options {
            let (name, value) = opt.split_once('=').map(|(n, v)| (n, Some(v))).unwrap_or((opt.as_str(), None));
            match (name.to_ascii_lowercase().as_str(), value) {
                ("namespaces", Some(v)) => signer.namespaces = Some(v.split(',').map(|s| s.trim().to_string()).collect()),
                ("valid-after", Some(v)) => {
                    signer.valid_after = Some(signer_date(v).ok_or_else(|| err(format!("valid-after={v} is not a date")))?)
                }
                ("valid-before", Some(v)) => {
                    signer.valid_before = Some(signer_date(v).ok_or_else(|| err(format!("valid-before={v} is not a date")))?)
                }
                ("cert-authority", None) => {
                    return Err(err("cert-authority lines (SSH certificates) are not supported; list the signers' keys".into()))
                }
                _ => return Err(err(format!("unknown option `{opt}`"))),
            }
        }
        out.push(signer);
    }
    Ok(out)
}

/// Reads and parses an allowed signers file.
pub fn load_allowed_signers(path: &Path) -> Result<Vec<AllowedSigner>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read allowed signers {}: {e}", path.display()))?;
    parse_allowed_signers(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))
}

/// Who made a valid signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Signed {
    /// Principals of every allowed-signers line that lists the key for this namespace.
    pub(crate) principals: Vec<String>,
    /// `SHA256:…` of the key.
    pub(crate) fingerprint: String,
    pub(crate) algorithm: String,
}

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} key {})", self.principals.join(", "), self.algorithm, self.fingerprint)
    }
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Not an SSHSIG signature at all.
    Malformed(String),
    /// Made for another purpose.
    WrongNamespace { found: String, expected: String },
    /// The signed bytes are not these (the message was changed), or the signature is forged.
    BadSignature { fingerprint: String },
    /// A valid signature by a key the allowed signers file does not list (for this namespace and date).
    UnknownKey { fingerprint: String },
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Malformed(e) => write!(f, "not an SSH signature: {e}"),
            Rejected::WrongNamespace { found, expected } => write!(f, "signed in namespace `{found}`, expected `{expected}`"),
            Rejected::BadSignature { fingerprint } => {
                write!(f, "the signature (key {fingerprint}) does not match the signed content: it was changed after signing")
            }
            Rejected::UnknownKey { fingerprint } => write!(f, "signed by key {fingerprint}, which the allowed signers file does not list"),
        }
    }
}

/// Checks an armoured SSHSIG signature of `msg` made in `namespace` by one of `allowed`, on `date`.
pub(crate) fn verify(allowed: &[AllowedSigner], namespace: &str, msg: &[u8], armoured: &str, date: Date) -> Result<Signed, Rejected> {
    let sig = SshSig::from_pem(armoured.trim()).map_err(|e| Rejected::Malformed(e.to_string()))?;
    let key = PublicKey::new(sig.public_key().clone(), "");
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    if sig.namespace() != namespace {
        return Err(Rejected::WrongNamespace { found: sig.namespace().to_string(), expected: namespace.to_string() });
    }
    key.verify(namespace, msg, &sig).map_err(|_| Rejected::BadSignature { fingerprint: fingerprint.clone() })?;
    let principals = principals_for(allowed, sig.public_key(), namespace, date);
    if principals.is_empty() {
        return Err(Rejected::UnknownKey { fingerprint });
    }
    Ok(Signed { principals, fingerprint, algorithm: key.algorithm().as_str().to_string() })
}

/// Principals of every allowed-signers line that lists `key` for `namespace` on `date`.
fn principals_for(allowed: &[AllowedSigner], key: &ssh_key::public::KeyData, namespace: &str, date: Date) -> Vec<String> {
    allowed
        .iter()
        .filter(|a| a.key.key_data() == key)
        .filter(|a| a.namespaces.as_ref().is_none_or(|ns| ns.iter().any(|n| n == namespace || n == "*")))
        .filter(|a| a.valid_after.is_none_or(|d| date >= d) && a.valid_before.is_none_or(|d| date <= d))
        .flat_map(|a| a.principals.iter().cloned())
        .collect()
}

/// What a page says about a signature: who signed, as verified against an allowed signers
/// file, or plainly that it is not verified and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct SignatureView {
    pub(crate) verified: bool,
    /// The principals the allowed signers file lists the key for (when verified).
    pub(crate) principals: Vec<String>,
    /// `SHA256:…` of the signing key ("" when the signature cannot be read).
    pub(crate) fingerprint: String,
    pub(crate) algorithm: String,
    /// The allowed signers file it was checked against ("" when none).
    pub(crate) allowed_signers: String,
    /// Why it is not verified ("" when it is).
    pub(crate) reason: String,
}

impl SignatureView {
    /// Not verified, for `reason`, with the key of the signature as far as it can be read.
    pub(crate) fn unverified(armoured: &str, allowed_signers: &str, reason: String) -> SignatureView {
        let key = SshSig::from_pem(armoured.trim()).ok().map(|sig| PublicKey::new(sig.public_key().clone(), ""));
        SignatureView {
            verified: false,
            principals: Vec::new(),
            fingerprint: key.as_ref().map(|k| k.fingerprint(HashAlg::Sha256).to_string()).unwrap_or_default(),
            algorithm: key.as_ref().map(|k| k.algorithm().as_str().to_string()).unwrap_or_default(),
            allowed_signers: allowed_signers.to_string(),
            reason,
        }
    }
}

/// Checks `armoured` (a signature of `msg` in `namespace`) against `allowed`, an allowed signers
/// file and its name, for a page to show; without one the signature is shown as not verified.
pub(crate) fn view(allowed: Option<(&[AllowedSigner], &str)>, namespace: &str, msg: &[u8], armoured: &str, date: Date) -> SignatureView {
    let Some((signers, file)) = allowed else {
        return SignatureView::unverified(
            armoured,
            "",
            "no allowed signers file to check it against ([approval] allowed_signers in book.toml)".into(),
        );
    };
    match verify(signers, namespace, msg, armoured, date) {
        Ok(signed) => SignatureView {
            verified: true,
            principals: signed.principals,
            fingerprint: signed.fingerprint,
            algorithm: signed.algorithm,
            allowed_signers: file.to_string(),
            reason: String::new(),
        },
        Err(rejected) => SignatureView::unverified(armoured, file, rejected.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A throwaway Ed25519 key made for these tests with `ssh-keygen -t ed25519 -N ''`.
    const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACAFjWjR/WJqlHZDUEofVDWkvViID+cAhHK97VmEPH2L2AAAAJCV3Cwyldws
MgAAAAtzc2gtZWQyNTUxOQAAACAFjWjR/WJqlHZDUEofVDWkvViID+cAhHK97VmEPH2L2A
AAAEBaP70Lx3wEuZ8/2atzhLMpZoycSKR1W76Sg4qOUnE8CQWNaNH9YmqUdkNQSh9UNaS9
WIgP5wCEcr3tWYQ8fYvYAAAADXVuaXRAYWltc2Jvb2s=
-----END OPENSSH PRIVATE KEY-----";
    const PUB: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAWNaNH9YmqUdkNQSh9UNaS9WIgP5wCEcr3tWYQ8fYvY unit@aimsbook";

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn allowed_signers_lines_parse_with_and_without_options() {
        let text = format!(
            "# comment\n\nalice@example.org,\"bob smith\" {PUB}\ncarol namespaces=\"aimsbook-approval,git\",valid-before=20270101 {PUB}\n"
        );
        let list = parse_allowed_signers(&text).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].principals, vec!["alice@example.org", "bob smith"]);
        assert_eq!(list[0].line, 3);
        assert_eq!(list[1].namespaces.as_deref(), Some(&["aimsbook-approval".to_string(), "git".to_string()][..]));
        assert_eq!(list[1].valid_before, Some(day("2027-01-01")));
        let e = parse_allowed_signers("alice ssh-ed25519 not-base64\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(parse_allowed_signers(&format!("a cert-authority {PUB}")).is_err());
        assert!(parse_allowed_signers(&format!("a bogus=1 {PUB}")).unwrap_err().message.contains("bogus"));
    }

    #[test]
    fn signatures_verify_only_for_listed_keys_namespaces_and_dates() {
        let signer = Signer { key: PrivateKey::from_openssh(KEY).unwrap() };
        let sig = signer.sign(SNAPSHOT_NAMESPACE, b"hello").unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let today = day("2026-11-26");
        let allowed = parse_allowed_signers(&format!("alice {PUB}\n")).unwrap();
        let ok = verify(&allowed, SNAPSHOT_NAMESPACE, b"hello", &sig, today).unwrap();
        assert_eq!(ok.principals, vec!["alice"]);
        assert_eq!(ok.fingerprint, signer.fingerprint());
        assert!(matches!(verify(&allowed, SNAPSHOT_NAMESPACE, b"hellO", &sig, today), Err(Rejected::BadSignature { .. })));
        assert!(matches!(verify(&allowed, APPROVAL_NAMESPACE, b"hello", &sig, today), Err(Rejected::WrongNamespace { .. })));
        assert!(matches!(verify(&[], SNAPSHOT_NAMESPACE, b"hello", &sig, today), Err(Rejected::UnknownKey { .. })));
        let approvals_only = parse_allowed_signers(&format!("alice namespaces=\"aimsbook-approval\" {PUB}\n")).unwrap();
        assert!(matches!(verify(&approvals_only, SNAPSHOT_NAMESPACE, b"hello", &sig, today), Err(Rejected::UnknownKey { .. })));
        let expired = parse_allowed_signers(&format!("alice valid-before=20260101 {PUB}\n")).unwrap();
        assert!(matches!(verify(&expired, SNAPSHOT_NAMESPACE, b"hello", &sig, today), Err(Rejected::UnknownKey { .. })));
        assert!(matches!(verify(&allowed, SNAPSHOT_NAMESPACE, b"hello", "junk", today), Err(Rejected::Malformed(_))));
    }
}
