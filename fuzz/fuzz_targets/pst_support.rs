//! Shared input splitting for the PST structure targets (not a target itself).

use calcheck_pst::Format;

/// First byte: the layout (its heap HIDs differ in OST 2013 files); then blocks, each prefixed by
/// a little-endian 2-byte length (a short last block takes what is left).
pub fn split_blocks(data: &[u8]) -> (Format, Vec<Vec<u8>>) {
    let Some((&selector, mut rest)) = data.split_first() else {
        return (Format::Unicode, Vec::new());
    };
    let format = if selector & 1 == 0 {
        Format::Unicode
    } else {
        Format::Unicode4k
    };
    let mut blocks = Vec::new();
    while let Some((len, tail)) = rest.split_first_chunk::<2>() {
        let n = usize::from(u16::from_le_bytes(*len)).min(tail.len());
        let (block, next) = tail.split_at(n);
        blocks.push(block.to_vec());
        rest = next;
        if blocks.len() >= 64 {
            break;
        }
    }
    (format, blocks)
}
