//! `e`: the whole filtered list of the current tab to a CSV file in the data directory, read
//! page by page by keyset (not just the rows on screen), with progress in the info line; Esc
//! cancels. Cells are written as the screen shows them, then the screen's raw values (minor
//! units, codes, UTC times), all made safe for spreadsheets.

use std::fs::File;
use std::path::PathBuf;

use crate::domain::{sanitize_line, spreadsheet_safe};
use crate::store::Anchor;

use super::app::App;
use super::data::{Pane, Typed};
use super::screens::{ExportPage, TabId};
use super::widgets::toast::Level;
use super::widgets::virtual_table::Fill;

/// Rows asked for at a time while exporting.
const EXPORT_PAGE: u64 = 500;

pub struct Export {
    pub tab: TabId,
    pub path: PathBuf,
    writer: csv::Writer<File>,
    pub rows: u64,
}

impl App {
    pub(crate) fn start_export(&mut self) {
        if self.export.is_some() {
            self.toast(self.t("toast.export_busy"), Level::Info);
            return;
        }
        let Some(dir) = self.opts.exports_dir.clone() else {
            self.toast(self.t("error.no_export_dir"), Level::Error);
            return;
        };
        let tab = self.tab;
        let name = format!("{}-{}.csv", tab.key(), self.now.format("%Y%m%d-%H%M%S"));
        let path = dir.join(name);
        let opened = std::fs::create_dir_all(&dir)
            .and_then(|_| File::create(&path))
            .map(csv::Writer::from_writer);
        let mut writer = match opened {
            Ok(w) => w,
            Err(e) => {
                let reason = e.to_string();
                let where_ = path.display().to_string();
                self.toast(
                    self.ta(
                        "error.export_failed",
                        &[("path", &where_), ("reason", &reason)],
                    ),
                    Level::Error,
                );
                return;
            }
        };
        let header = self.with_ctx(|screens, ctx| {
            let s = screens.get(tab);
            s.column_titles(ctx)
                .into_iter()
                .chain(s.export_header().into_iter().map(str::to_owned))
                .collect::<Vec<_>>()
        });
        if let Err(e) = writer.write_record(header.unwrap_or_default()) {
            self.export_failed(e.to_string());
            return;
        }
        self.export = Some(Export {
            tab,
            path,
            writer,
            rows: 0,
        });
        self.request_export_page(Anchor::First);
    }

    fn request_export_page(&mut self, anchor: Anchor) {
        let Some(tab) = self.export.as_ref().map(|e| e.tab) else {
            return;
        };
        let req = self.screens.get(tab).request(anchor, EXPORT_PAGE);
        self.send(Pane::Export, Fill::Append, req);
    }

    /// A page for the export: written, then the next one asked for, or the file closed.
    pub(crate) fn on_export_page(&mut self, reply: Typed) {
        let Some(tab) = self.export.as_ref().map(|e| e.tab) else {
            return;
        };
        let page = self.with_ctx(|screens, ctx| screens.get(tab).export_page(reply, ctx).ok());
        let Some(Some(ExportPage { lines, next })) = page else {
            return;
        };
        // Cells as the screen shows them, safe for a spreadsheet.
        let lines: Vec<Vec<String>> = lines
            .into_iter()
            .map(|line| {
                line.iter()
                    .map(|text| spreadsheet_safe(&sanitize_line(text)).into_owned())
                    .collect()
            })
            .collect();
        let Some(export) = self.export.as_mut() else {
            return;
        };
        for line in &lines {
            if let Err(e) = export.writer.write_record(line) {
                self.export_failed(e.to_string());
                return;
            }
        }
        export.rows += lines.len() as u64;
        match next {
            Some(cursor) => self.request_export_page(Anchor::After(cursor)),
            None => self.finish_export(),
        }
    }

    fn finish_export(&mut self) {
        let Some(mut export) = self.export.take() else {
            return;
        };
        if let Err(e) = export.writer.flush() {
            self.export_failed(e.to_string());
            return;
        }
        let text = self.ta(
            "toast.exported",
            &[
                ("n", &export.rows.to_string()),
                ("path", &export.path.display().to_string()),
            ],
        );
        self.toast(text, Level::Success);
    }

    /// Esc while exporting: stop asking for pages; the partial file is removed.
    pub(crate) fn cancel_export(&mut self) {
        if let Some(export) = self.export.take() {
            if let Some(data) = self.data.as_mut() {
                data.abort(Pane::Export);
            }
            drop(export.writer);
            let _ = std::fs::remove_file(&export.path);
            self.toast(self.t("toast.export_cancelled"), Level::Info);
        }
    }

    pub(crate) fn export_failed(&mut self, reason: String) {
        if let Some(export) = self.export.take() {
            let where_ = export.path.display().to_string();
            drop(export.writer);
            let _ = std::fs::remove_file(&export.path);
            self.toast(
                self.ta(
                    "error.export_failed",
                    &[("path", &where_), ("reason", &reason)],
                ),
                Level::Error,
            );
        }
    }
}
