//! Diagnostics: the one type every check reports through, the registry of stable codes with
//! their long explanations, and the human and JSON printers (SARIF: [`crate::diagnostics::sarif`]).
//!
//! A diagnostic is plain data. Checks create them; nothing here decides whether a build fails,
//! except [`Diagnostics::has_errors`], which applies the configured per-code levels first.
//!
//! Adding a code: one row in the `codes!` table below (name, default severity, title,
//! explanation) makes the [`Code`] variant and its registry entry; then give it a fixture (a row
//! of `TABLE` in tests/diagnostics.rs, or of `CASES` in tests/traceability.rs for REG and SOA)
//! and its README row (`AIMSBOOK_UPDATE_README=1 cargo test --test diagnostics readme` writes
//! the table). tests/diagnostics.rs fails until both exist.

pub mod sarif;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// How serious a diagnostic is. `Off` only appears in configuration: such diagnostics are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Off,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Off => "off",
        }
    }
}

/// One finding, located in a file of the repository (path relative to the repository root).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub(crate) help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the default severity of its code.
    pub(crate) fn new(code: Code, file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.info().severity,
            file: file.into(),
            line: line.max(1),
            column: 1,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn col(mut self, column: usize) -> Self {
        self.column = column.max(1);
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// All diagnostics of one run, sorted for stable output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    #[cfg(test)]
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Applies per-code levels from book.toml and `--strict`, drops `off` ones, sorts by file,
    /// line, column and code, and removes exact duplicates.
    pub fn finish(&mut self, levels: &BTreeMap<String, Severity>, strict: bool) {
        for d in &mut self.items {
            if let Some(level) = levels.get(d.code.as_str()) {
                d.severity = *level;
            }
            if strict && d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
        self.items.retain(|d| d.severity != Severity::Off);
        self.items.sort_by(|a, b| (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message)));
        self.items.dedup();
    }

    pub(crate) fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub(crate) fn warnings(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

/// A registered diagnostic code: its default severity, a one-line title and the long form that
/// `aimsbook explain` prints.
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub title: &'static str,
    pub explanation: &'static str,
}

/// Turns the one table below into the [`Code`] enum (so a diagnostic can only carry a
/// registered code: a typo does not compile) and the [`CODES`] registry, in the same order.
macro_rules! codes {
    ($( $code:ident, $sev:ident, $title:literal, $expl:literal; )*) => {
        /// A registered diagnostic code. It prints, sorts and serialises as its name (`DC007`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $code, )*
        }

        impl Code {
            /// The stable name users see, configure under `[check]` and pass to `aimsbook explain`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Code::$code => stringify!($code), )*
                }
            }
        }

        /// Every diagnostic code aimsbook can emit. Codes are stable: never renumber.
        pub const CODES: &[CodeInfo] = &[
            $( CodeInfo { code: Code::$code, severity: Severity::$sev, title: $title, explanation: $expl }, )*
        ];
    };
}

