//! The `aimsbook` command line: parses arguments, calls the library, prints diagnostics and maps
//! the outcome to exit codes (0 success, 1 diagnostics with errors, 2 usage or configuration).

use aimsbook::diagnostics::{self, Diagnostics};
use aimsbook::pipeline::{self, ConfigError};
use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "aimsbook", version, about = "Publish an ISO/IEC 42001 AI management system as a controlled, cross-linked static site")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// The repository (folder holding book.toml)
    #[arg(long, default_value = ".", global = true)]
    root: PathBuf,
    /// The date checks run against (YYYY-MM-DD); defaults to SOURCE_DATE_EPOCH's date or today
    #[arg(long, global = true)]
    today: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum BumpArg {
    Major,
    Minor,
    Patch,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: site/)
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder (default: [build] output of book.toml)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
        /// Build the edition for this audience ([audiences.NAME] in book.toml, or the built-in
        /// public, intranet, auditor): only the documents of the classifications it publishes
        #[arg(long, value_name = "NAME")]
        audience: Option<String>,
    },
    /// Run every check and print the diagnostics; writes nothing
    Check {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
    },
    /// Scaffold a new AIMS repository with the 15 mandatory documents as drafts
    Init {
        dir: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Prepare an existing folder of Markdown and YAML: book.toml if missing, a reviewed schema per register, a migration report
    Adopt {
        /// The folder (default: --root)
        dir: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Print the long explanation of a diagnostic code (or --list for all codes)
    Explain {
        code: Option<String>,
        #[arg(long)]
        list: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Export a table of the site (SoA, traceability matrix, a register, the document register) as CSV, XLSX or JSON, or OSCAL JSON into a folder
    Export {
        /// What to export
        #[arg(value_enum)]
        what: ExportWhat,
        /// The register's document id (required for `register`, e.g. REG-001)
        #[arg(long)]
        id: Option<String>,
        /// File format (not for oscal, which is always JSON)
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// Output file (default: stdout; required for xlsx); for oscal, the folder. An existing file that differs is not replaced without --force
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing --out file that differs, keeping the old one as NAME.bak
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Print a controlled PDF (needs Chromium): one document with --id, else the manual of every approved document
    Pdf {
        /// The document's id (default: the whole manual)
        #[arg(long)]
        id: Option<String>,
        /// Output file (default: ID.pdf or manual.pdf in the current folder)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the edition for this audience (see `build --audience`)
        #[arg(long, value_name = "NAME")]
        audience: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Record the approval of a document: status, approver, date, version, history, fingerprint
    Approve {
        /// The document's id
        id: String,
        /// Who approves (the approver; for --bump patch, the editor)
        #[arg(long)]
        by: String,
        /// Approval date (default: --today)
        #[arg(long)]
        date: Option<String>,
        /// Summary for the revision history
        #[arg(long)]
        summary: Option<String>,
        /// Version bump: major, minor (default) or patch (editorial change, no re-approval). A draft's first approval without --bump keeps its version (0.x becomes 1.0)
        #[arg(long, value_enum)]
        bump: Option<BumpArg>,
        /// Next review date (default: kept, or one year after approval when it would not be after it)
        #[arg(long)]
        review_due: Option<String>,
        /// Sign the approval with this OpenSSH private key (SSHSIG, namespace aimsbook-approval)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Write a frozen, verifiable copy of the site for auditors: DIR/LABEL/ and DIR/LABEL.zip
    Snapshot {
        /// Name of the snapshot, e.g. 2026-stage2
        #[arg(long)]
        label: String,
        /// Folder for snapshots (default: snapshots/ in the repository)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sign the manifest with this OpenSSH private key (SSHSIG, namespace aimsbook-snapshot)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
        /// Snapshot the edition for this audience (see `build --audience`)
        #[arg(long, value_name = "NAME")]
        audience: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Re-hash a snapshot (folder or zip) against its manifest; exit 1 on any difference
    Verify {
        path: PathBuf,
        /// Also require a valid manifest signature by a key of this OpenSSH allowed signers file
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// What changed between two snapshots (folders or zips), or a snapshot and `current`
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        common: Common,
    },
    /// Preview the site with live reload while editing
    Serve {
        #[command(flatten)]
        common: Common,
        /// Port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to bind; the default keeps the preview on this machine
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using native file events
        #[arg(long)]
        poll: bool,
    },
    /// Write the JSON Schemas for front matter into a folder (default: schemas/); a schema you edited is kept
    Schema {
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
        /// Replace schemas that differ from the built-in ones, keeping each old file as NAME.bak
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportWhat {
    /// The Statement of Applicability
    Soa,
    /// The traceability matrix (assessable clauses and controls)
    Matrix,
    /// A register's data file (with --id)
    Register,
    /// The master document register
    Documents,
    /// OSCAL 1.1 JSON: catalog.json, profile.json and ssp.json into the --out folder
    Oscal,
    /// The crosswalk to another framework (with --id NAMESPACE, e.g. ai-act)
    Crosswalk,
    /// Records and obsolete documents with their retention, disposal date and state
    Retention,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

fn resolve_today(arg: Option<&str>) -> Result<Date, String> {
    if let Some(s) = arg {
        return aimsbook::parse::parse_date(s).ok_or_else(|| format!("--today {s}: expected a date YYYY-MM-DD"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| format!("SOURCE_DATE_EPOCH={epoch} is not a number of seconds"))?;
        let ts = jiff::Timestamp::from_second(secs).map_err(|e| format!("SOURCE_DATE_EPOCH={epoch}: {e}"))?;
        return Ok(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::ZonedDateTime::now().date())
}

fn print_diags(diags: &Diagnostics, root: &Path, format: Format) {
    match format {
        Format::Human => eprint!("{}", diagnostics::render_human(diags, root)),
        Format::Json => print_out(&format!("{}\n", diagnostics::render_json(diags))),
        Format::Sarif => print_out(&format!("{}\n", aimsbook::diagnostics::sarif::render(diags, root))),
    }
}

fn config_failure(e: ConfigError, root: &Path) -> ExitCode {
    let mut d = Diagnostics::default();
    d.extend(e.0);
    eprint!("{}", diagnostics::render_human(&d, root));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { common, out, strict, audience } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let started = std::time::Instant::now();
            match pipeline::build_edition(&common.root, out.as_deref(), today, strict, audience.as_deref()) {
                Err(e) => config_failure(e, &common.root),
                Ok(report) => {
                    print_diags(&report.diagnostics, &common.root, Format::Human);
                    match report.written {
                        Some(n) => {
                            eprintln!(
                                "built {} files into {} in {:.2}s; search index {} KiB ({})",
                                n,
                                report.out_dir.display(),
                                started.elapsed().as_secs_f64(),
                                report.search_index_bytes.div_ceil(1024),
                                diagnostics::summary_line(&report.diagnostics)
                            );
                            ExitCode::SUCCESS
                        }
                        None => {
                            eprintln!(
                                "build failed: {}; nothing was written and {} is unchanged",
                                diagnostics::summary_line(&report.diagnostics),
                                report.out_dir.display()
                            );
                            ExitCode::from(1)
                        }
                    }
                }
            }
        }
        Command::Check { common, format, strict } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            match pipeline::load(&common.root, today) {
                Err(e) => {
                    if matches!(format, Format::Human) {
                        config_failure(e, &common.root)
                    } else {
                        let mut d = Diagnostics::default();
                        d.extend(e.0);
                        print_diags(&d, &common.root, format);
                        ExitCode::from(2)
                    }
                }
                Ok(loaded) => {
                    let mut diags = loaded.diagnostics;
                    diags.extend(pipeline::check_theme(&loaded.site));
                    diags.finish(&loaded.site.config.levels, strict);
                    print_diags(&diags, &common.root, format);
                    if matches!(format, Format::Human) {
                        eprintln!("checked {} documents: {}", loaded.site.documents.len(), diagnostics::summary_line(&diags));
                    }
                    if diags.has_errors() {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
            }
        }
        Command::Init { dir, common } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            match aimsbook::commands::init::scaffold(&dir, today) {
                Ok(files) => {
                    for rel in &files.kept {
                        eprintln!("warning: {} already exists; left as it is", dir.join(rel).display());
                    }
                    if files.kept.iter().any(|f| f == ".gitignore") {
                        let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap_or_default();
                        let missing: Vec<&str> = ["/site/", "/snapshots/"]
                            .into_iter()
                            .filter(|want| !ignore.lines().any(|l| l.trim().trim_matches('/') == want.trim_matches('/')))
                            .collect();
                        if !missing.is_empty() {
                            eprintln!("note: add {} to your .gitignore so builds and snapshots stay out of git", missing.join(" and "));
                        }
                    }
                    eprintln!(
                        "created {} files in {}{}; next: cd {} && aimsbook build",
                        files.created.len(),
                        dir.display(),
                        if files.kept.is_empty() { String::new() } else { format!(" (kept {} existing)", files.kept.len()) },
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => usage(&e),
            }
        }
        Command::Adopt { dir, common } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let dir = dir.unwrap_or(common.root);
            match aimsbook::commands::adopt::adopt(&dir, today) {
                Ok(report) => {
                    print!("{}", report.text);
                    ExitCode::SUCCESS
                }
                Err(e) => usage(&e),
            }
        }
        Command::Explain { code, list, .. } => {
            if list || code.is_none() {
                use std::io::Write as _;
                let mut out = std::io::stdout().lock();
                for c in diagnostics::CODES {
                    // A closed pipe (`| head`) is not an error worth a panic.
                    if writeln!(out, "{}  {:<7}  {}", c.code, c.severity.as_str(), c.title).is_err() {
                        break;
                    }
                }
                return ExitCode::SUCCESS;
            }
            let code = code.unwrap_or_default();
            match diagnostics::code_info(&code) {
                Some(c) => {
                    println!("{} ({}): {}\n\n{}", c.code, c.severity.as_str(), c.title, c.explanation);
                    ExitCode::SUCCESS
                }
                None => usage(&format!("unknown diagnostic code {code}; `aimsbook explain --list` prints them all")),
            }
        }
        Command::Export { what, id, format, out, force, common } => export(what, id.as_deref(), format, out.as_deref(), force, &common),
        Command::Pdf { id, out, audience, common } => pdf(id.as_deref(), out, audience.as_deref(), &common),
        Command::Approve { id, by, date, summary, bump, review_due, sign, common } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let parse = |s: Option<String>, what: &str| -> Result<Option<Date>, String> {
                s.map(|s| aimsbook::parse::parse_date(&s).ok_or_else(|| format!("--{what} {s}: expected YYYY-MM-DD"))).transpose()
            };
            let (date, review_due) = match (parse(date, "date"), parse(review_due, "review-due")) {
                (Ok(d), Ok(r)) => (d.unwrap_or(today), r),
                (Err(e), _) | (_, Err(e)) => return usage(&e),
            };
            let bump = bump.map(|b| match b {
                BumpArg::Major => aimsbook::commands::approve::Bump::Major,
                BumpArg::Minor => aimsbook::commands::approve::Bump::Minor,
                BumpArg::Patch => aimsbook::commands::approve::Bump::Patch,
            });
            let a = aimsbook::commands::approve::Approval { by, date, summary, bump, review_due, sign };
            match aimsbook::commands::approve::approve(&common.root, today, &id, &a) {
                Ok(msg) => {
                    eprintln!("{msg}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Snapshot { label, out, sign, audience, common } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let signer = match sign.as_deref().map(aimsbook::support::signing::Signer::load).transpose() {
                Ok(s) => s,
                Err(e) => return usage(&e),
            };
            match aimsbook::commands::snapshot::snapshot_edition(
                &common.root,
                today,
                &label,
                out.as_deref(),
                signer.as_ref(),
                audience.as_deref(),
            ) {
                Err(e) => config_failure(e, &common.root),
                Ok(r) => {
                    print_diags(&r.diagnostics, &common.root, Format::Human);
                    if r.diagnostics.has_errors() {
                        eprintln!("snapshot not written: {}", diagnostics::summary_line(&r.diagnostics));
                        return ExitCode::from(1);
                    }
                    eprintln!("snapshot {label}: {} files in {} and {}", r.files, r.folder.display(), r.zip.display());
                    print_out(&format!("manifest sha256: {}\n", r.manifest_sha256));
                    if let Some(s) = &signer {
                        print_out(&format!("signed by key {} ({})\n", s.fingerprint(), aimsbook::source::snapshot::SIGNATURE));
                    }
                    ExitCode::SUCCESS
                }
            }
        }
        Command::Verify { path, allowed_signers, common } => match verify_snapshot(&path, allowed_signers.as_deref(), &common) {
            Err(e) => usage(&e),
            Ok(v) => {
                let mut text = String::new();
                for f in &v.added {
                    text.push_str(&format!("added     {f}\n"));
                }
                for f in &v.removed {
                    text.push_str(&format!("removed   {f}\n"));
                }
                for f in &v.modified {
                    text.push_str(&format!("modified  {f}\n"));
                }
                text.push_str(&format!("manifest sha256: {}\n", v.manifest_sha256));
                use aimsbook::commands::snapshot::SignatureCheck;
                match &v.signature {
                    SignatureCheck::Unsigned => {}
                    SignatureCheck::NotChecked => text.push_str("signature: present, not checked (pass --allowed-signers FILE)\n"),
                    SignatureCheck::Good(who) => text.push_str(&format!("signature: good, signed by {who}\n")),
                    SignatureCheck::Bad(why) => text.push_str(&format!("signature: BAD: {why}\n")),
                }
                print_out(&text);
                if v.ok() {
                    match &v.signature {
                        SignatureCheck::Good(who) => eprintln!("verified: {} files match the manifest, signed by {who}", v.checked),
                        _ => eprintln!("verified: {} files match the manifest", v.checked),
                    }
                    ExitCode::SUCCESS
                } else {
                    eprintln!(
                        "NOT VERIFIED: {} added, {} removed, {} modified{}",
                        v.added.len(),
                        v.removed.len(),
                        v.modified.len(),
                        if matches!(v.signature, SignatureCheck::Bad(_)) { "; the signature is not accepted" } else { "" }
                    );
                    ExitCode::from(1)
                }
            }
        },
        Command::Diff { old, new, format, common } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let load = |spec: &str| aimsbook::commands::snapshot::load_data(spec, &common.root, today);
            match (load(&old), load(&new)) {
                (Ok(a), Ok(b)) => {
                    let d = aimsbook::render::changes::diff(&a, &b);
                    match format {
                        Format::Human => print_out(&aimsbook::render::changes::render_diff(&d)),
                        _ => print_out(&format!("{}\n", serde_json::to_string_pretty(&d).unwrap_or_default())),
                    }
                    ExitCode::SUCCESS
                }
                (Err(e), _) | (_, Err(e)) => usage(&e),
            }
        }
        Command::Serve { common, port, bind, open, poll } => {
            let today = match resolve_today(common.today.as_deref()) {
                Ok(t) => t,
                Err(e) => return usage(&e),
            };
            let opts = aimsbook::commands::serve::ServeOptions { root: common.root.clone(), today, bind, port, open, poll };
            match aimsbook::commands::serve::serve(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(ds) => config_failure(ConfigError(ds), &common.root),
            }
        }
        Command::Schema { out, force, common } => {
            use aimsbook::support::safe_write::Written;
            let dir = if out.is_absolute() { out } else { common.root.join(out) };
            match aimsbook::parse::schemas::write_all(&dir, force) {
                Ok(files) => {
                    let mut text = String::new();
                    for (path, what) in files {
                        match what {
                            Written::Created => text.push_str(&format!("created     {path}\n")),
                            Written::UpToDate => text.push_str(&format!("up to date  {path}\n")),
                            Written::Replaced { backup } => {
                                text.push_str(&format!("replaced    {path} (the previous file is kept as {})\n", backup.display()))
                            }
                            // A customised schema is the documented way to extend the model, so
                            // keeping it is the expected outcome, not a failure (as `cargo
                            // install` warns and succeeds when the crate is already there).
                            Written::Kept => {
                                text.push_str(&format!("kept        {path}\n"));
                                eprintln!(
                                    "warning: {path} differs from the built-in schema; left as it is (`aimsbook schema --force` replaces it and keeps it as a backup)"
                                );
                            }
                        }
                    }
                    print_out(&text);
                    ExitCode::SUCCESS
                }
                Err(e) => usage(&format!("cannot write schemas into {}: {e}", dir.display())),
            }
        }
    }
}

fn export(what: ExportWhat, id: Option<&str>, format: Option<ExportFormat>, out: Option<&Path>, force: bool, common: &Common) -> ExitCode {
    use aimsbook::output::export;
    use std::io::Write;
    if matches!(what, ExportWhat::Oscal) {
        return export_oscal(format.is_some() || id.is_some(), out, force, common);
    }
    let Some(format) = format else {
        return usage("--format csv|xlsx|json is required");
    };
    let format = match format {
        ExportFormat::Csv => export::Format::Csv,
        ExportFormat::Xlsx => export::Format::Xlsx,
        ExportFormat::Json => export::Format::Json,
    };
    if format == export::Format::Xlsx && out.is_none() {
        return usage("--format xlsx needs --out FILE (an XLSX file is binary and is not written to stdout)");
    }
    if matches!(what, ExportWhat::Crosswalk) && id.is_none() {
        return usage("`export crosswalk` needs --id with the framework's namespace, e.g. --id ai-act");
    }
    if matches!(what, ExportWhat::Register) && id.is_none() {
        return usage("`export register` needs --id with the register's document id, e.g. --id REG-001");
    }
    if id.is_some() && !matches!(what, ExportWhat::Register | ExportWhat::Crosswalk) {
        return usage("--id only applies to `export register` and `export crosswalk`");
    }
    let (today, loaded) = match load_site(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let site = &loaded.site;
    let mut diags = loaded.diagnostics;
    diags.finish(&site.config.levels, false);
    if !diags.items.is_empty() {
        eprintln!("warning: exporting anyway; the repository has {} (run `aimsbook check` for details)", diagnostics::summary_line(&diags));
    }
    let table = match what {
        ExportWhat::Soa => {
            if site.trace.soa_doc.is_none() {
                return usage("this repository has no Statement of Applicability (a current document of type soa with a data file)");
            }
            export::soa_table(site)
        }
        ExportWhat::Matrix => export::matrix_table(site),
        ExportWhat::Documents => export::documents_table(site),
        ExportWhat::Oscal => return usage("unreachable: oscal is exported by export_oscal"),
        ExportWhat::Crosswalk => {
            let ns = id.unwrap_or_default();
            let known = aimsbook::render::crosswalk::mapped_frameworks(site);
            if !known.iter().any(|(n, _)| n == ns) {
                let names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
                return usage(&format!(
                    "no crosswalk to `{ns}`; mapped frameworks: {} (turn one on with [traceability] frameworks)",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ));
            }
            aimsbook::render::crosswalk::table(site, ns)
        }
        ExportWhat::Retention => aimsbook::model::retention::table(site),
        ExportWhat::Register => match export::register_table(site, id.unwrap_or_default()) {
            Ok(t) => t,
            Err(e) => return usage(&e),
        },
    };
    let bytes = match export::write(&table, format, today) {
        Ok(b) => b,
        Err(e) => return usage(&e),
    };
    match out {
        Some(path) => {
            use aimsbook::support::safe_write::Written;
            let rows = table.rows.len();
            // An export may have been annotated by hand (an auditor's notes in the XLSX): it is
            // replaced only with --force, and then kept as a backup.
            match aimsbook::support::safe_write::write_or_keep(path, &bytes, force) {
                Err(e) => return usage(&format!("cannot write {}: {e}", path.display())),
                Ok(Written::Created) => eprintln!("exported {rows} rows to {}", path.display()),
                Ok(Written::UpToDate) => eprintln!("{} is up to date ({rows} rows); nothing written", path.display()),
                Ok(Written::Replaced { backup }) => {
                    eprintln!("exported {rows} rows to {} (replaced; the previous file is kept as {})", path.display(), backup.display())
                }
                Ok(Written::Kept) => {
                    return usage(&format!(
                        "{} already exists and differs from this export; nothing was written (--force replaces it and keeps the old file as a backup)",
                        path.display()
                    ))
                }
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(&bytes).and_then(|_| stdout.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return usage(&format!("cannot write to stdout: {e}"));
                }
            }
        }
    }
    ExitCode::SUCCESS
}

fn pdf(id: Option<&str>, out: Option<PathBuf>, audience: Option<&str>, common: &Common) -> ExitCode {
    use aimsbook::commands::pdf::{self, PdfError};
    // Before loading: a missing browser is reported without waiting for the checks.
    if let Err(e) = pdf::find_browser() {
        return usage(&e.to_string());
    }
    let (_, loaded) = match load_site(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut diags = loaded.diagnostics;
    diags.extend(pipeline::check_theme(&loaded.site));
    let site = match audience {
        Some(name) => match aimsbook::model::audience::edition(&loaded.site.config, name) {
            Ok(edition) => {
                diags.extend(aimsbook::model::audience::crossings(&loaded.site, std::slice::from_ref(&edition)));
                aimsbook::model::audience::restrict(loaded.site, &edition)
            }
            Err(d) => return config_failure(ConfigError(vec![d]), &common.root),
        },
        None => loaded.site,
    };
    diags.finish(&site.config.levels, false);
    print_diags(&diags, &common.root, Format::Human);
    if diags.has_errors() {
        eprintln!("pdf not written: {}", diagnostics::summary_line(&diags));
        return ExitCode::from(1);
    }
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{}.pdf", id.unwrap_or("manual"))));
    match pdf::print(&site, id, &out) {
        Ok(r) => {
            eprintln!("printed {} pages to {} ({} pass{})", r.pages, out.display(), r.passes, if r.passes == 1 { "" } else { "es" });
            ExitCode::SUCCESS
        }
        Err(PdfError::Failed(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(e) => usage(&e.to_string()),
    }
}

/// `verify PATH [--allowed-signers FILE]`: the allowed signers are read before the snapshot.
fn verify_snapshot(
    path: &Path,
    allowed_signers: Option<&Path>,
    common: &Common,
) -> Result<aimsbook::commands::snapshot::Verification, String> {
    let Some(file) = allowed_signers else { return aimsbook::commands::snapshot::verify(path) };
    let signers = aimsbook::support::signing::load_allowed_signers(file)?;
    let today = resolve_today(common.today.as_deref())?;
    aimsbook::commands::snapshot::verify_signed(path, Some((&signers, today)))
}

/// `export oscal --out DIR`: the three OSCAL files into DIR (created if missing), each written
/// through `safe_write` like any export: a differing file already there is kept unless --force
/// (then backed up), and a reader never sees half a file.
fn export_oscal(extra_options: bool, out: Option<&Path>, force: bool, common: &Common) -> ExitCode {
    if extra_options {
        return usage("`export oscal` takes only --out DIR (it always writes OSCAL JSON)");
    }
    let Some(dir) = out else {
        return usage("`export oscal` needs --out DIR (it writes catalog.json, profile.json and ssp.json there)");
    };
    let (_, loaded) = match load_site(common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut diags = loaded.diagnostics;
    diags.finish(&loaded.site.config.levels, false);
    if !diags.items.is_empty() {
        eprintln!("warning: exporting anyway; the repository has {} (run `aimsbook check` for details)", diagnostics::summary_line(&diags));
    }
    let files = match aimsbook::output::oscal::files(&loaded.site) {
        Ok(f) => f,
        Err(e) => return usage(&e),
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return usage(&format!("cannot create {}: {e}", dir.display()));
    }
    let mut kept = Vec::new();
    for (name, bytes) in &files {
        use aimsbook::support::safe_write::Written;
        let path = dir.join(name);
        match aimsbook::support::safe_write::write_or_keep(&path, bytes, force) {
            Err(e) => return usage(&format!("cannot write {}: {e}", path.display())),
            Ok(Written::Kept) => kept.push(path.display().to_string()),
            Ok(Written::Replaced { backup }) => {
                eprintln!("replaced {} (the previous file is kept as {})", path.display(), backup.display())
            }
            Ok(Written::Created | Written::UpToDate) => {}
        }
    }
    if !kept.is_empty() {
        return usage(&format!(
            "{} already exist(s) and differ(s) from this export; not replaced (--force replaces them and keeps the old files as backups)",
            kept.join(", ")
        ));
    }
    eprintln!("exported OSCAL {} to {}", files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "), dir.display());
    ExitCode::SUCCESS
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn print_out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The date checks run against and the loaded, checked site, or the exit code that reports why
/// not (a bad --today is a usage error; a broken book.toml a configuration failure).
fn load_site(common: &Common) -> Result<(Date, pipeline::Loaded), ExitCode> {
    let today = resolve_today(common.today.as_deref()).map_err(|e| usage(&e))?;
    let loaded = pipeline::load(&common.root, today).map_err(|e| config_failure(e, &common.root))?;
    Ok((today, loaded))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}
