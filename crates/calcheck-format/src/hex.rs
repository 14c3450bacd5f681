//! Hex text to bytes, as the test vectors, the fixtures and `cargo xtask decode` write binary
//! property values.

/// The bytes hex text spells: whitespace anywhere and one leading `0x` are ignored.
///
/// Fails with a lowercase reason on an odd number of digits or a character that is not a hex
/// digit (a sign is not a digit, although `u8::from_str_radix` would take one).
pub fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_start();
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    digits
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| {
            let [high, low] = [pair.first(), pair.get(1)].map(|c| c.and_then(|c| c.to_digit(16)));
            match (high, low) {
                (Some(h), Some(l)) => u8::try_from(h * 16 + l).map_err(|e| e.to_string()),
                _ => Err(format!(
                    "{:?} at byte {i} is not a hex byte",
                    pair.iter().collect::<String>()
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::decode_hex;

    #[test]
    fn whitespace_and_a_leading_0x_are_ignored() {
        assert_eq!(
            decode_hex("0x04 30\n04\t30").unwrap(),
            [0x04, 0x30, 0x04, 0x30]
        );
        assert_eq!(decode_hex(" aBcD ").unwrap(), [0xAB, 0xCD]);
        assert_eq!(decode_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn odd_digits_signs_and_other_characters_are_refused() {
        assert_eq!(
            decode_hex("043").unwrap_err(),
            "odd number of hex digits (3)"
        );
        assert_eq!(
            decode_hex("00zz").unwrap_err(),
            "\"zz\" at byte 1 is not a hex byte"
        );
        assert!(decode_hex("+f").is_err());
        assert!(decode_hex("0é").is_err());
    }
}