codes! {
    CFG001, Error, "book.toml is missing or unreadable",
    "aimsbook needs a book.toml at the repository root. It names the book, the organisation and where content lives.\nRun `aimsbook init DIR` to scaffold a new repository, or pass `--root DIR` to point at an existing one.";
    CFG002, Error, "book.toml is invalid",
    "book.toml could not be parsed, contains an unknown key, or a value of the wrong kind. Unknown keys are errors so that a typo never silently disables a setting.\nThe README lists every key with its default.";
    SRC001, Error, "file is not valid UTF-8",
    "Every controlled document and data file must be UTF-8 encoded. Re-save the file as UTF-8 (most editors offer this in the Save As dialog). The line points at the first invalid byte.";
    SRC002, Error, "document has no front matter",
    "Every Markdown file under the content folder is a controlled document and must start with YAML front matter between two `---` lines, carrying its document-control fields (id, title, type, owner, approver, version, status, review_due, classification, clauses).\nIf the file is not a controlled document, move it out of the content folder.";
    SRC003, Error, "front matter is never closed",
    "The file starts with `---` but no closing `---` line follows. Add a line containing only `---` after the last front-matter field.";
    SRC004, Error, "malformed YAML",
    "The YAML could not be parsed. The line and column come from the YAML parser. Common causes: an unclosed quote, a tab used for indentation, a duplicate key, or a value containing `: ` that needs quoting.";
    SRC005, Error, "front matter or data file is not a mapping",
    "Front matter must be a YAML mapping of field names to values (`id: POL-001`), and a data file must be a mapping with `meta` and one list.";
    SRC006, Error, "symbolic link refused",
    "A symbolic link inside the content folder points outside the repository, or forms a cycle. aimsbook never follows links out of the repository, so that a build cannot read or publish files the repository does not hold. Replace the link with a copy of the file.";
    SRC007, Error, "file could not be read",
    "The file exists but reading it failed (permissions, or it vanished during the build).";
    SRC008, Warning, "fenced code block never closed",
    "A ``` or ~~~ fence opens a code block that no closing fence ends, so everything after it (headings included) becomes code and vanishes from the table of contents. Close the block with the same fence, or remove the stray one. The line is where the fence opens.";
    DC001, Error, "required document-control field missing",
    "Clause 7.5 requires controlled documents to be identified and approved. aimsbook requires these front-matter fields on every document: id, title, type, owner, approver, version, status, review_due, classification, clauses.\n`approved` (a date) is required once status is approved, superseded or retired.";
    DC002, Error, "invalid value for an enumerated field",
    "Fields `type`, `status` and `classification` take one of a fixed list of values. The help line lists them. Values are lower case.";
    DC003, Error, "invalid date",
    "Dates are written YYYY-MM-DD and must exist in the calendar (2026-02-30 does not).";
    DC004, Error, "approved status without an approval date",
    "A document whose status is approved, superseded or retired must say when it was approved: add `approved: YYYY-MM-DD`.";
    DC005, Error, "approval date in the future",
    "The `approved` date lies after the build date (`--today`). An approval cannot be recorded before it happens; correct the date or leave the document in draft.";
    DC006, Error, "review due date not after the approval date",
    "`review_due` must be later than `approved`: a document is approved first and reviewed afterwards.";
    DC007, Error, "review overdue",
    "The document's `review_due` date has passed. Review the document, then record the review by updating `review_due` (and `version`, `approved` and `history` if it changed). Superseded and retired documents are exempt.";
    DC008, Warning, "review due soon",
    "The document's review falls due within `[review] warn_days` days (default 30) of the build date. Plan the review now.";
    DC009, Error, "duplicate document id",
    "Two documents carry the same `id`. Ids identify controlled documents across the whole repository and must be unique; give one of them a new id.";
    DC010, Error, "invalid version",
    "`version` is a quoted string MAJOR.MINOR or MAJOR.MINOR.PATCH, for example `version: \"2.1\"`. Quote it: unquoted, YAML reads 1.10 as the number 1.1.";
    DC011, Error, "revision history out of order",
    "`history` lists revisions oldest first, each with a version strictly greater than the one before.";
    DC012, Error, "revision history does not end at the current version",
    "The last `history` entry must carry the document's current `version`, so the revision table always explains the version in force.";
    DC013, Error, "superseded document without a successor",
    "A superseded document must name the document that replaces it with `superseded_by: ID`, so readers of the obsolete version are sent to the current one.";
    DC014, Error, "supersession names an unknown document",
    "`superseded_by` or `supersedes` names an id that no document in the repository carries.";
    DC015, Error, "successor does not point back",
    "When A is `superseded_by: B`, B must say `supersedes: A` (and the reverse), so the chain can be followed both ways.";
    DC016, Warning, "approved document links to a draft",
    "An approved document refers to a document that is still in draft. Readers of the approved text would rely on an unapproved one: approve the target or remove the reference.";
    DC017, Warning, "document is a draft",
    "The document has not been approved yet. Drafts are published with a banner; approve the document when it is ready (`status: approved`, `approved: DATE`).";
    DC018, Error, "draft carries an approval date",
    "A draft has not been approved, so it must not carry `approved`. Remove the field, or set the status to approved.";
    DC019, Error, "unknown front-matter field",
    "The front matter contains a field that the document schema does not define. It is usually a typo; the help line suggests the nearest known field. A repository can add fields by overriding schemas/document.schema.json.";
    DC020, Error, "front-matter field has the wrong form",
    "A front-matter field does not match the document schema (for example a list where text was expected). The message names the field and the expected form.";
    DC021, Warning, "field does not apply to this document type",
    "`record_date` applies to records, reports and minutes; `meeting_date` to minutes. On other document types they are ignored. (`retention` applies to every type: for documents it runs from the date they are superseded or retired.)";
    DC022, Error, "unknown id in related",
    "`related` lists an id that no document carries.";
    DC023, Error, "approval does not cover the current text",
    "The current version's `history` entry is dated after the `approved` date, and the change from the previous version is more than a patch (a patch, 1.2.0 → 1.2.1, is an editorial change that needs no re-approval). The text in force was changed after it was approved: have it approved again (`aimsbook approve ID`), which updates `approved`, or record the change as a patch.";
    DC024, Warning, "record evidences no clause",
    "A record, report or minutes evidences requirements through its `clauses`. With an empty list it evidences nothing, and the traceability matrix cannot count it. Name the clauses or controls it shows operating.";
    CLS001, Error, "unknown clause or control id",
    "A document's `clauses` list names an id that is not in the catalog. Use the ids of ISO/IEC 42001 clauses 4-10 (e.g. \"6.1.4\") or Annex A controls (e.g. \"A.5.2\"), quoted. See the site's clause pages for the full list.";
    LNK001, Error, "link to a missing file",
    "A relative link points to a file that does not exist under the content folder (or points outside it). Fix the path; paths are relative to the linking document.";
    LNK002, Error, "link to an unknown document id",
    "`[[ID]]` names an id that no document carries.";
    LNK003, Error, "link to an unknown clause or control",
    "`[[6.1.4]]` or `[[A.5.2]]` names a clause or control id that the catalog does not contain.";
    LNK004, Error, "link to a missing heading anchor",
    "The `#anchor` of a link matches no heading in the target document. Anchors are GitHub-style slugs of headings: lower case, spaces become hyphens, punctuation is dropped.";
    LNK005, Error, "unsafe link",
    "The link uses a scheme that a published site must not carry (javascript:, vbscript:, data:, file:). Only http, https, mailto, tel and relative links are allowed.";
    LNK006, Warning, "mention of an unknown document id",
    "The text mentions an identifier of the same family as the repository's document ids (the id without its final number, e.g. `GOV-POL-` for `GOV-POL-01`), but no document has it. Document ids mentioned in text are linked to their page; this one goes nowhere. Identifiers of other families — risks, AI systems, nonconformities, tickets — and register row ids are never taken for documents. Write the id in `code` if it is deliberately not a document. A mention is not a link: it does not count for DC016 or clause coverage.";
    REG001, Error, "data file not found",
    "A document's `data:` names a YAML file that does not exist under the content folder. The path is relative to the document's own folder.";
    REG002, Warning, "data file not governed by any document",
    "Every YAML data file is controlled through the register document that names it with `data:`. A file no document claims is outside document control; add `data:` to its register document or remove the file.";
    REG003, Error, "data file ownership does not match",
    "A data file's `meta.document` must name the document whose `data:` points at it, and each data file belongs to exactly one document.";
    REG004, Error, "data file has the wrong shape",
    "A data file holds a `meta` mapping and exactly one list of rows. The list's key (systems, risks, entries, records, controls) or `meta.schema` chooses the JSON Schema the rows are validated against; add schemas/registers/NAME.schema.json for your own registers.";
    REG005, Error, "register row does not match its schema",
    "A row of a register is missing a required field or has a value of the wrong form. The message names the row and field. Rows follow `#/$defs/row` of the register's schema (`aimsbook schema` writes them out; an editor with yaml-language-server applies the same schema to the whole file while you type).";
    REG006, Error, "duplicate row id in a register",
    "Row ids identify risks, systems, nonconformities and training records in links and reports; they must be unique within a register.";
    REG007, Error, "register refers to an unknown id",
    "A row (or a document's `ai_system`) names an AI system or document that does not exist. AI systems are the rows of the AI system inventory: a register whose schema has `\"x-aimsbook\": {\"kind\": \"systems\"}` (the built-in `systems` schema does), identified by the column it maps to `id`.";
    REG008, Error, "risk score does not equal likelihood × impact",
    "When a risk gives likelihood and impact, its score must be their product, so that the register ranks risks by the methodology's own rule.";
    REG009, Error, "closed nonconformity without a closing date",
    "A nonconformity marked closed needs the date it was closed (`closed:`), so that time to close can be measured and the effectiveness check dated (clause 10.2).";
    REG010, Error, "in-scope AI system without an approved impact assessment",
    "Every AI system in scope of the AIMS and in operation needs an approved AI system impact assessment (clause 6.1.4): a document with `type: assessment` and `ai_system: ID`. Missing assessments are the most common major finding in certification audits.\nA documented screening decision exempts a system: the inventory's `screening` column (as mapped in its schema's `x-aimsbook.fields`) holds a word listed in `assessment_not_required`, and `screening_reason` says why. Whether a system is in operation comes from its lifecycle word and the schema's `operational`, `not_yet_operational` and `retired` lists; a system not yet in operation with a draft assessment is REG012 instead.";
    REG011, Warning, "register check cannot run",
    "A check needs to know what a register's words mean — which statuses are closed, which lifecycle stages are in operation — and the register's schema does not say. Declare it under `x-aimsbook` in schemas/registers/NAME.schema.json, e.g. `\"closed\": [\"closed\", \"done\"]` or `\"operational\": [\"live\"]`. aimsbook never guesses: without the declaration the check is reported as not run.";
    REG012, Warning, "AI system not yet in operation with a draft impact assessment",
    "The system is in a lifecycle stage the schema declares `not_yet_operational`, and its impact assessment exists but is not approved yet. That is expected during development; it becomes REG010 (an error) once the system goes into operation.";
    SOA001, Error, "Annex A control missing from the Statement of Applicability",
    "Clause 6.1.3 requires the SoA to list every Annex A control, whether applicable or not, with a justification.\nThe SOA checks run once the SoA document leaves draft status.";
    SOA002, Error, "control listed more than once in the SoA",
    "Each Annex A control appears exactly once in the Statement of Applicability.";
    SOA003, Error, "unknown control in the SoA",
    "The SoA names a control that Annex A does not contain. Annex A controls are A.2.2 to A.10.4; the first number in each group (A.2.1, A.3.1, ...) is the group's objective, not a control.";
    SOA004, Error, "control without a justification",
    "Every SoA entry needs a justification: why the control is needed (included) or why it is not (excluded), tied to the risk assessment or the scope.";
    SOA005, Error, "boilerplate exclusion justification",
    "\"n/a\", \"not relevant\" or \"not applicable\" alone does not justify excluding a control — it is the second most common major finding. Explain the risk or scope decision that makes the control unnecessary.";
    SOA006, Error, "applicable control without an implementing document",
    "An applicable control must name at least one existing document (policy, procedure, plan) that implements it under `documents`.";
    SOA007, Warning, "implemented control without evidence",
    "A control recorded as implemented should list the records that show it operating under `evidence`. Without them an auditor cannot verify the claim.";
    SOA008, Error, "SoA lists an unknown document",
    "An id under `documents` or `evidence` names no document in the repository.";
    SOA009, Warning, "SoA lists a document that is not in force",
    "A document listed in the SoA is a draft, superseded or retired. List the approved document in force.";
    SOA010, Warning, "SoA and document disagree",
    "A document listed for a control does not name that control in its own `clauses` (or a listed piece of evidence is not a record). Keep both sides in step so the traceability matrix and the SoA tell the same story.";
    SOA011, Error, "implementation contradicts applicability",
    "An excluded control must have implementation `not-applicable`; an applicable one must be implemented, partial or planned.";
    SOA012, Warning, "partial or planned control without a target date",
    "A control that is only partially implemented or planned needs a `target_date` so progress can be tracked.";
    SOA013, Error, "Statement of Applicability without data",
    "A document of `type: soa` names its data file with `data:` — YAML with a `meta` mapping and a `controls` list, one entry per Annex A control.";
    FPR001, Error, "changed since approval",
    "`aimsbook approve` recorded a fingerprint of the document (body, controlled fields and governed data file) when it was approved. The document no longer matches it: it was edited after approval. Re-approve it (`aimsbook approve ID --by NAME`), record an editorial change with `--bump patch` where the document-control procedure allows, or revert the edit.";
    FPR002, Error, "approval not signed",
    "book.toml names an allowed signers file (`[approval] allowed_signers`), so every approved document must carry an `approval_signature`: the approver's SSH signature of its id, version, approver, approval date and fingerprint. Have the approver run `aimsbook approve ID --by NAME --sign KEY` with a key the file lists.";
    FPR003, Error, "approval signature does not verify",
    "The `approval_signature` is not a valid SSH signature (namespace aimsbook-approval) of the document's id, version, approver, approval date and fingerprint as they stand: one of them was changed after the approver signed, or the signature was copied from another document. The approver signs again with `aimsbook approve ID --by NAME --sign KEY`.";
    FPR004, Error, "approval signed by an unlisted key",
    "The approval signature is valid, but made with a key the allowed signers file does not list (for the namespace aimsbook-approval on the approval date). Add the approver's public key to the file if they may approve, or have a listed approver sign.";
    XWK001, Error, "mapping names an unknown id",
    "A crosswalk mapping file (`[traceability] mappings`, or a built-in one) relates an id that no loaded catalog has: the `from` side must be an ISO/IEC 42001 requirement or control, the `to` side a requirement of the catalog named by the file's `to` (turned on with `[traceability] frameworks` or `catalogs`). The built-in ISO/IEC 27001 catalog uses the 2022 numbering (A.5.1 … A.8.34); ids of the 2013 edition (A.14.2.8) are not in it.";
    XWK002, Error, "invalid mapping entry",
    "A mapping file has `source` (who says so: a published crosswalk, or \"aimsbook's own reading\"), `from: \"42001\"`, `to: NAMESPACE` and `mappings`, a list of entries with `from`, `to`, `relationship` (equivalent, subset, superset or intersects — OSCAL's mapping vocabulary — or none to remove a built-in mapping) and a one-line `rationale`.";
    SUS001, Warning, "suspect link",
    "A document refers to another at a pinned version (`related: [\"POL-001@2.0\"]` or `derived_from`), and the target has since moved to a new major or minor version. Review the document against the new version, then update the pin.";
    RET001, Warning, "retention not understood",
    "A `retention` value must be a period (\"7 years\", \"6 months\", \"1 year 6 months\", ISO 8601 \"P7Y\" or \"P18M\"), \"until superseded\", \"until superseded + PERIOD\" or \"permanent\". Case and spacing do not matter. A record's period runs from its record_date; a document's from the day it was superseded (its successor's approval) or retired (its last history entry). Without a retention aimsbook cannot say when the document is due for disposal (clause 7.5.3). Make it an error with `RET001 = \"error\"` under [check].";
    RET002, Warning, "record without a retention period",
    "Records, reports and minutes need a `retention` so that their disposal can be decided (clause 7.5.3 d). Add e.g. `retention: \"7 years\"`: the period runs from `record_date` (else `meeting_date`, else `approved`).";
    RET003, Warning, "overdue for disposal",
    "The document's retention period has ended: its disposal date (shown on the Retention page) is in the past. Dispose of it under the document-control procedure (remove it from the repository; git keeps the history), or extend its retention if it must be kept longer.";
    AUD001, Warning, "refers to a more sensitive document",
    "A document links to, names in related/derived_from, mentions the id of, or quotes the title of a document of a more sensitive classification (e.g. a public page linking a confidential procedure). An edition built with `--audience` that publishes this document but not the other shows only the other's id with \"(not published in this edition)\" — the reader meets a reference they cannot follow, and a quoted title or a description of the other document in this one's own text is published with it (clause 7.5.3: documented information protected).\nRefer to documents of the same or a lower classification, raise this document's classification, or — if the reference is intended — turn the warning off under [check] with `AUD001 = \"off\"`. The order of classifications is `[publication] levels` in book.toml (else the document schema's `classification` enum), least sensitive first.";
    AUD002, Warning, "classification is not a level",
    "The document's classification is not one of the organisation's classification levels (`[publication] levels` in book.toml, else the `classification` enum of the document schema). No edition (`--audience`) publishes it, and AUD001 cannot compare it with the documents it refers to. Use one of the levels, or add the word to `[publication] levels` in its place in the order.";
    MSG001, Warning, "message missing in the site's language",
    "The interface speaks `[book] language` (its primary subtag: \"de-DE\" → de). A message of the English catalog has no translation in that language, so English is shown in its place; the build goes on. Add the key to `i18n/<lang>.ftl` beside book.toml (Fluent syntax, `key = text`); that folder also overrides any built-in message. A language with no messages at all is reported once, on book.toml. Built in: en, de, fr.";
    MSG002, Warning, "message file cannot be read",
    "An entry of a message file (`i18n/<lang>.ftl`) is not valid Fluent syntax (projectfluent.org): `key = text`, continuation lines indented, `{ $arg }` placeholders, `{ $n -> [one] … *[other] … }` for plural forms. The broken entry is skipped (English is shown for it); the rest of the file is used.";
    TPL001, Error, "template error",
    "A theme template failed to compile or render. The message names the template file and line. If you override templates in themes/<name>/, compare with the built-in ones (`aimsbook theme` is not needed: the defaults are in the aimsbook repository under themes/default).";
    OUT001, Error, "output folder refused",
    "aimsbook replaces its output folder as a whole. It refuses a folder that it did not create (no .aimsbook-site marker) or one that contains the repository itself, so a mistyped --out can never delete your files.";
}

