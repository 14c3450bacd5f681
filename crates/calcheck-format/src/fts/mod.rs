//! Fast-transfer streams as EWS `ExportItems` and Graph `exportItems` return them: the outer framing
//! ([`mod@frame`], not in any specification) and the [MS-OXCFXICS] `messageContent` lexer ([`lexer`]).
//!
//! Both are pure functions over bytes that never panic; the model's `source::fts` turns their output into
//! calendar items.

pub mod frame;
pub mod lexer;

pub use frame::{Unframed, frame, unframe};
pub use lexer::{Lexed, MessageContent, lex_message_content};
