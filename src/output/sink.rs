//! Where a rendered site goes. The pipeline's driver ([`crate::pipeline::run`]) renders once
//! and hands the pages and the content files to publish to a sink: a folder on disk for
//! `build`, memory for `serve` (and for `snapshot`, which then hashes, signs and archives it).

use crate::diagnostics::{Code::*, Diagnostic};
use crate::output::{OutFile, Staging};
use crate::render::{AssetCache, Page};
use crate::support::hash::Map;
use bytes::Bytes;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Receives one rendered site, page by page as the pages are rendered, then the content
/// files (repository-relative to the content folder) published under `files/`.
pub(crate) trait Sink: Sync {
    /// Prepares to receive a site.
    fn begin(&mut self) -> Result<(), Diagnostic> {
        Ok(())
    }
    /// Takes one page; called from several threads at once. The first page given a path keeps it.
    fn page(&self, page: Page) -> Result<(), Diagnostic>;
    /// Adds the content files and completes the site; returns how many files it holds.
    fn finish(&mut self, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic>;
    /// Forgets the pages received since [`begin`](Self::begin): rendering failed.
    fn abort(&mut self);
}

/// A build output folder, written as the pages come and replaced atomically at the end (see
/// [`Staging`]): a failed build leaves the previous site as it was.
pub(crate) struct Folder {
    pub(crate) dir: PathBuf,
    pub(crate) staging: Option<Staging>,
}

impl Folder {
    pub(crate) fn new(dir: PathBuf) -> Folder {
        Folder { dir, staging: None }
    }
}

impl Sink for Folder {
    fn begin(&mut self) -> Result<(), Diagnostic> {
        self.staging = Some(Staging::begin(&self.dir)?);
        Ok(())
    }

    fn page(&self, page: Page) -> Result<(), Diagnostic> {
        match &self.staging {
            Some(s) => s.write(&OutFile::Bytes(&page)),
            None => Err(Diagnostic::new(OUT001, "book.toml", 1, "internal: a page was written before the output folder was prepared")),
        }
    }

    fn finish(&mut self, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic> {
        let staging = match self.staging.take() {
            Some(s) => s,
            None => Staging::begin(&self.dir)?,
        };
        assets.par_iter().try_for_each(|rel| staging.write(&OutFile::Copy { rel: format!("files/{rel}"), from: content_dir.join(rel) }))?;
        staging.commit()
    }

    fn abort(&mut self) {
        // Dropping the staging folder removes it.
        self.staging = None;
    }
}

/// The site held in memory, by path: the preview server's, or a snapshot's before it is
/// hashed and archived.
#[derive(Default)]
pub(crate) struct Memory<'a> {
    pub(crate) files: Map<String, Bytes>,
    /// Pages received (from several threads), in the order received, until [`Sink::finish`]
    /// moves them into `files` (the renderer threads only append: no hashing under the lock).
    received: Mutex<Vec<Page>>,
    /// Content files read before and unchanged since (modification time and size): `serve`
    /// keeps them between rebuilds. A file that cannot be read is left out of the preview.
    pub(crate) asset_cache: Option<&'a AssetCache>,
    /// A content file that cannot be read fails the whole site (a snapshot must be complete).
    pub(crate) require_assets: bool,
}

impl<'a> Memory<'a> {
    pub(crate) fn new(asset_cache: Option<&'a AssetCache>, require_assets: bool) -> Memory<'a> {
        Memory { asset_cache, require_assets, ..Default::default() }
    }

    /// Room for about `pages` pages, so that receiving them does not grow the map step by step.
    pub(crate) fn expecting(self, pages: usize) -> Memory<'a> {
        Memory { received: Mutex::new(Vec::with_capacity(pages)), ..self }
    }
}

impl Sink for Memory<'_> {
    fn page(&self, page: Page) -> Result<(), Diagnostic> {
        let mut received =
            self.received.lock().map_err(|_| Diagnostic::new(OUT001, "book.toml", 1, "internal: a renderer thread failed"))?;
        received.push(page);
        Ok(())
    }

    fn finish(&mut self, content_dir: &Path, assets: &[String]) -> Result<usize, Diagnostic> {
        let received = std::mem::take(
            self.received.get_mut().map_err(|_| Diagnostic::new(OUT001, "book.toml", 1, "internal: a renderer thread failed"))?,
        );
        // The first page received for a path keeps it.
        self.files.reserve(received.len());
        for page in received {
            self.files.entry(page.path).or_insert(page.bytes);
        }
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

    fn abort(&mut self) {
        if let Ok(r) = self.received.get_mut() {
            r.clear();
        }
    }
}

/// A content file's bytes, re-read only when its modification time or size changed.
fn read_asset(path: &Path, rel: &str, cache: Option<&AssetCache>) -> std::io::Result<Bytes> {
    let Some(cache) = cache else { return std::fs::read(path).map(Bytes::from) };
    let meta = std::fs::metadata(path)?;
    let stamp = (meta.modified()?, meta.len());
    cache.get_or_try(rel.to_string(), stamp, || std::fs::read(path).map(Bytes::from))
}