impl Code {
    /// The code's registry entry (default severity, title, explanation).
    pub(crate) fn info(self) -> &'static CodeInfo {
        // `codes!` declares the variants and the table rows in the same order.
        &CODES[self as usize]
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Diagnostics sort by code name, as they did when codes were strings.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The registry entry of a code typed by a user (`aimsbook explain dc007`, `[check] DC007 = "off"`).
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.as_str().eq_ignore_ascii_case(code))
}

/// Reads the given 1-based line of a repository file, for the human printer's snippet.
fn source_line(root: &Path, file: &str, line: usize) -> Option<String> {
    // Never quote through a symbolic link (SRC006 refuses them; their target may be a secret
    // outside the repository), nor anything that resolves outside the repository.
    let path = root.join(file);
    if std::fs::symlink_metadata(&path).ok()?.file_type().is_symlink() {
        return None;
    }
    let canon_root = root.canonicalize().ok()?;
    if !path.canonicalize().ok()?.starts_with(&canon_root) {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().nth(line.checked_sub(1)?).map(|l| l.trim_end_matches('\r').to_string())
}

/// cargo-style human output: `error[DC004]: message`, `--> file:line:col`, the line, `help:`.
pub fn render_human(diags: &Diagnostics, root: &Path) -> String {
    let mut out = String::new();
    for d in &diags.items {
        let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
        let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.line, d.column);
        if let Some(text) = source_line(root, &d.file, d.line) {
            let num = d.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = text.chars().take(160).collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {shown}");
            let caret_pad = " ".repeat(d.column.saturating_sub(1).min(160));
            let _ = writeln!(out, "{pad} | {caret_pad}^");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out.push('\n');
    }
    out
}

/// The JSON format: an array of objects with code, severity, file, line, column, message, help.
pub fn render_json(diags: &Diagnostics) -> String {
    serde_json::to_string_pretty(&diags.items).unwrap_or_else(|_| "[]".into())
}

/// The one-line summary printed after a build or check.
pub fn summary_line(diags: &Diagnostics) -> String {
    format!("{} error(s), {} warning(s)", diags.errors(), diags.warnings())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(!c.explanation.is_empty());
        }
    }

    #[test]
    fn every_code_finds_its_own_registry_entry() {
        for c in CODES {
            assert_eq!(c.code.info().code, c.code);
            assert_eq!(code_info(c.code.as_str()).map(|i| i.code), Some(c.code));
            assert_eq!(code_info(&c.code.as_str().to_lowercase()).map(|i| i.code), Some(c.code));
        }
        assert!(code_info("XX999").is_none());
    }

    #[test]
    fn a_code_serialises_and_sorts_by_its_name() {
        let d = Diagnostic::new(Code::SUS001, "a.md", 0, "pinned");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!((json["code"].as_str(), json["severity"].as_str(), json["line"].as_u64()), (Some("SUS001"), Some("warning"), Some(1)));
        assert_eq!(format!("{}", Code::SUS001), "SUS001");
        // The registry lists SUS001 after XWK002; output is ordered by name, as before codes were typed.
        assert!((Code::SUS001 as usize) > (Code::XWK002 as usize));
        assert!(Code::SUS001 < Code::XWK002);
    }

    #[test]
    fn levels_and_strict_apply() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::new(Code::DC008, "a.md", 3, "soon"));
        d.push(Diagnostic::new(Code::DC017, "a.md", 1, "draft"));
        let mut levels = BTreeMap::new();
        levels.insert("DC017".to_string(), Severity::Off);
        d.finish(&levels, true);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].severity, Severity::Error);
    }
}
