//! What a register's columns and words *mean* to aimsbook's checks, declared by the
//! repository in its register schema under the `x-aimsbook` keyword (JSON Schema validators
//! ignore unknown keywords, so editors keep working):
//!
//! ```json
//! "x-aimsbook": {
//!   "kind": "systems",
//!   "fields": {"id": "ref", "lifecycle": "phase", "risk_level": "tier"},
//!   "operational": ["live"], "not_yet_operational": ["idea", "pilot"], "retired": ["decommissioned"]
//! }
//! ```
//!
//! A schema that says nothing inherits the built-in declaration of the schema with the same
//! name (e.g. a repository's own `systems.schema.json`), key by key.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a register is, which decides the checks that apply to its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// The AI system inventory (REG010, targets of `ai_system`).
    Systems,
    /// A risk register (REG008).
    Risks,
    /// A nonconformity / corrective-action log (REG009).
    Nonconformities,
    /// Training or other records.
    Records,
    /// The Statement of Applicability.
    Controls,
}

impl Kind {
    /// The kind of the built-in schemas, by name.
    pub(crate) fn from_schema_name(name: &str) -> Option<Kind> {
        match name {
            "systems" => Some(Kind::Systems),
            "risks" => Some(Kind::Risks),
            "entries" => Some(Kind::Nonconformities),
            "records" => Some(Kind::Records),
            "controls" => Some(Kind::Controls),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Systems => "systems",
            Kind::Risks => "risks",
            Kind::Nonconformities => "nonconformities",
            Kind::Records => "records",
            Kind::Controls => "controls",
        }
    }
}

/// The roles a column can play in a check, with what each is for (shown in errors and by `adopt`).
pub(crate) const ROLES: &[(&str, &str)] = &[
    ("id", "identifies the row (unique, REG006)"),
    ("ai_system", "names an AI system of the inventory (REG007)"),
    ("documents", "names documents (REG007)"),
    ("controls", "names clauses or Annex A controls (CLS001, traceability)"),
    ("likelihood", "risk likelihood (REG008)"),
    ("impact", "risk impact or severity (REG008)"),
    ("score", "likelihood × impact (REG008)"),
    ("residual_likelihood", "residual likelihood (REG008)"),
    ("residual_impact", "residual impact (REG008)"),
    ("residual_score", "residual likelihood × impact (REG008)"),
    ("status", "open or closed, by the `open`/`closed` words (REG009)"),
    ("closed_date", "the date a nonconformity was closed (REG009)"),
    ("lifecycle", "in operation or not, by the `operational`/`not_yet_operational`/`retired` words (REG010)"),
    ("in_scope", "false takes a system out of the AIMS (REG010)"),
    ("risk_level", "the system's risk level (shown)"),
    ("screening", "a screening decision; a word in `assessment_not_required` exempts the system from REG010"),
    ("screening_reason", "why no full impact assessment is needed (required with such a decision)"),
];

/// The `x-aimsbook` declaration of one register schema.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub(crate) struct Semantics {
    #[serde(default)]
    pub(crate) kind: Option<Kind>,
    /// Role → column name, where the column is not named after the role.
    #[serde(default)]
    pub(crate) fields: BTreeMap<String, String>,
    /// Columns that identify a row when the register has no id column.
    #[serde(default)]
    pub(crate) key: Option<Vec<String>>,
    /// Status words meaning open / closed (nonconformities, risks).
    #[serde(default)]
    pub(crate) open: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) closed: Option<Vec<String>>,
    /// Lifecycle words meaning in operation / not yet / no longer (AI systems).
    #[serde(default)]
    pub(crate) operational: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) not_yet_operational: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) retired: Option<Vec<String>>,
    /// Screening decisions meaning "no full impact assessment needed".
    #[serde(default)]
    pub(crate) assessment_not_required: Option<Vec<String>>,
}

/// How a lifecycle word reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lifecycle {
    Operational,
    NotYetOperational,
    Retired,
}

fn has(words: &Option<Vec<String>>, value: &str) -> bool {
    words.as_ref().is_some_and(|w| w.iter().any(|x| x.trim().eq_ignore_ascii_case(value.trim())))
}

impl Semantics {
    /// Reads `x-aimsbook` from a schema; `Ok(None)` when the schema has none.
    pub(crate) fn from_schema(schema: &Value) -> Result<Option<Semantics>, String> {
        let Some(raw) = schema.get("x-aimsbook") else { return Ok(None) };
        let s: Semantics = serde_json::from_value(raw.clone()).map_err(|e| format!("`x-aimsbook`: {e}"))?;
        for role in s.fields.keys() {
            if !ROLES.iter().any(|(r, _)| r == role) {
                let known: Vec<&str> = ROLES.iter().map(|(r, _)| *r).collect();
                return Err(format!("`x-aimsbook.fields` names unknown role `{role}` (known: {})", known.join(", ")));
            }
        }
        Ok(Some(s))
    }

