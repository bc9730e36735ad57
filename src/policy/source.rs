//! The registry of policy files read in one run, and byte spans into them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Identifies one file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
///
/// Spans are owned values (file id plus offsets) rather than borrows of the text, so
/// diagnostics and resolved values can outlive the parse and cross async boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte (equal to `start` for a point).
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Self {
            file,
            start,
            end: end.max(start),
        }
    }

    /// The number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no bytes (a point).
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A one-based line and column (counted in characters), as editors show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    /// One-based line number.
    pub line: usize,
    /// One-based column number, in characters.
    pub column: usize,
}

/// One policy file: its path as the user named it, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte ranges that hold secrets; they are masked whenever the text is shown.
    redactions: Vec<(usize, usize)>,
}

impl SourceFile {
    /// The path as given on the command line (or found in a directory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text, exactly as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte ranges that hold secrets, as `(start, end)`; [`crate::policy::mask::Masker`] masks
    /// them (and more) whenever the text is shown.
    pub fn redactions(&self) -> &[(usize, usize)] {
        &self.redactions
    }

    /// The line and column of a byte offset (clamped to the end of the file).
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        LineColumn { line, column }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Every file read in one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Secret values found while loading (e.g. one that an alias pulls into `credentials`), to
    /// be masked wherever they appear in any file or message.
    secret_values: Vec<String>,
}

impl SourceMap {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
            redactions: Vec::new(),
        });
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Panics if the id was not issued by this map (a programming error, not an input error).
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Marks a span as holding a secret, so it is never printed.
    pub fn redact(&mut self, span: Span) {
        if let Some(file) = self.files.get_mut(span.file.0 as usize) {
            file.redactions.push((span.start, span.end));
        }
    }

    /// Marks a value as a secret, so it is masked wherever it appears.
    pub fn redact_value(&mut self, value: impl Into<String>) {
        self.secret_values.push(value.into());
    }

    /// The values marked with [`SourceMap::redact_value`].
    pub fn secret_values(&self) -> &[String] {
        &self.secret_values
    }

    /// The line and column where a span starts.
    pub fn start_of(&self, span: Span) -> LineColumn {
        self.file(span.file).line_column(span.start)
    }

    /// `path:line:column` for the start of a span, as compilers print it.
    pub fn describe(&self, span: Span) -> String {
        let at = self.start_of(span);
        format!(
            "{}:{}:{}",
            self.file(span.file).path().display(),
            at.line,
            at.column
        )
    }
}

/// Where a span starts, for messages that outlive the policy's files (plans): the file as
/// the user named it and a one-based line and character column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file, as given on the command line or found in a directory.
    pub file: String,
    /// One-based line.
    pub line: usize,
    /// One-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Turns spans into [`Location`]s: the files of one policy, shared by all its accounts so
/// the pure planner can say where a policy value was written.
#[derive(Clone, Default)]
pub struct Locator(Option<Arc<SourceMap>>);

impl Locator {
    /// A locator for the files of one load.
    pub fn new(sources: SourceMap) -> Self {
        Self(Some(Arc::new(sources)))
    }

    /// Where `span` starts; `None` when the span is not from these files (or there are none).
    pub fn locate(&self, span: Span) -> Option<Location> {
        let sources = self.0.as_ref()?;
        let file = sources.files.get(span.file.0 as usize)?;
        let at = file.line_column(span.start);
        Some(Location {
            file: file.path().display().to_string(),
            line: at.line,
            column: at.column,
        })
    }
}

/// Where the files are does not change what a resolved account means: two accounts loaded
/// from different copies of the same text are equal.
impl PartialEq for Locator {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Only the file names: the texts may hold literal secrets (masked only when shown).
impl fmt::Debug for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<String> = self
            .0
            .iter()
            .flat_map(|s| s.files.iter().map(|f| f.path().display().to_string()))
            .collect();
        f.debug_tuple("Locator").field(&files).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locator_says_file_line_and_column() {
        let mut map = SourceMap::new();
        map.add("a.yaml", "x: 1\n");
        let id = map.add("b.yaml", "a: 1\n  bé: x\n");
        let locator = Locator::new(map);
        let at = locator.locate(Span::new(id, 10, 11)).unwrap();
        assert_eq!(at.to_string(), "b.yaml:2:5", "é is one column");
        assert_eq!(Locator::default().locate(Span::new(id, 0, 0)), None);
        assert_eq!(format!("{locator:?}"), r#"Locator(["a.yaml", "b.yaml"])"#);
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "a: 1\nbé: x\n");
        let file = map.file(id);
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(5), LineColumn { line: 2, column: 1 });
        // "é" is two bytes but one column.
        assert_eq!(file.line_column(9), LineColumn { line: 2, column: 4 });
    }
}
