//! SARIF 2.1.0 output (OASIS SARIF v2.1.0, sections 3.13 to 3.33) with minimal hand-written structs.
//!
//! Mapping: one run; `tool.driver.rules` is the whole check registry (id = code); each finding is a result
//! whose level maps Info/Warning/Error to `note`/`warning`/`error`; its location is the input file as the
//! artifact plus logical locations for the folder and the item, since a mailbox item has no line number.
//! Inputs that could not be read become tool execution notifications of the invocation.

use std::io::{self, Write};
use std::path::Path;

use calcheck_checks::{CheckMeta, Finding, Report, Severity, registry};
use calcheck_model::ItemRef;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::explanation_text;
use crate::{Reporter, RunInfo, iso_datetime, iso_time, locator_text, path_text};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// sarifLog (§3.13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SarifLog {
    /// The schema.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// `2.1.0`.
    pub version: String,
    /// The runs (calcheck writes one).
    pub runs: Vec<Run>,
}

/// run (§3.14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The tool.
    pub tool: Tool,
    /// How the tool ran.
    pub invocations: Vec<Invocation>,
    /// The input files.
    pub artifacts: Vec<Artifact>,
    /// The findings.
    pub results: Vec<SarifResult>,
}

/// tool (§3.18).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// The driver.
    pub driver: Driver,
}

/// toolComponent (§3.19), the driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `calcheck`.
    pub name: String,
    /// The version.
    pub version: String,
    /// The version, as semver.
    pub semantic_version: String,
    /// Every check.
    pub rules: Vec<Rule>,
}

/// reportingDescriptor (§3.49), one per check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// The code, e.g. `CC101`.
    pub id: String,
    /// The kebab-case name.
    pub name: String,
    /// The summary.
    pub short_description: Text,
    /// The explanation.
    pub full_description: Text,
    /// The explanation as text and Markdown.
    pub help: Help,
    /// The default level.
    pub default_configuration: Configuration,
    /// `calcheck` numbers and the category.
    pub properties: Map<String, Value>,
}

/// message / multiformatMessageString (§3.11, §3.12) with text only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Plain text.
    pub text: String,
}

/// multiformatMessageString with Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Help {
    /// Plain text.
    pub text: String,
    /// Markdown.
    pub markdown: String,
}

/// reportingConfiguration (§3.50).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    /// `note`, `warning` or `error`.
    pub level: String,
}

/// invocation (§3.20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    /// False when an input could not be read.
    pub execution_successful: bool,
    /// Start time.
    pub start_time_utc: String,
    /// End time.
    pub end_time_utc: String,
    /// Inputs that could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
    /// "now" and the other options.
    pub properties: Map<String, Value>,
}

/// notification (§3.58).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// `error`.
    pub level: String,
    /// What went wrong.
    pub message: Text,
    /// The input.
    pub locations: Vec<Location>,
}

/// artifact (§3.24).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Where it is.
    pub location: ArtifactLocation,
    /// `input`... SARIF's artifact roles; calcheck's inputs are `analysisTarget`.
    pub roles: Vec<String>,
}

/// artifactLocation (§3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactLocation {
    /// A URI reference: relative paths stay relative, absolute ones become `file:` URIs.
    pub uri: String,
    /// Index into `run.artifacts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

/// result (§3.27).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The check's code.
    pub rule_id: String,
    /// Index into `tool.driver.rules`.
    pub rule_index: usize,
    /// `note`, `warning` or `error`.
    pub level: String,
    /// The message (and detail).
    pub message: Text,
    /// The item.
    pub locations: Vec<Location>,
    /// Other items involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    /// Evidence, CalCheck number, entry id, start.
    pub properties: Map<String, Value>,
}

/// location (§3.28).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Id, for related locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    /// The input file.
    pub physical_location: PhysicalLocation,
    /// Folder and item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
    /// What this location is, for related locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
}

/// physicalLocation (§3.29).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
}

/// logicalLocation (§3.33).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    /// The folder path, or the item's subject.
    pub name: String,
    /// The folder path, or folder plus locator.
    pub fully_qualified_name: String,
    /// `namespace` for a folder, `resource` for an item.
    pub kind: String,
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// A path as a SARIF URI reference: relative paths stay relative (with `/` separators), absolute ones
/// become `file:` URIs; characters outside RFC 3986's unreserved set and `/` `:` are percent-encoded.
pub fn path_uri(path: &Path) -> String {
    let raw = path_text(path).replace('\\', "/");
    let mut enc = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            enc.push(char::from(b));
        } else {
            enc.push('%');
            enc.push(char::from(HEX[usize::from(b >> 4)]));
            enc.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    let drive = raw.as_bytes().get(1) == Some(&b':') && raw.as_bytes().get(2) == Some(&b'/');
    if raw.starts_with('/') {
        format!("file://{enc}")
    } else if drive {
        format!("file:///{enc}")
    } else {
        enc
    }
}

fn rule(m: &CheckMeta) -> Rule {
    let explanation = explanation_text(m.explanation);
    let mut properties = Map::new();
    properties.insert(
        "calcheck".into(),
        Value::from(
            m.calcheck
                .iter()
                .map(|s| Value::from(*s))
                .collect::<Vec<_>>(),
        ),
    );
    properties.insert("category".into(), Value::from(m.category.as_str()));
    Rule {
        id: m.code.to_owned(),
        name: m.name.to_owned(),
        short_description: Text {
            text: m.summary.to_owned(),
        },
        full_description: Text {
            text: explanation.clone(),
        },
        help: Help {
            text: explanation.clone(),
            markdown: explanation,
        },
        default_configuration: Configuration {
            level: level(m.severity).to_owned(),
        },
        properties,
    }
}

