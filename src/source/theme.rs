//! Theme: the default theme (templates, CSS, JS) is embedded in the binary so aimsbook works
//! from any folder; a repository's own `themes/<name>/` overrides any file by name.

use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The files of the active theme: templates by name, static files by relative path.
#[derive(Debug, Clone, Default)]
pub(crate) struct Theme {
    pub(crate) templates: BTreeMap<String, String>,
    pub(crate) statics: BTreeMap<String, Vec<u8>>,
    /// Where each template came from (for error messages): "themes/default/templates/x.html".
    pub(crate) origins: BTreeMap<String, String>,
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

impl Theme {
    /// Loads the embedded default theme, then overlays `repo/themes/<name>/` when it exists.
    pub(crate) fn load(repo_root: &Path, name: &str) -> std::io::Result<Theme> {
        let mut theme = Theme::default();
        let mut files = Vec::new();
        collect(&DEFAULT_THEME, &mut files);
        for (path, bytes) in files {
            theme.add(&path, bytes.to_vec(), format!("themes/default/{path} (built in)"));
        }
        let dir = repo_root.join("themes").join(name);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
                let entry = entry.map_err(std::io::Error::other)?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(entry.path())?;
                theme.add(&rel, bytes, format!("themes/{name}/{rel}"));
            }
        }
        Ok(theme)
    }

    fn add(&mut self, path: &str, bytes: Vec<u8>, origin: String) {
        if let Some(name) = path.strip_prefix("templates/") {
            self.templates.insert(name.to_string(), String::from_utf8_lossy(&bytes).into_owned());
            self.origins.insert(name.to_string(), origin);
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        }
    }
}
