//! Test-support writers: build input files for calcheck's readers from a readable description.
//!
//! [`msg`] writes Outlook .msg files ([MS-OXMSG]): properties by registry name or key, recipients,
//! attachments with embedded exception messages, and — on purpose — broken data (raw values and
//! streams, duplicate entries, wrong header counts, missing streams) so that tests can feed the
//! readers and checks exactly the damage they must survive. [`pst`] writes Unicode PST files from the
//! same descriptions, and [`generate`] builds whole mailboxes with known defects (`cargo xtask gen`).
//!
//! [`fixtures`] describes the generated files of `testdata/msg/`, and [`sample`] the sample calendar of
//! `testdata/sample-calendar/` that the README runs calcheck on.
//!
//! This crate is for tests and fixture generation only (`publish = false`); its builders panic on
//! programmer errors such as an unknown registry name, the way an assertion would.

pub mod fixtures;
pub mod fts;
pub mod generate;
pub mod msg;
pub mod pst;
pub mod sample;
