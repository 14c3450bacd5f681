//! Hunts for panics, hangs and unbounded allocations in the fast-transfer export framing and the
//! [MS-OXCFXICS] `messageContent` lexer (`calcheck_format::fts`), and in the model's reader above them.
//!
//! The input is offered as framed data (unframed first when it looks framed), as an unframed stream, and
//! to the model's container detection (raw bytes, base64, SOAP, Graph JSON). Errors are correct answers;
//! every property the lexer returns must lie inside the stream, and an error must point inside it.
#![no_main]

use std::path::Path;

use calcheck_format::fts::lexer::MessageContent;
use calcheck_format::fts::{lex_message_content, unframe};
use calcheck_model::source::fts::read_export;
use libfuzzer_sys::fuzz_target;

fn check_offsets(c: &MessageContent, len: usize) {
    for p in &c.props {
        assert!(p.offset < len);
    }
    for r in &c.recipients {
        assert!(r.offset < len);
        for p in &r.props {
            assert!(p.offset < len);
        }
    }
    for a in &c.attachments {
        assert!(a.offset < len);
        if let Some(e) = &a.embedded {
            check_offsets(e, len);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(u) = unframe(data) {
        let lexed = lex_message_content(&u.stream);
        check_offsets(&lexed.content, u.stream.len());
        if let Some(e) = &lexed.error {
            assert!(e.offset() <= u.stream.len());
            let _ = e.to_string();
        }
    }
    let lexed = lex_message_content(data);
    check_offsets(&lexed.content, data.len());
    let _ = read_export(data, Path::new("fuzz.fts"));
});
