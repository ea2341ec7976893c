//! The continuous manual for paper: what `aimsbook pdf` prints. It holds every approved
//! document on one page, so it is rendered only on request, never as part of the built site
//! (the site has the manual split into pages a browser can open).

use super::published_snapshot;
use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::Site;
use crate::render::{self, Page};
use crate::source::theme::Theme;

/// The continuous manual (cover, contents with page-number slots, every article, the
/// "Changes since" appendix), at [`render::manual::PRINT_PATH`] beside the site's root pages.
pub fn print_manual(site: &Site) -> Result<Page, Vec<Diagnostic>> {
    let theme = Theme::load(&site.config.root, &site.config.build.theme)
        .map_err(|e| vec![Diagnostic::new(TPL001, format!("themes/{}", site.config.build.theme), 1, format!("cannot read theme: {e}"))])?;
    // The appendix's redlines compare the documents' texts with their published versions.
    let blobs = crate::source::git::blobs(&site.config.root, &render::redline::blob_keys(site));
    let inputs = render::Inputs { published: published_snapshot(site), snapshot: None, blobs };
    render::render_print_manual(site, &theme, &inputs).map_err(|d| vec![d])
}
