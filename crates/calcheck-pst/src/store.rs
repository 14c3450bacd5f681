//! The message store ([MS-PST] 2.4.3): the property context of NID 0x21.
//!
//! Its PR_RECORD_KEY is the provider UID that every entry id of the store starts with
//! ([MS-PST] 2.4.3.2), so entry ids of messages can be built from it and a NID.

use crate::error::Result;
use crate::message::{Prop, find_prop};
use crate::{NID_MESSAGE_STORE, Pst};

/// What the message store says about the file.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreInfo {
    /// PR_RECORD_KEY: the 16-byte provider UID of entry ids.
    pub record_key: Option<[u8; 16]>,
    /// PR_DISPLAY_NAME.
    pub display_name: Option<String>,
    /// The NID PR_IPM_SUBTREE_ENTRYID points at (OST stores may not have it).
    pub ipm_subtree: Option<u32>,
    /// PR_MAILBOX_OWNER_NAME, when the store records it (OST).
    pub mailbox_owner: Option<String>,
    /// PR_PST_PASSWORD: the CRC-32 of the password. A password is not encryption and stops no reader.
    pub password_checksum: Option<u32>,
    /// Every property of the store PC.
    pub props: Vec<Prop>,
    /// Problems met while reading the store.
    pub warnings: Vec<crate::Warning>,
}

impl StoreInfo {
    /// The 24-byte entry id of a node: 4 flag bytes, the provider UID, the NID ([MS-PST] 2.4.3.2).
    pub fn entry_id(&self, nid: u32) -> Option<[u8; 24]> {
        let key = self.record_key?;
        let mut id = [0u8; 24];
        if let Some(dst) = id.get_mut(4..20) {
            dst.copy_from_slice(&key);
        }
        if let Some(dst) = id.get_mut(20..24) {
            dst.copy_from_slice(&nid.to_le_bytes());
        }
        Some(id)
    }
}

impl Pst {
    /// Reads the message store PC.
    pub fn store(&self) -> Result<StoreInfo> {
        let mut w = Vec::new();
        let node = self.open_top_node(NID_MESSAGE_STORE, &mut w)?;
        let (props, _) = self.read_props(&node, &|_, _| false, None, &mut w)?;
        let bin = |id| find_prop(&props, id).and_then(|p| p.value.as_binary());
        let text = |id| {
            find_prop(&props, id)
                .and_then(|p| p.value.as_str())
                .map(str::to_owned)
        };
        let record_key = bin(0x0FF9).and_then(|b| <[u8; 16]>::try_from(b).ok());
        // An entry id is 4 flag bytes, 16 bytes of provider UID and the NID.
        let ipm_subtree = bin(0x35E0)
            .and_then(|b| b.get(20..24))
            .and_then(crate::u32_at);
        let password_checksum = find_prop(&props, 0x67FF)
            .and_then(|p| p.value.as_i32())
            .map(|v| v as u32)
            .filter(|&v| v != 0);
        Ok(StoreInfo {
            record_key,
            display_name: text(0x3001),
            ipm_subtree,
            mailbox_owner: text(0x661C),
            password_checksum,
            props,
            warnings: w,
        })
    }
}
