//! Source snippets that are safe to print: built from a file's masked text, long lines cut
//! to a window around the labels, control characters escaped, label spans moved to match.
//!
//! miette prints whole lines around each label. A snippet therefore holds only the lines a
//! diagnostic shows (the others in between are left empty, so line numbers stay right), each
//! transformed, and answers miette with the original line numbers and columns.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::escape::{needs_escape, push_escaped};

/// The longest snippet line shown, in characters; longer lines are cut around the labels.
pub const MAX_COLUMNS: usize = 200;

/// On a cut line, how many columns are kept to the left of the first label.
const COLUMNS_BEFORE_LABEL: usize = 60;

/// Lines shown above and below each label (the report handler must use the same number).
pub const CONTEXT_LINES: usize = 1;

/// Marks where a line was cut.
const ELLIPSIS: &str = "…";

/// The line starts of a text, to find lines by byte offset without rescanning it.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte range of line `line`, without its line break.
    fn range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&next| next - 1);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' && end < text.len() {
            end - 1
        } else {
            end
        };
        (start, end)
    }
}

/// A point of the original text and where it is in the snippet.
#[derive(Debug, Clone, Copy)]
struct Cell {
    original: usize,
    /// The original (zero-based) line.
    line: usize,
    shown: usize,
    /// Zero-based column (in characters) of the original point in its line.
    column: usize,
}

/// The lines one diagnostic shows, made safe to print.
#[derive(Debug)]
pub struct Snippet {
    name: String,
    text: String,
    /// The original (zero-based) number of the snippet's first line.
    first_line: usize,
    /// Every shown point, in order of both original and shown offset.
    cells: Vec<Cell>,
}

impl Snippet {
    /// The snippet of `shown` (a file's masked text, indexed by `index`) for labels at
    /// `spans` (byte ranges of that text), and each span moved into the snippet.
    pub fn new(
        name: String,
        shown: &str,
        index: &LineIndex,
        spans: &[(usize, usize)],
    ) -> (Self, Vec<(usize, usize)>) {
        let clamp = |offset: usize| floor_boundary(shown, offset.min(shown.len()));
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| (clamp(s), clamp(e.max(s))))
            .collect();
        let last_line = index.starts.len() - 1;
        let mut kept: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| {
                (
                    index.line_of(s).saturating_sub(CONTEXT_LINES),
                    (index.line_of(e) + CONTEXT_LINES).min(last_line),
                )
            })
            .collect();
        kept.sort_unstable();
        let first_line = kept.first().map_or(0, |k| k.0);
        let end_line = kept.iter().map(|k| k.1).max().unwrap_or(0);

        let mut snippet = Self {
            name,
            text: String::new(),
            first_line,
            cells: Vec::new(),
        };
        for line in first_line..=end_line {
            if kept.iter().any(|&(a, b)| (a..=b).contains(&line)) {
                let (start, end) = index.range(shown, line);
                // The first label (the primary one) that touches the line decides the window.
                let focus = spans
                    .iter()
                    .flat_map(|&(s, e)| [s, e])
                    .find(|p| (start..=end).contains(p));
                snippet.push_line(shown, line, (start, end), focus);
            }
            if line < end_line {
                snippet.text.push('\n');
            }
        }
        let moved = spans
            .iter()
            .map(|&(s, e)| {
                let start = snippet.moved(s, index.line_of(s));
                (start, snippet.moved(e, index.line_of(e)).max(start))
            })
            .collect();
        (snippet, moved)
    }

    /// Appends `shown[start..end]` (line number `number`), cut to a window around `focus`
    /// if too long, with control characters escaped.
    fn push_line(
        &mut self,
        shown: &str,
        number: usize,
        (start, end): (usize, usize),
        focus: Option<usize>,
    ) {
        let chars: Vec<(usize, char)> = shown[start..end]
            .char_indices()
            .map(|(i, c)| (start + i, c))
            .collect();
        let total: usize = chars.iter().map(|&(_, c)| width(c)).sum();
        let (from_col, to_col) = if total <= MAX_COLUMNS {
            (0, total)
        } else {
            let focus_col: usize = chars
                .iter()
                .take_while(|&&(i, _)| focus.is_some_and(|f| i < f))
                .map(|&(_, c)| width(c))
                .sum();
            let from = focus_col
                .saturating_sub(COLUMNS_BEFORE_LABEL)
                .min(total - MAX_COLUMNS);
            (from, from + MAX_COLUMNS)
        };
        if from_col > 0 {
            self.text.push_str(ELLIPSIS);
        }
        let mut col = 0;
        let mut shown_to = start;
        for (column, &(original, c)) in chars.iter().enumerate() {
            let inside = col >= from_col && col + width(c) <= to_col;
            col += width(c);
            if !inside {
                continue;
            }
            self.cells.push(Cell {
                original,
                line: number,
                shown: self.text.len(),
                column,
            });
            if escaped_in_snippet(c) {
                push_escaped(&mut self.text, c);
            } else {
                self.text.push(c);
            }
            shown_to = original + c.len_utf8();
        }
        let cut_right = total > to_col;
        if !cut_right {
            shown_to = end;
        }
        self.cells.push(Cell {
            original: shown_to,
            line: number,
            shown: self.text.len(),
            column: shown[start..shown_to].chars().count(),
        });
        if cut_right {
            self.text.push_str(ELLIPSIS);
        }
    }

    /// Where an original offset (on line `line`) is in the snippet. A point that was cut
    /// away moves to the nearest edge of what is shown of its line.
    fn moved(&self, original: usize, line: usize) -> usize {
        let at = self.cells.partition_point(|c| c.original <= original);
        let before = at.checked_sub(1).map(|i| self.cells[i]);
        match (before, self.cells.get(at)) {
            (Some(b), _) if b.original == original => b.shown,
            // Left of the window: its start.
            (_, Some(a)) if a.line == line => a.shown,
            // Right of the window: its end.
            (Some(b), _) => b.shown,
            (None, _) => 0,
        }
    }

    /// The original column of a snippet offset.
    fn column_of(&self, shown: usize) -> usize {
        let at = self.cells.partition_point(|c| c.shown <= shown);
        at.checked_sub(1).map_or(0, |i| self.cells[i].column)
    }
}

