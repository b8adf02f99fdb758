//! The progress spinner on stderr (only on a terminal, never in a report).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::ReportArgs;
use crate::sources::Progress;

/// A progress bar as the sources see it.
pub(crate) struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn file_done(&self, _bytes: u64) {
        self.0.inc(1);
    }
}

/// A spinner on stderr counting `what` (files, blobs), only when stderr is a terminal and
/// progress is not turned off.
pub(crate) fn progress_bar(args: &ReportArgs, what: &str) -> Option<ProgressBar> {
    if args.no_progress || args.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} scanning: {{human_pos}} {what}, {{elapsed}}"
        ))
        .expect("valid progress template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