fn item_location(item: &ItemRef, artifacts: &[Artifact], id: Option<usize>) -> Location {
    let uri = path_uri(&item.file);
    let index = artifacts.iter().position(|a| a.location.uri == uri);
    let mut logical = Vec::new();
    if !item.folder.is_empty() {
        logical.push(LogicalLocation {
            name: item.folder.to_string(),
            fully_qualified_name: item.folder.to_string(),
            kind: "namespace".into(),
        });
    }
    let locator = locator_text(item);
    logical.push(LogicalLocation {
        name: item
            .subject
            .clone()
            .unwrap_or_else(|| "(no subject)".to_owned()),
        fully_qualified_name: if item.folder.is_empty() {
            locator
        } else {
            format!("{}/{locator}", item.folder)
        },
        kind: "resource".into(),
    });
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri, index },
        },
        logical_locations: logical,
        message: None,
    }
}

fn result(f: &Finding, rules: &[Rule], artifacts: &[Artifact]) -> SarifResult {
    let text = match &f.detail {
        Some(d) => format!("{}: {d}", f.message),
        None => f.message.clone(),
    };
    let mut properties = Map::new();
    properties.insert("name".into(), Value::from(f.check.name));
    if let Some(n) = f.calcheck {
        properties.insert("calcheck".into(), Value::from(n));
    }
    if let Some(id) = &f.item.entry_id {
        properties.insert("entryId".into(), Value::from(id.as_str()));
    }
    if let Some(s) = f.item.start {
        properties.insert("start".into(), Value::from(iso_time(s)));
    }
    properties.insert(
        "evidence".into(),
        Value::from(
            f.evidence
                .iter()
                .map(|e| {
                    let mut m = Map::new();
                    m.insert("name".into(), Value::from(e.name.as_str()));
                    m.insert("value".into(), Value::from(e.value.as_str()));
                    Value::Object(m)
                })
                .collect::<Vec<_>>(),
        ),
    );
    if f.derived {
        properties.insert("derived".into(), Value::from(true));
    }
    SarifResult {
        rule_id: f.check.code.to_owned(),
        rule_index: rules
            .iter()
            .position(|r| r.id == f.check.code)
            .unwrap_or_default(),
        level: level(f.severity).to_owned(),
        message: Text { text },
        locations: vec![item_location(&f.item, artifacts, None)],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut l = item_location(r, artifacts, Some(i));
                l.message = Some(Text {
                    text: "related item".into(),
                });
                l
            })
            .collect(),
        properties,
    }
}

impl SarifLog {
    /// The SARIF form of `report`; the rules are the whole registry.
    pub fn new(report: &Report, run: &RunInfo) -> Self {
        let mut rules: Vec<Rule> = registry::CHECKS.iter().map(|c| rule(c.meta())).collect();
        // A finding of a check outside the registry (a test's own check) still needs a rule to point at.
        for f in &report.findings {
            if !rules.iter().any(|r| r.id == f.check.code) {
                rules.push(rule(f.check));
            }
        }
        let artifacts: Vec<Artifact> = report
            .sources
            .iter()
            .map(|s| Artifact {
                location: ArtifactLocation {
                    uri: path_uri(&s.info.path),
                    index: None,
                },
                roles: vec!["analysisTarget".into()],
            })
            .collect();
        let results = report
            .findings
            .iter()
            .map(|f| result(f, &rules, &artifacts))
            .collect();
        let o = &report.options;
        let mut props = Map::new();
        props.insert("now".into(), Value::from(iso_time(o.now)));
        props.insert("futureYears".into(), Value::from(o.future_years));
        props.insert("noOrg".into(), Value::from(o.no_org));
        props.insert("noDup".into(), Value::from(o.no_dup));
        let notifications = run
            .input_errors
            .iter()
            .map(|e| Notification {
                level: "error".into(),
                message: Text {
                    text: format!("could not read {}: {}", e.path, e.reason),
                },
                locations: vec![Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: path_uri(Path::new(&e.path)),
                            index: None,
                        },
                    },
                    logical_locations: Vec::new(),
                    message: None,
                }],
            })
            .collect();
        SarifLog {
            schema: SCHEMA.to_owned(),
            version: "2.1.0".to_owned(),
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: crate::TOOL_NAME.to_owned(),
                        version: run.tool_version.clone(),
                        semantic_version: run.tool_version.clone(),
                        rules,
                    },
                },
                invocations: vec![Invocation {
                    execution_successful: run.input_errors.is_empty(),
                    start_time_utc: iso_datetime(run.started),
                    end_time_utc: iso_datetime(run.finished),
                    tool_execution_notifications: notifications,
                    properties: props,
                }],
                artifacts,
                results,
            }],
        }
    }
}

/// Writes SARIF 2.1.0, pretty-printed, with a final newline.
#[derive(Debug, Clone)]
pub struct SarifReporter {
    run: RunInfo,
}

impl SarifReporter {
    /// A SARIF reporter for the run described by `run`.
    pub fn new(run: RunInfo) -> Self {
        SarifReporter { run }
    }
}

impl Reporter for SarifReporter {
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let log = SarifLog::new(report, &self.run);
        // `io::Error::from` hands back the original I/O error (a closed pipe stays recognizable).
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_uri_keeps_relative_and_marks_absolute() {
        assert_eq!(path_uri(Path::new("mail/user.pst")), "mail/user.pst");
        assert_eq!(path_uri(Path::new("my mail.pst")), "my%20mail.pst");
        assert_eq!(
            path_uri(Path::new("/data/user.pst")),
            "file:///data/user.pst"
        );
        assert_eq!(
            path_uri(Path::new("C:\\Mail\\a.pst")),
            "file:///C:/Mail/a.pst"
        );
    }
}
