//! SARIF 2.1.0 output (`check --format sarif`) for code scanning: GitHub and GitLab show the
//! results as annotations on the files of a pull or merge request.
//!
//! What those services need beyond plain SARIF: every rule with `help` (text and Markdown) and
//! a `helpUri`; a `partialFingerprints` entry per result, or results that share rule, file and
//! line merge into one alert; paths relative to the *git repository* root (`uriBaseId`
//! `SRCROOT`), not to `--root`, so that annotations land when the AIMS lives in a subfolder;
//! and `automationDetails`, so that two AIMS in one repository do not replace each other's
//! results.

use crate::diagnostics::{CodeInfo, Diagnostics, Severity, CODES};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The project's home, as in `informationUri`; rule help links point into its README.
const HOME: &str = "https://github.com/aimsbook/aimsbook";
/// The README section with the table of every diagnostic code.
const CODE_TABLE: &str = "https://github.com/aimsbook/aimsbook/blob/main/README.md#diagnostics";
/// The uriBaseId result paths are relative to: the top of the git work tree (or `--root`
/// outside git).
const SRCROOT: &str = "SRCROOT";
/// The partialFingerprints key; bump the version if the fingerprint's recipe changes.
const FINGERPRINT_KEY: &str = "aimsbookFinding/v1";

/// Where the repository given by `--root` sits: the folder SRCROOT stands for and the path from
/// there to `--root` ("" when they are the same), with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Base {
    pub(crate) top: PathBuf,
    pub(crate) prefix: String,
}

impl Base {
    /// The enclosing git work tree's top folder when there is one, else `root` itself.
    pub(crate) fn locate(root: &Path) -> Base {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let top = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            .and_then(|t| t.canonicalize().ok());
        match top {
            Some(top) if root.starts_with(&top) => {
                let prefix = root.strip_prefix(&top).map(slash_path).unwrap_or_default();
                Base { top, prefix }
            }
            _ => Base { top: root, prefix: String::new() },
        }
    }

    /// A diagnostic's file (relative to `--root`) relative to SRCROOT.
    fn relative(&self, file: &str) -> String {
        if self.prefix.is_empty() {
            file.to_string()
        } else {
            format!("{}/{file}", self.prefix)
        }
    }
}

fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// Characters a URI path may not hold as is (RFC 3986): everything but unreserved characters,
/// sub-delimiters, ':', '@' and '/'.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

fn uri_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH).to_string()
}

/// `ReviewOverdue` from "review overdue": SARIF's `name` is an identifier-like label.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map(|f| f.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
        })
        .collect()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning | Severity::Off => ResultLevel::Warning,
    }
}

fn rule(c: &CodeInfo) -> ReportingDescriptor {
    let level = serde_json::to_value(level(c.severity)).unwrap_or_default();
    let text = format!("{}\n\n`aimsbook explain {}` prints this text.", c.explanation, c.code);
    let markdown = format!(
        "**{}** ({}): {}\n\n{}\n\nRun `aimsbook explain {}` for this text; the [code table]({CODE_TABLE}) lists every code.",
        c.code,
        c.severity.as_str(),
        c.title,
        c.explanation.replace('\n', "\n\n"),
        c.code
    );
    ReportingDescriptor::builder()
        .id(c.code.as_str())
        .name(rule_name(c.title))
        .short_description(MultiformatMessageString::builder().text(c.title).build())
        .full_description(MultiformatMessageString::builder().text(c.explanation).build())
        .help(MultiformatMessageString::builder().text(text).markdown(markdown).build())
        .help_uri(CODE_TABLE)
        .default_configuration(ReportingConfiguration::builder().level(level).build())
        .build()
}