/// Tabs are left to miette, which expands them; other controls are escaped.
fn escaped_in_snippet(c: char) -> bool {
    c != '\t' && needs_escape(c)
}

/// How many columns a character takes in the snippet.
fn width(c: char) -> usize {
    if escaped_in_snippet(c) {
        let mut s = String::new();
        push_escaped(&mut s, c);
        s.chars().count()
    } else {
        1
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // Report original places: the line number in the file and the column before cutting.
        let column = if context_lines_before == 0 {
            self.column_of(span.offset())
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column,
            contents.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, spans: &[(usize, usize)]) -> (Snippet, Vec<(usize, usize)>) {
        Snippet::new("a.yaml".into(), text, &LineIndex::new(text), spans)
    }

    #[test]
    fn short_files_are_shown_as_they_are() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let (s, moved) = snippet(text, &[(13, 14)]);
        assert_eq!(s.text, "b: 2\nc: 3\nd: 4");
        assert_eq!(s.first_line, 1);
        assert_eq!(&s.text[moved[0].0..moved[0].1], "3");
    }

    #[test]
    fn lines_far_from_labels_are_left_empty() {
        let text = "a\nb\nc\nd\ne\nf\ng\n";
        let (s, _) = snippet(text, &[(0, 1), (12, 13)]);
        assert_eq!(s.text, "a\nb\n\n\n\nf\ng\n");
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let text = format!("k: {}TARGET{}\n", "x".repeat(300), "y".repeat(300));
        let at = text.find("TARGET").unwrap();
        let (s, moved) = snippet(&text, &[(at, at + 6)]);
        let line = s.text.lines().next().unwrap();
        assert!(
            line.starts_with(ELLIPSIS) && line.ends_with(ELLIPSIS),
            "{line}"
        );
        assert_eq!(line.chars().count(), MAX_COLUMNS + 2);
        assert_eq!(&s.text[moved[0].0..moved[0].1], "TARGET");
        assert_eq!(s.column_of(moved[0].0), at);
    }

    #[test]
    fn labels_cut_away_point_at_the_edge() {
        let text = format!("{}\n", "x".repeat(1000));
        let (s, moved) = snippet(&text, &[(900, 901), (10, 20)]);
        assert!(s.text.starts_with(ELLIPSIS));
        // The second label lies left of the window: it moves to the window's start.
        assert_eq!(moved[1], (ELLIPSIS.len(), ELLIPSIS.len()));
    }

    #[test]
    fn control_characters_are_escaped_and_labels_follow() {
        let text = "a: \u{1b}[2Jb\u{1b}]\r\nc: 1\r\n";
        let at = text.find('b').unwrap();
        let (s, moved) = snippet(text, &[(at, at + 1)]);
        assert_eq!(s.text, "a: \\u{1b}[2Jb\\u{1b}]\nc: 1");
        assert_eq!(&s.text[moved[0].0..moved[0].1], "b");
        assert_eq!(s.column_of(moved[0].0), 7);
    }
}