    /// This declaration, with anything it leaves out taken from `base`.
    pub(crate) fn over(self, base: &Semantics) -> Semantics {
        let mut fields = base.fields.clone();
        fields.extend(self.fields);
        Semantics {
            kind: self.kind.or(base.kind),
            fields,
            key: self.key.or_else(|| base.key.clone()),
            open: self.open.or_else(|| base.open.clone()),
            closed: self.closed.or_else(|| base.closed.clone()),
            operational: self.operational.or_else(|| base.operational.clone()),
            not_yet_operational: self.not_yet_operational.or_else(|| base.not_yet_operational.clone()),
            retired: self.retired.or_else(|| base.retired.clone()),
            assessment_not_required: self.assessment_not_required.or_else(|| base.assessment_not_required.clone()),
        }
    }

    /// The column that plays `role` in this register.
    pub(crate) fn col<'a>(&'a self, role: &'a str) -> &'a str {
        self.fields.get(role).map(String::as_str).unwrap_or(role)
    }

    /// `Some(true)` closed, `Some(false)` open, `None` when the word is not declared.
    pub(crate) fn is_closed(&self, status: &str) -> Option<bool> {
        if has(&self.closed, status) {
            Some(true)
        } else if has(&self.open, status) || (self.open.is_none() && self.closed.is_some()) {
            Some(false)
        } else {
            None
        }
    }

    pub(crate) fn declares_status(&self) -> bool {
        self.closed.is_some()
    }

    pub(crate) fn declares_lifecycle(&self) -> bool {
        self.operational.is_some() || self.not_yet_operational.is_some() || self.retired.is_some()
    }

    pub(crate) fn lifecycle(&self, word: &str) -> Option<Lifecycle> {
        if has(&self.operational, word) {
            Some(Lifecycle::Operational)
        } else if has(&self.not_yet_operational, word) {
            Some(Lifecycle::NotYetOperational)
        } else if has(&self.retired, word) {
            Some(Lifecycle::Retired)
        } else {
            None
        }
    }

    /// The declared lifecycle words, for messages.
    pub(crate) fn lifecycle_words(&self) -> Vec<&str> {
        [&self.operational, &self.not_yet_operational, &self.retired].into_iter().flatten().flatten().map(String::as_str).collect()
    }

    pub(crate) fn status_words(&self) -> Vec<&str> {
        [&self.open, &self.closed].into_iter().flatten().flatten().map(String::as_str).collect()
    }

    pub(crate) fn screened_out(&self, decision: &str) -> bool {
        has(&self.assessment_not_required, decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_overrides_base_key_by_key() {
        let base = Semantics::from_schema(
            &serde_json::json!({"x-aimsbook": {"kind": "systems", "operational": ["production"], "retired": ["retired"]}}),
        )
        .unwrap()
        .unwrap();
        let own = Semantics::from_schema(&serde_json::json!({"x-aimsbook": {"fields": {"lifecycle": "phase"}, "operational": ["live"]}}))
            .unwrap()
            .unwrap()
            .over(&base);
        assert_eq!(own.kind, Some(Kind::Systems));
        assert_eq!(own.col("lifecycle"), "phase");
        assert_eq!(own.col("id"), "id");
        assert_eq!(own.lifecycle("live"), Some(Lifecycle::Operational));
        assert_eq!(own.lifecycle("production"), None);
        assert_eq!(own.lifecycle("retired"), Some(Lifecycle::Retired));
    }

    #[test]
    fn unknown_role_and_key_are_refused() {
        assert!(Semantics::from_schema(&serde_json::json!({"x-aimsbook": {"fields": {"phase": "x"}}})).is_err());
        assert!(Semantics::from_schema(&serde_json::json!({"x-aimsbook": {"closd": ["done"]}})).is_err());
    }

    #[test]
    fn status_words_read_open_or_closed() {
        let s =
            Semantics { closed: Some(vec!["done".into()]), open: Some(vec!["open".into(), "in-progress".into()]), ..Default::default() };
        assert_eq!(s.is_closed("done"), Some(true));
        assert_eq!(s.is_closed("in-progress"), Some(false));
        assert_eq!(s.is_closed("paused"), None);
    }
}
