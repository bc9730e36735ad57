//! Diagnostics for people (miette snippets), for programs (JSON) and for GitHub Actions
//! (`::error file=…,line=…,col=…::message` workflow commands).
//!
//! Every format shows only what [`Masker`] lets through: secrets are masked in snippets,
//! messages, labels and help alike, and control characters in them are escaped.

use std::collections::HashMap;
use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde::Serialize;

use super::escape::escape_controls;
use super::snippet::{CONTEXT_LINES, LineIndex, Snippet};
use crate::policy::diagnostic::{Diagnostic, Severity};
use crate::policy::mask::Masker;
use crate::policy::source::{FileId, SourceMap, Span};

/// Renders diagnostics as miette reports with source snippets.
pub fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(CONTEXT_LINES);
    let mut shown = Shown {
        masker: Masker::new(sources),
        sources,
        lines: HashMap::new(),
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, &mut shown);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail for I/O reasons; fall back to one line.
            out.push_str(&one_line(diagnostic, sources, &shown.masker));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Text from a diagnostic made safe to show: secrets masked, control characters escaped.
fn safe(masker: &Masker, text: &str) -> String {
    escape_controls(&masker.text(text)).into_owned()
}

/// `file:line:col: severity[code]: message`, as compilers print one diagnostic per line.
fn one_line(diagnostic: &Diagnostic, sources: &SourceMap, masker: &Masker) -> String {
    let place = diagnostic
        .primary
        .as_ref()
        .map(|l| format!("{}: ", sources.describe(l.span)))
        .unwrap_or_default();
    format!(
        "{place}{}[{}]: {}",
        severity_word(diagnostic.severity),
        diagnostic.code.name(),
        safe(masker, &diagnostic.message)
    )
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The JSON form of one diagnostic. Field names and meanings are stable (see docs/diagnostics.md).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: Severity,
    /// The stable kebab-case code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file, as named on the command line; null when the problem has no place.
    pub file: Option<String>,
    /// One-based line of the start; null with `file`.
    pub line: Option<usize>,
    /// One-based column (characters) of the start; null with `file`.
    pub column: Option<usize>,
    /// One-based line of the end.
    pub end_line: Option<usize>,
    /// One-based column of the end.
    pub end_column: Option<usize>,
    /// Text of the primary label.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Related places (e.g. the first definition of a duplicate).
    pub related: Vec<JsonLocation>,
}

/// A related place in the JSON form.
#[derive(Debug, Serialize)]
pub struct JsonLocation {
    /// The file.
    pub file: String,
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
    /// What is there.
    pub message: String,
}

