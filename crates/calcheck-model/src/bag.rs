//! A property bag: the properties of one message, recipient row or attachment, keyed store-independently.

use rustc_hash::FxHashMap;

use calcheck_format::props::{PropType, PropValue};

use crate::key::PropKey;
use crate::names::PropDef;

/// Where a property value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Provenance {
    /// Stored as a MAPI property in the input (PST, .msg, fast-transfer stream, extended property).
    #[default]
    Stored,
    /// Derived by calcheck from another representation (for example a Graph `attendees[].status.time`
    /// field mapped to PR_RECIPIENT_TRACKSTATUS_TIME). Findings resting on it say so.
    Derived,
}

/// One property: identity, stored type, value, and where in the input it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// Store-independent identity.
    pub key: PropKey,
    /// The type code as stored (may differ from the registry's type in broken data).
    pub type_code: u16,
    /// The decoded value.
    pub value: PropValue,
    /// Stored or derived.
    pub provenance: Provenance,
    /// A source-specific locator of the raw bytes (stream name, byte offset, heap id), for forensic output.
    pub location: Option<ValueLocation>,
}

/// Where a property's raw bytes are in the input, for forensic output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueLocation {
    /// A locator in the source's own words: a `.msg` stream name, a byte offset, a JSON path.
    Text(Box<str>),
    /// A place inside the PST/OST node of the object the property belongs to (the message, its
    /// recipient table or the attachment), kept compact because a PST item has a hundred or more
    /// properties and most locators are never shown.
    Pst(calcheck_pst::ValueLoc),
}

impl core::fmt::Display for ValueLocation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ValueLocation::Text(t) => f.write_str(t),
            ValueLocation::Pst(l) => l.fmt(f),
        }
    }
}

impl From<String> for ValueLocation {
    fn from(text: String) -> Self {
        ValueLocation::Text(text.into_boxed_str())
    }
}

impl Property {
    /// A stored property without a location.
    pub fn new(key: PropKey, type_code: u16, value: PropValue) -> Self {
        Property {
            key,
            type_code,
            value,
            provenance: Provenance::Stored,
            location: None,
        }
    }

    /// The stored type, if MAPI defines the code.
    pub fn prop_type(&self) -> Option<PropType> {
        PropType::from_code(self.type_code)
    }
}

/// The properties of one object, in the order the source gave them.
///
/// Lookups go through a hash index, so building a bag and reading it are linear in the number of
/// properties even for hostile input with tens of thousands of them. The index uses the Fx hash,
/// not the standard library's SipHash: keys are property ids and GUIDs, hashed several hundred
/// times per item, and SipHash was a tenth of a whole check. Fx gives up SipHash's resistance to
/// chosen collisions, which costs little here: a store has at most 32 768 tagged and 32 768 named
/// property ids, so even keys crafted to collide only slow the one object that holds them down.
///
/// Small bags (a recipient row, an attachment) have no index at all: up to 16
/// properties are found by comparing keys one by one, which is faster than hashing them and saves
/// a table per object. The index is built when a bag grows past that.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PropertyBag {
    props: Vec<Property>,
    /// Empty while the bag has at most [`LINEAR_MAX`] properties.
    index: FxHashMap<PropKey, usize>,
}

/// Most properties a bag holds without a hash index.
const LINEAR_MAX: usize = 16;

impl PropertyBag {
    /// An empty bag.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty bag with room for `capacity` properties, for readers that know how many follow.
    pub fn with_capacity(capacity: usize) -> Self {
        let index = if capacity > LINEAR_MAX {
            FxHashMap::with_capacity_and_hasher(capacity, rustc_hash::FxBuildHasher)
        } else {
            FxHashMap::default()
        };
        PropertyBag {
            props: Vec::with_capacity(capacity),
            index,
        }
    }

