//! The NDB checksums: the CRC of [MS-PST] 5.3 and the block/page signature of [MS-PST] 5.5.
//!
//! The CRC is the reflected CRC-32 with polynomial 0xEDB88320, started at 0 and not inverted at
//! the end (so it differs from zlib's `crc32`). It is computed with `crc32fast` (SIMD where the CPU
//! has it), which runs zlib's variant: starting that one from the finished value `0xFFFFFFFF` and
//! inverting its result gives [MS-PST]'s. The spec's byte-at-a-time table is kept, built at compile
//! time from the polynomial, as the reference the tests hold the fast path to.

/// The 256-entry table of the reflected CRC-32 polynomial 0xEDB88320 ([MS-PST] 5.3 `CrcTableOffset32`).
#[cfg(test)]
const CRC_TABLE: [u32; 256] = build_table();

// Indexing is the only way to fill an array in a const fn; `i` stays below 256.
#[cfg(test)]
#[allow(clippy::indexing_slicing)]
const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

/// `ComputeCRC(0, data)` of [MS-PST] 5.3.
pub fn compute_crc(data: &[u8]) -> u32 {
    // crc32fast keeps the finished (inverted) form of the register between calls, so a finished
    // value of 0xFFFFFFFF is a register of 0, the spec's start; its finished result is the register
    // inverted, so inverting it again gives the spec's value.
    let mut hasher = crc32fast::Hasher::new_with_initial(0xFFFF_FFFF);
    hasher.update(data);
    !hasher.finalize()
}

/// `ComputeCRC(0, data)` byte by byte with the spec's table, the reference for [`compute_crc`].
#[cfg(test)]
fn compute_crc_bytewise(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |crc, &b| {
        let idx = ((crc ^ u32::from(b)) & 0xFF) as usize;
        // The index is masked to 0..=255, so the lookup cannot fail; 0 keeps the function total.
        CRC_TABLE.get(idx).copied().unwrap_or(0) ^ (crc >> 8)
    })
}

/// `ComputeSig(ib, bid)` of [MS-PST] 5.5: the 16-bit signature of a block or page trailer.
pub fn compute_sig(ib: u64, bid: u64) -> u16 {
    // Only the low 32 bits of both values take part, as the spec's DWORD parameters say.
    let x = (ib as u32) ^ (bid as u32);
    ((x >> 16) ^ (x & 0xFFFF)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_table_matches_polynomial_spot_values() {
        // Entries of [MS-PST] 5.3 CrcTableOffset32 as printed in the spec.
        assert_eq!(CRC_TABLE[0], 0x0000_0000);
        assert_eq!(CRC_TABLE[1], 0x7707_3096);
        assert_eq!(CRC_TABLE[255], 0x2D02_EF8D);
    }

    #[test]
    fn crc_starts_at_zero_without_final_inversion() {
        assert_eq!(compute_crc(&[]), 0);
        // zlib's crc32("123456789") is 0xCBF43926; the [MS-PST] variant starts at 0 instead of
        // 0xFFFFFFFF and skips the final inversion, which gives 0x2DFD2D88 for the same input.
        assert_eq!(compute_crc(b"123456789"), 0x2DFD_2D88);
        assert_eq!(compute_crc_bytewise(b"123456789"), 0x2DFD_2D88);
    }

    #[test]
    fn fast_crc_equals_the_spec_table_on_every_length_and_alignment() {
        // Lengths around the SIMD path's 64- and 128-byte strides and odd starting offsets, over
        // bytes that are not a simple pattern.
        let data: Vec<u8> = (0u32..5000)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..9 {
            for len in (0..300).chain([511, 512, 513, 4072, 4096, 4991 - start]) {
                let slice = &data[start..start + len];
                assert_eq!(
                    compute_crc(slice),
                    compute_crc_bytewise(slice),
                    "start {start} len {len}"
                );
            }
        }
    }

    #[test]
    fn sig_xors_halves_of_ib_xor_bid() {
        // The javalibpst dist-list.pst BBT root page: ib 0xAC00, bid 0xC0A, trailer wSig 0xA00A.
        assert_eq!(compute_sig(0xAC00, 0xC0A), 0xA00A);
        // The 4 KiB OST's first data block: ib 0x25000, bid 0x4, trailer wSig 0x5006.
        assert_eq!(compute_sig(0x25000, 0x4), 0x5006);
    }
}