/// Converts diagnostics to their JSON form.
pub fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<JsonDiagnostic> {
    let masker = Masker::new(sources);
    let show = |text: &str| safe(&masker, text);
    diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().map(|l| locate(l.span, sources));
            JsonDiagnostic {
                severity: d.severity,
                code: d.code.name(),
                message: show(&d.message),
                file: place.as_ref().map(|p| p.0.clone()),
                line: place.as_ref().map(|p| p.1),
                column: place.as_ref().map(|p| p.2),
                end_line: place.as_ref().map(|p| p.3),
                end_column: place.as_ref().map(|p| p.4),
                label: d
                    .primary
                    .as_ref()
                    .map(|l| show(&l.message))
                    .filter(|m| !m.is_empty()),
                help: d.help.as_deref().map(show),
                related: d
                    .secondary
                    .iter()
                    .map(|l| {
                        let (file, line, column, _, _) = locate(l.span, sources);
                        JsonLocation {
                            file,
                            line,
                            column,
                            message: show(&l.message),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn locate(span: Span, sources: &SourceMap) -> (String, usize, usize, usize, usize) {
    let file = sources.file(span.file);
    let start = file.line_column(span.start);
    let end = file.line_column(span.end);
    (
        file.path().display().to_string(),
        start.line,
        start.column,
        end.line,
        end.column,
    )
}

/// GitHub Actions workflow commands, one per diagnostic, so problems show on the pull
/// request's changed lines.
pub fn github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let masker = Masker::new(sources);
    let mut out = String::new();
    for d in diagnostics {
        let mut properties = Vec::new();
        if let Some(label) = &d.primary {
            let (file, line, column, end_line, end_column) = locate(label.span, sources);
            properties.push(format!("file={}", escape_property(&escape_controls(&file))));
            properties.push(format!("line={line}"));
            properties.push(format!("col={column}"));
            properties.push(format!("endLine={end_line}"));
            properties.push(format!("endColumn={end_column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("zdpolicy {}", d.code.name()))
        ));
        let mut message = safe(&masker, &d.message);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&safe(&masker, help));
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity_word(d.severity),
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// Escapes a workflow-command message (GitHub's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (GitHub's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// What the human renderer shows of the files: masked text, indexed by line once per file.
struct Shown<'a> {
    masker: Masker<'a>,
    sources: &'a SourceMap,
    lines: HashMap<FileId, LineIndex>,
}

impl Shown<'_> {
    /// The snippet of `file` for labels at `spans`, and the spans moved into it.
    fn snippet(&mut self, file: FileId, spans: &[Span]) -> (Snippet, Vec<SourceSpan>) {
        let text = self.masker.source(file);
        let index = self
            .lines
            .entry(file)
            .or_insert_with(|| LineIndex::new(text));
        let name = self.sources.file(file).path().display().to_string();
        let ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        let (snippet, moved) = Snippet::new(safe(&self.masker, &name), text, index, &ranges);
        let moved = moved
            .into_iter()
            .map(|(start, end)| SourceSpan::new(start.into(), end - start))
            .collect();
        (snippet, moved)
    }
}

/// A diagnostic in the shape miette renders, every text in it already safe to show.
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Snippet>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(diagnostic: &Diagnostic, shown: &mut Shown) -> Self {
        let mut related = Vec::new();
        let mut source = None;
        let mut labels = Vec::new();
        if let Some(primary) = &diagnostic.primary {
            let file = primary.span.file;
            let (here, elsewhere): (Vec<_>, Vec<_>) = diagnostic
                .secondary
                .iter()
                .partition(|l| l.span.file == file);
            let spans: Vec<Span> = std::iter::once(primary.span)
                .chain(here.iter().map(|l| l.span))
                .collect();
            let (snippet, moved) = shown.snippet(file, &spans);
            labels.push(labeled(
                moved[0],
                &safe(&shown.masker, &primary.message),
                true,
            ));
            for (label, span) in here.iter().zip(&moved[1..]) {
                labels.push(labeled(*span, &safe(&shown.masker, &label.message), false));
            }
            source = Some(snippet);
            for label in elsewhere {
                // miette shows one source per report: causes in other files become notes.
                let (snippet, moved) = shown.snippet(label.span.file, &[label.span]);
                related.push(Self {
                    message: safe(&shown.masker, &label.message),
                    code: "",
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(snippet),
                    labels: vec![labeled(moved[0], "", true)],
                    related: Vec::new(),
                });
            }
        }
        Self {
            message: safe(&shown.masker, &diagnostic.message),
            code: diagnostic.code.name(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: diagnostic.help.as_deref().map(|h| safe(&shown.masker, h)),
            source,
            labels,
            related,
        }
    }
}

fn labeled(span: SourceSpan, message: &str, primary: bool) -> LabeledSpan {
    let text = (!message.is_empty()).then(|| message.to_owned());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = _>>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::diagnostic::Code;

    #[test]
    fn github_escapes_messages_and_properties() {
        let mut sources = SourceMap::new();
        let file = sources.add("a,b:c.yaml", "x: 1\n");
        let d = Diagnostic::error(Code::UnknownKey, Span::new(file, 0, 1), "50% bad")
            .with_help("see below");
        let text = github(&[d], &sources);
        assert_eq!(
            text,
            "::error file=a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=2,title=zdpolicy unknown-key::50%25 bad%0Ahelp: see below\n"
        );
    }

    /// Regression: with `client_id: zdpolicy`, every "zdpolicy" shown (the file's own name,
    /// help texts) was masked, because identifiers were searched for like secrets.
    #[test]
    fn an_identifier_in_credentials_does_not_mask_other_text() {
        let policy = crate::policy::load::load_texts(&[(
            "zdpolicy.yaml",
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { client_id: zdpolicy, client_secret: env:S }\n    safety: { max_deletes: -1 }\n",
        )]);
        let text = human(&policy.diagnostics, &policy.sources, false);
        assert!(text.contains("[zdpolicy.yaml:6:"), "{text}");
        assert!(text.contains("client_id: ********,"), "{text}");
    }

    /// A key read from a file can hold a line break or an escape sequence: shown raw, it could
    /// start a forged workflow command (`::add-mask::`) or drive the terminal.
    #[test]
    fn controls_from_files_are_escaped_in_every_format() {
        let mut sources = SourceMap::new();
        let file = sources.add("a.yaml", "x: 1\n");
        let d = Diagnostic::error(
            Code::UnknownKey,
            Span::new(file, 0, 1),
            "unknown key `a\n::warning::b\u{1b}[2J`",
        );
        let d = [d];
        let github = github(&d, &sources);
        assert_eq!(github.lines().count(), 1, "{github}");
        assert!(github.contains("`a\\n::warning::b\\u{1b}[2J`"), "{github}");
        let human = human(&d, &sources, false);
        assert!(
            !human.contains('\u{1b}') && !human.contains("\n::"),
            "{human}"
        );
        let json = json(&d, &sources);
        assert_eq!(json[0].message, "unknown key `a\\n::warning::b\\u{1b}[2J`");
    }
}