/// The part of a message that identifies the finding: counts of days from `--today` ("56 days
/// ago", "due in 12 days") change every day, the finding does not.
fn stable_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let digits_end = rest[start..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |e| start + e);
        let after = &rest[digits_end..];
        out.push_str(&rest[..start]);
        if after.starts_with(" days") || after.starts_with(" day ") || after == " day" {
            out.push('N');
        } else {
            out.push_str(&rest[start..digits_end]);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// SARIF for the diagnostics of one run over the repository at `root`.
pub fn render(diags: &Diagnostics, root: &Path) -> String {
    render_at(diags, &Base::locate(root))
}

pub(crate) fn render_at(diags: &Diagnostics, base: &Base) -> String {
    let index: BTreeMap<&str, usize> = CODES.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
    // Findings with the same code, file and message are told apart by their order.
    let mut seen: BTreeMap<(String, &str, String), usize> = BTreeMap::new();
    let results: Vec<SarifResult> = diags
        .items
        .iter()
        .map(|d| {
            let uri = base.relative(&d.file);
            let identity = (d.code.to_string(), d.file.as_str(), stable_message(&d.message));
            let occurrence = seen.entry(identity.clone()).and_modify(|n| *n += 1).or_insert(1);
            let hash = Sha256::digest(format!("{}\0{}\0{}", identity.0, uri, identity.2).as_bytes());
            let fingerprint = format!("{}:{occurrence}", hex::encode(&hash[..16]));
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(ArtifactLocation::builder().uri(uri_path(&uri)).uri_base_id(SRCROOT).build())
                        .region(Region::builder().start_line(d.line as i64).start_column(d.column as i64).build())
                        .build(),
                )
                .build();
            let mut result = SarifResult::builder()
                .rule_id(d.code.as_str())
                .level(level(d.severity))
                .message(Message::builder().text(text).build())
                .locations(vec![location])
                .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
                .build();
            result.rule_index = index.get(d.code.as_str()).map(|&i| i as i64);
            result
        })
        .collect();
    let top = base.top.to_string_lossy().replace('\\', "/");
    let top = format!("file://{}{}/", if top.starts_with('/') { "" } else { "/" }, uri_path(top.trim_end_matches('/')));
    let category = if base.prefix.is_empty() { "aimsbook/".to_string() } else { format!("aimsbook/{}/", base.prefix) };
    let driver = ToolComponent::builder()
        .name("aimsbook")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(HOME)
        .rules(CODES.iter().map(rule).collect::<Vec<_>>())
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .automation_details(RunAutomationDetails::builder().id(category).build())
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), ArtifactLocation::builder().uri(top).build())]))
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    let log = Sarif::builder()
        .schema("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code::*, Diagnostic};

    fn base(prefix: &str) -> Base {
        Base { top: PathBuf::from("/work/my repo"), prefix: prefix.into() }
    }

    #[test]
    fn results_are_located_relative_to_the_git_top_with_a_base_id() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::new(DC007, "content/a b.md", 7, "overdue").col(13));
        let v: serde_json::Value = serde_json::from_str(&render_at(&d, &base("aims"))).unwrap();
        let run = &v["runs"][0];
        let loc = &run["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "aims/content/a%20b.md");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert_eq!(loc["region"]["startLine"], 7);
        assert_eq!(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///work/my%20repo/");
        assert_eq!(run["automationDetails"]["id"], "aimsbook/aims/");
        let rule = &run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "DC007");
        assert_eq!(rule["name"], "ReviewOverdue");
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("aimsbook explain DC007"));
    }

    #[test]
    fn fingerprints_tell_findings_apart_and_ignore_day_counts() {
        let fp = |msgs: &[&str]| -> Vec<String> {
            let mut d = Diagnostics::default();
            for m in msgs {
                d.push(Diagnostic::new(SOA001, "content/data/soa.yaml", 1, *m));
            }
            let v: serde_json::Value = serde_json::from_str(&render_at(&d, &base(""))).unwrap();
            v["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap().to_string())
                .collect()
        };
        let a = fp(&["missing A.5.2", "missing A.5.4", "missing A.5.4"]);
        assert_eq!(a.len(), 3);
        assert!(a[0] != a[1] && a[1] != a[2] && a[0] != a[2], "{a:?}");
        assert_eq!(fp(&["missing A.5.4"])[0], a[1], "the same finding keeps its fingerprint when others go");
        assert_eq!(fp(&["due on 2026-10-01 (56 days ago)"]), fp(&["due on 2026-10-01 (57 days ago)"]));
        assert_ne!(fp(&["due on 2026-10-01 (56 days ago)"]), fp(&["due on 2026-10-02 (56 days ago)"]));
    }
}
