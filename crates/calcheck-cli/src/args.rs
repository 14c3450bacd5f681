//! Command-line arguments (clap derive). `calcheck FILE...` is short for `calcheck check FILE...`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Checks Outlook calendar items in PST, OST and .msg files offline, like Microsoft's CalCheck.
///
/// Writes CalCheck.log and CalCheckErr.csv (and CALITEMS.CSV with -A) to the output folder, or JSON or
/// SARIF with --format. Exit status: 0 when nothing at or above --fail-on was found, 1 when something was,
/// 2 on a usage error or an input that could not be read.
#[derive(Debug, Parser)]
#[command(
    name = "calcheck",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    /// What to do (default: check).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Arguments of the default `check` command.
    #[command(flatten)]
    pub check: CheckArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check PST, OST, .msg and .oft files, and folders of them.
    Check(CheckArgs),
    /// Print a check's documentation.
    Explain {
        /// A check code (CC101), name (missing-start-time) or CalCheck number (0020).
        check: String,
    },
    /// List every check.
    Checks {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Write the items of an input as calcheck-bag/1 JSON, which calcheck reads back (docs/inputs.md).
    Dump {
        /// A PST, OST, .msg, JSON or fast-transfer file, or a folder of them.
        input: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DumpFormat::Bag)]
        format: DumpFormat,
        /// Write to FILE instead of standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print what a CI job must request from Graph or EWS so that every check has its properties.
    CiProps {
        /// `graph`: one `$expand=...` query parameter per request; `ews`: the `<t:AdditionalProperties>` block.
        #[arg(long = "for", value_enum, value_name = "API")]
        target: CiTarget,
        /// Longest `$expand` parameter, percent-encoded, before the list is split into another request.
        #[arg(long, value_name = "BYTES", default_value_t = calcheck_model::source::bag::request::DEFAULT_MAX_QUERY_LEN)]
        max_length: usize,
    },
}

/// Formats of `calcheck dump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    /// calcheck-bag/1 JSON (docs/inputs.md).
    Bag,
}

/// The APIs `calcheck ci-props` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiTarget {
    /// Microsoft Graph.
    Graph,
    /// Exchange Web Services.
    Ews,
}

/// Formats of `calcheck checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per check.
    Text,
    /// JSON, version 1 (docs/output.md).
    Json,
}

/// Report formats of `calcheck check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// CalCheck.log and CalCheckErr.csv (and CALITEMS.CSV with -A) in the output folder.
    Calcheck,
    /// JSON version 1, to standard output or --output.
    Json,
    /// SARIF 2.1.0, to standard output or --output.
    Sarif,
}

/// The lowest severity that makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any error finding.
    Error,
    /// Any warning or error finding.
    Warning,
    /// Any finding at all.
    Info,
    /// Never: exit 0 whatever was found (unreadable inputs still exit 2).
    Never,
}

/// Arguments of `calcheck check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// PST, OST, .msg or .oft files, or folders of them.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub inputs: Vec<PathBuf>,

    /// Folder for CalCheck.log, CalCheckErr.csv and CALITEMS.CSV (created if missing).
    #[arg(
        short = 'O',
        long = "output-dir",
        value_name = "DIR",
        default_value = "."
    )]
    pub output_dir: PathBuf,

    /// Also write CALITEMS.CSV: every item, flagged or not.
    #[arg(short = 'A', long = "all-items")]
    pub all_items: bool,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Calcheck)]
    pub format: Format,

    /// With --format json or sarif: write to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these checks: code (CC101), code prefix (CC1), name, or CalCheck number (0020).
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these checks (same selectors as --select).
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Change a check's severity, e.g. CC502=warning (selectors as --select; levels info, warning, error).
    #[arg(long, value_name = "SELECTOR=LEVEL", value_delimiter = ',')]
    pub severity: Vec<String>,

    /// Exit 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// "Now" for past and future tests, as RFC 3339 (2025-06-01T12:00:00Z) or a date (2025-06-01, midnight
    /// UTC). Makes runs reproducible; also used as the log's start and finish time. Default: the current time.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Times more than this many years after now are "unusually far in the future".
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub future_years: u32,

    /// An address of the mailbox owner (legacy DN or SMTP), for the attendee-became-organizer test.
    #[arg(long = "mailbox", value_name = "ADDRESS")]
    pub mailbox: Vec<String>,

    /// Skip the attendee-became-organizer test.
    #[arg(long)]
    pub no_org: bool,

    /// Skip duplicate item detection.
    #[arg(long)]
    pub no_dup: bool,

    /// Print nothing on standard output or error except errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Decode and check on N threads (0: one per core). The reports are the same whatever N is.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}