    /// Adds a property. A later value for the same key replaces the earlier one, because MAPI
    /// objects hold one value per property id; the readers report the duplicate where it matters.
    pub fn insert(&mut self, prop: Property) {
        if self.index.is_empty() {
            if let Some(existing) = self.props.iter_mut().find(|p| p.key == prop.key) {
                *existing = prop;
                return;
            }
            if self.props.len() < LINEAR_MAX {
                self.props.push(prop);
                return;
            }
            // The bag outgrows comparing keys one by one: index what it holds (keys are unique).
            self.index.reserve(self.props.len() * 2);
            for (i, p) in self.props.iter().enumerate() {
                self.index.insert(p.key.clone(), i);
            }
        }
        match self.index.entry(prop.key.clone()) {
            std::collections::hash_map::Entry::Occupied(e) => {
                if let Some(existing) = self.props.get_mut(*e.get()) {
                    *existing = prop;
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(self.props.len());
                self.props.push(prop);
            }
        }
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.props.len()
    }

    /// True when there are no properties.
    pub fn is_empty(&self) -> bool {
        self.props.is_empty()
    }

    /// All properties.
    pub fn iter(&self) -> impl Iterator<Item = &Property> {
        self.props.iter()
    }

    /// The property with this key.
    pub fn get_key(&self, key: &PropKey) -> Option<&Property> {
        if self.index.is_empty() {
            return self.props.iter().find(|p| &p.key == key);
        }
        self.index.get(key).and_then(|&i| self.props.get(i))
    }

    /// The registered property `def`, whatever type it was stored with.
    pub fn get(&self, def: &PropDef) -> Option<&Property> {
        self.get_key(&def.key.to_key())
    }

    /// The value of `def`, unless it is missing or a PtypErrorCode placeholder.
    pub fn value(&self, def: &PropDef) -> Option<&PropValue> {
        self.get(def)
            .map(|p| &p.value)
            .filter(|v| !matches!(v, PropValue::ErrorCode(_)))
    }

    /// `def` as a string.
    pub fn str(&self, def: &PropDef) -> Option<&str> {
        self.value(def).and_then(PropValue::as_str)
    }

    /// `def` as an `i32`.
    pub fn i32(&self, def: &PropDef) -> Option<i32> {
        self.value(def).and_then(PropValue::as_i32)
    }

    /// `def` as a `bool`.
    pub fn bool(&self, def: &PropDef) -> Option<bool> {
        self.value(def).and_then(PropValue::as_bool)
    }

    /// `def` as a FILETIME.
    pub fn time(&self, def: &PropDef) -> Option<u64> {
        self.value(def).and_then(PropValue::as_time)
    }

    /// `def` as bytes.
    pub fn binary(&self, def: &PropDef) -> Option<&[u8]> {
        self.value(def).and_then(PropValue::as_binary)
    }
}

impl FromIterator<Property> for PropertyBag {
    fn from_iter<I: IntoIterator<Item = Property>>(iter: I) -> Self {
        let mut bag = PropertyBag::new();
        for p in iter {
            bag.insert(p);
        }
        bag
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names;

    #[test]
    fn bag_replaces_duplicates_and_finds_by_definition() {
        let key = names::SUBJECT.key.to_key();
        let mut bag = PropertyBag::new();
        bag.insert(Property::new(
            key.clone(),
            0x001F,
            PropValue::Unicode("first".into()),
        ));
        bag.insert(Property::new(
            PropKey::Tagged(0x0E07),
            0x0003,
            PropValue::I32(1),
        ));
        bag.insert(Property::new(
            key,
            0x001F,
            PropValue::Unicode("second".into()),
        ));
        assert_eq!(bag.len(), 2);
        assert_eq!(bag.str(&names::SUBJECT), Some("second"));
        assert_eq!(bag.i32(&names::MESSAGE_FLAGS), Some(1));
        let order: Vec<&PropKey> = bag.iter().map(|p| &p.key).collect();
        assert_eq!(order[1], &PropKey::Tagged(0x0E07));
    }

    #[test]
    fn bag_keeps_one_value_per_key_below_and_above_the_index_threshold() {
        // Tagged ids 0x0001.. inserted twice each, the second value winning, in a bag that grows
        // from key-by-key lookups to an index; the order of first insertion is kept.
        let mut bag = PropertyBag::new();
        for round in 0..2 {
            for id in 1..=40u16 {
                bag.insert(Property::new(
                    PropKey::Tagged(id),
                    0x0003,
                    PropValue::I32(i32::from(id) * 10 + round),
                ));
            }
        }
        assert_eq!(bag.len(), 40);
        for id in 1..=40u16 {
            let p = bag.get_key(&PropKey::Tagged(id)).unwrap();
            assert_eq!(p.value, PropValue::I32(i32::from(id) * 10 + 1));
        }
        let ids: Vec<u16> = bag
            .iter()
            .map(|p| match p.key {
                PropKey::Tagged(id) => id,
                PropKey::Named { .. } => 0,
            })
            .collect();
        assert_eq!(ids, (1..=40).collect::<Vec<_>>());
        assert!(bag.get_key(&PropKey::Tagged(41)).is_none());
        // A small bag built in one go answers the same as one grown past the threshold.
        let small: PropertyBag = (1..=5u16)
            .map(|id| Property::new(PropKey::Tagged(id), 0x0003, PropValue::I32(1)))
            .collect();
        assert!(small.get_key(&PropKey::Tagged(5)).is_some());
        assert!(small.get_key(&PropKey::Tagged(6)).is_none());
    }

    #[test]
    fn bag_error_code_value_reads_as_missing() {
        let mut bag = PropertyBag::new();
        bag.insert(Property::new(
            names::SUBJECT.key.to_key(),
            0x000A,
            PropValue::ErrorCode(0x8004_010F),
        ));
        assert!(bag.get(&names::SUBJECT).is_some());
        assert_eq!(bag.str(&names::SUBJECT), None);
    }
}
