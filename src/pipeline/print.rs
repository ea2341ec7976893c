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
    let inputs = render::Inputs { published: published_snapshot(site, None), snapshot: None, blobs: std::sync::Arc::new(blobs) };
    render::render_print_manual(site, &theme, &inputs).map_err(|d| vec![d])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    /// What `serve` does after a body edit: the edited document's part page is spliced again,
    /// every other page of the manual (the contents, the other parts) is the cached one.
    #[test]
    fn a_body_edit_splices_again_only_the_part_page_that_holds_the_document() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = super::super::load(root, jiff::civil::date(2026, 11, 26)).expect("the bundled example loads").site;
        let theme = Theme::load(root, "default").expect("the built-in theme");
        let inputs = render::Inputs::default();
        let cache = render::RenderCache::default();
        let render = |site: &Site| -> Vec<Page> {
            let pages = std::sync::Mutex::new(Vec::new());
            let keep = |p: Page| {
                if p.path == "manual.html" || p.path.starts_with("manual/") {
                    pages.lock().unwrap().push(p);
                }
                Ok(())
            };
            render::render_site(site, &theme, &inputs, Some((&cache, render::InputKeys::of(site))), &keep).expect("renders");
            let mut pages = pages.into_inner().unwrap();
            pages.sort_by(|a, b| a.path.cmp(&b.path));
            pages
        };
        let before = render(&site);
        let i = site.documents.iter().position(|d| d.id == "PRC-003" && d.status == crate::parse::document::Status::Approved).unwrap();
        let mut edited = (*site.documents[i]).clone();
        edited.body = format!("{}\nA sentence added while previewing.\n", &*edited.body).into();
        edited.source_hash ^= 1;
        Arc::make_mut(&mut site.documents)[i] = Arc::new(edited);
        let after = render(&site);
        assert_eq!(before.iter().map(|p| &p.path).collect::<Vec<_>>(), after.iter().map(|p| &p.path).collect::<Vec<_>>());
        assert!(before.len() > 3, "the example's manual has several part pages");
        for (b, a) in before.iter().zip(&after) {
            let reused = b.bytes.as_ptr() == a.bytes.as_ptr();
            if a.path == "manual/procedure.html" {
                assert!(!reused && a.bytes != b.bytes, "the part page of PRC-003 is spliced again");
                assert!(String::from_utf8_lossy(&a.bytes).contains("A sentence added while previewing."));
            } else {
                assert!(reused, "{} is reused from the cache", a.path);
            }
        }
    }
}
