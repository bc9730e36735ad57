//! Diagnostics for people (miette snippets), for programs (JSON) and for GitHub Actions
//! (`::error file=…,line=…,col=…::message` workflow commands).

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::policy::diagnostic::{Diagnostic, Severity};
use crate::policy::source::{SourceMap, Span};

/// Renders diagnostics as miette reports with source snippets. Literal secrets in the files
/// are masked in every snippet.
pub fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail for I/O reasons; fall back to one line.
            out.push_str(&one_line(diagnostic, sources));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// `file:line:col: severity[code]: message`, as compilers print one diagnostic per line.
pub fn one_line(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let place = diagnostic
        .primary
        .as_ref()
        .map(|l| format!("{}: ", sources.describe(l.span)))
        .unwrap_or_default();
    format!(
        "{place}{}[{}]: {}",
        severity_word(diagnostic.severity),
        diagnostic.code.name(),
        diagnostic.message
    )
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The JSON form of one diagnostic. Field names and meanings are stable (see README).
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
    diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().map(|l| locate(l.span, sources));
            JsonDiagnostic {
                severity: d.severity,
                code: d.code.name(),
                message: d.message.clone(),
                file: place.as_ref().map(|p| p.0.clone()),
                line: place.as_ref().map(|p| p.1),
                column: place.as_ref().map(|p| p.2),
                end_line: place.as_ref().map(|p| p.3),
                end_column: place.as_ref().map(|p| p.4),
                label: d
                    .primary
                    .as_ref()
                    .map(|l| l.message.clone())
                    .filter(|m| !m.is_empty()),
                help: d.help.clone(),
                related: d
                    .secondary
                    .iter()
                    .map(|l| {
                        let (file, line, column, _, _) = locate(l.span, sources);
                        JsonLocation {
                            file,
                            line,
                            column,
                            message: l.message.clone(),
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
    let mut out = String::new();
    for d in diagnostics {
        let mut properties = Vec::new();
        if let Some(label) = &d.primary {
            let (file, line, column, end_line, end_column) = locate(label.span, sources);
            properties.push(format!("file={}", escape_property(&file)));
            properties.push(format!("line={line}"));
            properties.push(format!("col={column}"));
            properties.push(format!("endLine={end_line}"));
            properties.push(format!("endColumn={end_column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("zdpolicy {}", d.code.name()))
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
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

/// A diagnostic in the shape miette renders.
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let primary_file = diagnostic.primary.as_ref().map(|l| l.span.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(primary) = &diagnostic.primary {
            labels.push(labeled(primary.span, &primary.message, true));
        }
        for secondary in &diagnostic.secondary {
            if Some(secondary.span.file) == primary_file {
                labels.push(labeled(secondary.span, &secondary.message, false));
            } else {
                // miette shows one source per report: causes in other files become notes.
                related.push(Self {
                    message: secondary.message.clone(),
                    code: "",
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(named_source(secondary.span, sources)),
                    labels: vec![labeled(secondary.span, "", true)],
                    related: Vec::new(),
                });
            }
        }
        Self {
            message: diagnostic.message.clone(),
            code: diagnostic.code.name(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: diagnostic.help.clone(),
            source: diagnostic
                .primary
                .as_ref()
                .map(|l| named_source(l.span, sources)),
            labels,
            related,
        }
    }
}

fn named_source(span: Span, sources: &SourceMap) -> NamedSource<String> {
    let file = sources.file(span.file);
    NamedSource::new(file.path().display().to_string(), file.display_text())
}

fn labeled(span: Span, message: &str, primary: bool) -> LabeledSpan {
    let text = (!message.is_empty()).then(|| message.to_owned());
    let source_span = SourceSpan::new(span.start.into(), span.len());
    if primary {
        LabeledSpan::new_primary_with_span(text, source_span)
    } else {
        LabeledSpan::new_with_span(text, source_span)
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
        let d = Diagnostic::error(Code::UnknownKey, Span::new(file, 0, 1), "50% bad\nline");
        let text = github(&[d], &sources);
        assert_eq!(
            text,
            "::error file=a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=2,title=zdpolicy unknown-key::50%25 bad%0Aline\n"
        );
    }
}
