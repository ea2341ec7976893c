//! Where a rendered site goes. The pipeline's driver ([`crate::pipeline::run`]) renders once
//! and hands the pages and the content files to publish to a sink: a folder on disk for
//! `build`, memory for `serve` (and for `snapshot`, which then hashes, signs and archives it).

use crate::diagnostics::{Code::*, Diagnostic};
use crate::output::{write_atomic, OutFile};
use crate::render::{AssetCache, Page};
use bytes::Bytes;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Receives one rendered site: its pages, and the content files (repository-relative to the
/// content folder) published under `files/`.
pub(crate) trait Sink {
    /// Takes the site; returns how many files it holds, or why it could not take them.
    fn put(&mut self, pages: Vec<Page>, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic>;
}

/// A build output folder, replaced atomically (see [`write_atomic`]).
pub(crate) struct Folder {
    pub(crate) dir: PathBuf,
}

impl Sink for Folder {
    fn put(&mut self, pages: Vec<Page>, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic> {
        let mut files: Vec<OutFile> = pages.iter().map(OutFile::Bytes).collect();
        for rel in assets {
            files.push(OutFile::Copy { rel: format!("files/{rel}"), from: content_dir.join(rel) });
        }
        write_atomic(&self.dir, &files)
    }
}

/// The site held in memory, by path: the preview server's, or a snapshot's before it is
/// hashed and archived.
#[derive(Default)]
pub(crate) struct Memory<'a> {
    pub(crate) files: HashMap<String, Bytes>,
    /// Content files read before and unchanged since (modification time and size): `serve`
    /// keeps them between rebuilds. A file that cannot be read is left out of the preview.
    pub(crate) asset_cache: Option<&'a AssetCache>,
    /// A content file that cannot be read fails the whole site (a snapshot must be complete).
    pub(crate) require_assets: bool,
}

impl Sink for Memory<'_> {
    fn put(&mut self, pages: Vec<Page>, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic> {
        self.files.extend(pages.into_iter().map(|p| (p.path, p.bytes)));
        for rel in assets {
            match read_asset(&content_dir.join(rel), rel, self.asset_cache) {
                Ok(bytes) => {
                    self.files.insert(format!("files/{rel}"), bytes);
                }
                Err(e) if self.require_assets => {
                    return Err(
                        Diagnostic::new(OUT001, "book.toml", 1, format!("cannot read {rel}: {e}")).help("choose another --label or --out")
                    );
                }
                Err(_) => {}
            }
        }
        Ok(self.files.len())
    }
}

/// A content file's bytes, re-read only when its modification time or size changed.
fn read_asset(path: &Path, rel: &str, cache: Option<&AssetCache>) -> std::io::Result<Bytes> {
    let Some(cache) = cache else { return std::fs::read(path).map(Bytes::from) };
    let meta = std::fs::metadata(path)?;
    let stamp = (meta.modified()?, meta.len());
    cache.get_or_try(rel.to_string(), stamp, || std::fs::read(path).map(Bytes::from))
}
