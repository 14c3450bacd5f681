//! A property bag: the properties of one message, recipient row or attachment, keyed store-independently.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use calcheck_format::props::{PropType, PropValue};

use crate::key::{NamedId, PropKey};
use crate::names::{self, KeyDef, PropDef};

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
// Laid out as declared: the value right after the key, and the narrow fields together at the end.
// The compiler's own order put the location's padding in front of the value, and readers then
// copied the value with loads straddling that padding, which stall on the stores just made.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Property {
    /// Store-independent identity.
    pub key: PropKey,
    /// The decoded value.
    pub value: PropValue,
    /// A source-specific locator of the raw bytes (stream name, byte offset, heap id), for forensic output.
    pub location: Option<ValueLocation>,
    /// The type code as stored (may differ from the registry's type in broken data).
    pub type_code: u16,
    /// The registered slot of `key` ([`PropDef::slot`]), or [`NO_SLOT`]: set by the bag that holds
    /// the property, which keeps it in step with `key`.
    slot: u16,
    /// Stored or derived.
    pub provenance: Provenance,
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

/// Properties are equal when everything but the bag's bookkeeping is.
impl PartialEq for Property {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
            && self.type_code == other.type_code
            && self.value == other.value
            && self.provenance == other.provenance
            && self.location == other.location
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
            slot: NO_SLOT,
        }
    }

    /// The stored type, if MAPI defines the code.
    pub fn prop_type(&self) -> Option<PropType> {
        PropType::from_code(self.type_code)
    }
}

/// The properties of one object, in the order the source gave them.
///
/// Checks look registered properties ([`crate::names`]) up a few hundred times per item, so each
/// property remembers its registered slot ([`PropDef::slot`]) and a bag of more than
/// 16 properties keeps a table from slot to position: a lookup by definition is then
/// one array read, with no key built and nothing hashed. Small bags (a recipient row, an
/// attachment) compare the slots one by one, which is cheaper than any table for a handful.
/// Every bag also keeps one bit per registered slot it holds, so that adding a property whose
/// slot is not taken yet (nearly every one a reader adds) and asking for one the bag does not
/// hold (most of what checks ask of a small bag) never compare slots.
///
/// Unregistered keys (shown by `calcheck dump`, never read by a check) are found by comparing
/// keys, through a hash index once a bag holds more than 16 of them, so building a
/// bag stays linear in its size even for hostile input with tens of thousands of properties. The
/// index uses the Fx hash, not SipHash: keys are property ids and GUIDs, and a store has at most
/// 32 768 tagged and 32 768 named ids, so even keys crafted to collide only slow the one object
/// that holds them down.
#[derive(Debug, Clone, Default)]
pub struct PropertyBag {
    props: Vec<Property>,
    /// Bit `s % 64` of word `s / 64` is set when the bag holds a property in registered slot `s`.
    held: [u64; SLOT_WORDS],
    /// Slot to position + 1 (0: absent); empty while the bag has at most [`LINEAR_MAX`] properties.
    table: Box<[u16]>,
    /// Unregistered key to position; empty while the bag has at most [`LINEAR_MAX`] of them.
    others: FxHashMap<PropKey, usize>,
    /// How many unregistered keys the bag holds.
    other_count: usize,
}

/// Two bags are equal when they hold the same properties in the same order; the indexes are
/// derived from them.
impl PartialEq for PropertyBag {
    fn eq(&self, other: &Self) -> bool {
        self.props == other.props
    }
}

/// Most properties (and most unregistered ones) a bag finds without an index.
const LINEAR_MAX: usize = 16;

/// The slot of a property no definition registers.
const NO_SLOT: u16 = u16::MAX;

/// Words of [`PropertyBag::held`]: one bit per registered slot.
const SLOT_WORDS: usize = names::SLOTS.div_ceil(64);

/// How many emptied property lists a thread keeps for [`PropertyBag::with_capacity`].
const SPARE_LISTS: usize = 8;

/// The largest list (in properties) kept for reuse: a hostile object's list is simply freed.
const SPARE_LIST_MAX: usize = 1024;

thread_local! {
    /// Property lists of dropped bags, emptied, for [`PropertyBag::with_capacity`] to hand out
    /// again. A reader sizes an object's list for every value it may hold, a few kilobytes, which
    /// the allocator serves on its slow path, and a check pass builds and drops several such
    /// bags per item: reusing the lists of the item before saves nearly all of those calls.
    static SPARE: RefCell<Vec<Vec<Property>>> = const { RefCell::new(Vec::new()) };
}

/// An empty list with room for `capacity` properties: the smallest spare list that is large
/// enough, or a new one.
fn empty_list(capacity: usize) -> Vec<Property> {
    let spare = SPARE
        .try_with(|cell| {
            let mut lists = cell.try_borrow_mut().ok()?;
            let (i, _) = lists
                .iter()
                .enumerate()
                .filter(|(_, l)| l.capacity() >= capacity)
                .min_by_key(|(_, l)| l.capacity())?;
            Some(lists.swap_remove(i))
        })
        .ok()
        .flatten();
    spare.unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// Drops one property of a bag being emptied.
///
/// The drop of a value is a call through a jump table that saves and restores six registers for
/// its one recursive variant (a multi-valued property): about twenty instructions even for a
/// number, and a PST item holds dozens of numbers, flags and times. A property that owns no memory
/// at all (a value of a fixed-size type, a tagged or numbered key, no text locator) is told apart
/// here with a few tests and forgotten, which for such a property is all its drop would do; any
/// other goes through the general drop. A variant added later is not in the list, so it is dropped.
#[inline]
fn release(mut prop: Property) {
    let plain_key = matches!(
        prop.key,
        PropKey::Tagged(_)
            | PropKey::Named {
                id: NamedId::Lid(_),
                ..
            }
    ) && matches!(prop.location, None | Some(ValueLocation::Pst(_)));
    if plain_key {
        match &mut prop.value {
            PropValue::Unicode(text) => drop(core::mem::take(text)),
            PropValue::Binary(bytes) => drop(core::mem::take(bytes)),
            PropValue::Null
            | PropValue::I16(_)
            | PropValue::I32(_)
            | PropValue::F32(_)
            | PropValue::F64(_)
            | PropValue::Currency(_)
            | PropValue::FloatingTime(_)
            | PropValue::ErrorCode(_)
            | PropValue::Bool(_)
            | PropValue::I64(_)
            | PropValue::Time(_)
            | PropValue::Guid(_) => {}
            _ => {
                drop(prop);
                return;
            }
        }
        core::mem::forget(prop);
    } else {
        drop(prop);
    }
}

/// The bag's list is emptied and kept for another bag (see the thread-local `SPARE`) unless the thread keeps
/// enough lists already.
impl Drop for PropertyBag {
    fn drop(&mut self) {
        if !(1..=SPARE_LIST_MAX).contains(&self.props.capacity()) {
            return;
        }
        let mut props = core::mem::take(&mut self.props);
        while let Some(prop) = props.pop() {
            release(prop);
        }
        // A thread that is ending has no pool any more; the list is then simply freed.
        let _ = SPARE.try_with(|cell| {
            if let Ok(mut lists) = cell.try_borrow_mut()
                && lists.len() < SPARE_LISTS
            {
                lists.push(props);
            }
        });
    }
}

impl PropertyBag {
    /// An empty bag.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty bag with room for `capacity` properties, for readers that know how many follow.
    pub fn with_capacity(capacity: usize) -> Self {
        PropertyBag {
            props: empty_list(capacity),
            held: [0; SLOT_WORDS],
            table: Box::default(),
            others: FxHashMap::default(),
            other_count: 0,
        }
    }

    /// Adds a property. A later value for the same key replaces the earlier one, because MAPI
    /// objects hold one value per property id; the readers report the duplicate where it matters.
    pub fn insert(&mut self, prop: Property) {
        let slot = names::slot_of(&prop.key);
        self.insert_at(prop, slot);
    }

    /// [`PropertyBag::insert`] for a reader that already knows the key's registered slot
    /// (`names::slot_of(&prop.key)`), for example from a table it built once per store. A wrong
    /// slot makes lookups by definition miss the property, so debug builds check it.
    #[inline]
    pub fn insert_at(&mut self, prop: Property, slot: Option<usize>) {
        debug_assert_eq!(
            slot,
            names::slot_of(&prop.key),
            "wrong slot for {}",
            prop.key
        );
        match slot
            .and_then(|s| u16::try_from(s).ok())
            .filter(|&s| usize::from(s) < names::SLOTS)
        {
            Some(slot) => self.insert_registered(prop, slot),
            None => self.insert_other(prop),
        }
    }

    /// [`PropertyBag::insert_at`] for a reader that decodes many stored values: the property is
    /// built from its parts where it ends up, rather than built first and moved into the bag
    /// (a property is over a hundred bytes, and a PST item has dozens of them).
    #[inline]
    pub fn insert_stored(
        &mut self,
        key: PropKey,
        type_code: u16,
        value: PropValue,
        location: Option<ValueLocation>,
        slot: Option<usize>,
    ) {
        debug_assert_eq!(slot, names::slot_of(&key), "wrong slot for {key}");
        let registered = slot
            .and_then(|s| u16::try_from(s).ok())
            .filter(|&s| usize::from(s) < names::SLOTS);
        let Some(slot) = registered else {
            let mut prop = Property::new(key, type_code, value);
            prop.location = location;
            self.insert_other(prop);
            return;
        };
        let prop = Property {
            key,
            type_code,
            value,
            provenance: Provenance::Stored,
            location,
            slot,
        };
        if self.holds_slot(slot) {
            self.replace_slot(prop, slot);
        } else {
            // Built where the bag keeps it: the property is made only after the duplicate test,
            // so that nothing between the two needs it on the stack.
            self.push(prop, slot);
        }
    }

    /// [`PropertyBag::insert_stored`] of a registered property with a location, for a reader that
    /// has its registered slot at hand already, with the identity of the definition there (`key`,
    /// the registry's [`crate::names::key_at`]): the property is written once, into the bag's
    /// list, when its slot is not taken yet. Taking the slot and key directly, rather than the
    /// definition, spares the slot test and the key one dependent load after a value is decoded.
    // Always inlined into the readers' loops over values: as a call, the value and its location
    // went through memory to it.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn insert_stored_in_slot(
        &mut self,
        key: &KeyDef,
        slot: u16,
        type_code: u16,
        value: impl Into<PropValue>,
        location: ValueLocation,
    ) {
        // The key is made before the room left is asked: making a named key may allocate, and
        // after a call the compiler no longer knows what the list holds.
        let key = key.to_key();
        let prop = |value: PropValue| Property {
            key,
            type_code,
            value,
            provenance: Provenance::Stored,
            location: Some(location),
            slot,
        };
        if self.holds_slot(slot) {
            self.replace_slot(prop(value.into()), slot);
            return;
        }
        let position = self.props.len();
        // With room known to be left (readers size the bag for every value they may add), the
        // push cannot call out to grow the list, so the compiler stores every field straight
        // into it. Otherwise it built the property on the stack first with narrow stores (the
        // key's two-byte id, the two-byte type and slot) and copied it with wide loads, which
        // the processor cannot forward from narrow stores: two stalls per property. The value
        // is made a `PropValue` only here, in each branch, so that its variant is written
        // straight into the list too: made before the branch, it was put together on the stack
        // (a tag byte and a 31-byte copy) and copied again with loads straddling those stores.
        if position < self.props.capacity() {
            self.props.push(prop(value.into()));
        } else {
            self.push_growing(prop(value.into()));
        }
        self.mark_held(slot);
        self.index_pushed(position, slot);
    }

    #[inline]
    fn insert_registered(&mut self, mut prop: Property, slot: u16) {
        prop.slot = slot;
        if self.holds_slot(slot) {
            self.replace_slot(prop, slot);
        } else {
            self.push(prop, slot);
        }
    }

    /// Puts `prop` in place of the property the bag holds in registered slot `slot`: a later
    /// value for a key replaces the earlier one. Rare (a source that repeats a property), so
    /// kept out of the inlined insertion.
    #[cold]
    #[inline(never)]
    fn replace_slot(&mut self, mut prop: Property, slot: u16) {
        prop.slot = slot;
        if let Some(existing) = self
            .position_of_slot(slot)
            .and_then(|i| self.props.get_mut(i))
        {
            *existing = prop;
        }
    }

    /// Appends `prop` to a list that has no room left: out of line, so that the common push
    /// never calls out (see [`PropertyBag::insert_stored_in_slot`]).
    #[cold]
    #[inline(never)]
    fn push_growing(&mut self, prop: Property) {
        self.props.push(prop);
    }

    /// Records that the bag holds a property in registered slot `slot` (nothing for [`NO_SLOT`]).
    #[inline]
    fn mark_held(&mut self, slot: u16) {
        if let Some(w) = self.held.get_mut(usize::from(slot / 64)) {
            *w |= 1 << (slot % 64);
        }
    }

    /// True when the bag holds a property in registered slot `slot`.
    #[inline]
    fn holds_slot(&self, slot: u16) -> bool {
        self.held
            .get(usize::from(slot / 64))
            .is_some_and(|w| w >> (slot % 64) & 1 == 1)
    }

    // Unregistered keys are rare on the check path, so this stays out of the inlined hot path.
    #[inline(never)]
    fn insert_other(&mut self, prop: Property) {
        if let Some(i) = self.position_of_other(&prop.key) {
            if let Some(existing) = self.props.get_mut(i) {
                *existing = prop;
            }
            return;
        }
        self.other_count += 1;
        if !self.others.is_empty() {
            self.others.insert(prop.key.clone(), self.props.len());
        } else if self.other_count > LINEAR_MAX {
            // Too many unregistered keys to compare one by one: index them (they are unique).
            let mut others = FxHashMap::default();
            others.reserve(self.other_count * 2);
            for (i, p) in self.props.iter().enumerate() {
                if p.slot == NO_SLOT {
                    others.insert(p.key.clone(), i);
                }
            }
            others.insert(prop.key.clone(), self.props.len());
            self.others = others;
        }
        self.push(prop, NO_SLOT);
    }

    /// Appends a property whose key the bag does not hold yet, in registered slot `slot` (or
    /// [`NO_SLOT`]).
    #[inline]
    fn push(&mut self, mut prop: Property, slot: u16) {
        let position = self.props.len();
        prop.slot = slot;
        self.props.push(prop);
        self.mark_held(slot);
        self.index_pushed(position, slot);
    }

    /// Records in the indexes the property just pushed at `position` with registered slot `slot`
    /// (or [`NO_SLOT`]).
    #[inline]
    fn index_pushed(&mut self, position: usize, slot: u16) {
        if self.table.is_empty() {
            if self.props.len() > LINEAR_MAX {
                self.build_table();
            }
        } else if let (Some(t), Ok(p)) = (
            self.table.get_mut(usize::from(slot)),
            u16::try_from(position + 1),
        ) {
            *t = p;
        }
    }

    /// Gives a bag that outgrows comparing slots one by one its slot table.
    #[cold]
    #[inline(never)]
    fn build_table(&mut self) {
        let mut table = vec![0u16; names::SLOTS].into_boxed_slice();
        for (i, p) in self.props.iter().enumerate() {
            if let (Some(t), Ok(p)) = (table.get_mut(usize::from(p.slot)), u16::try_from(i + 1)) {
                *t = p;
            }
        }
        self.table = table;
    }

    /// The position of the property in registered slot `slot`.
    #[inline]
    fn position_of_slot(&self, slot: u16) -> Option<usize> {
        if !self.holds_slot(slot) {
            return None;
        }
        if self.table.is_empty() {
            return self.props.iter().position(|p| p.slot == slot);
        }
        match self.table.get(usize::from(slot)) {
            Some(&p) if p != 0 => Some(usize::from(p) - 1),
            // Positions past u16::MAX are not in the table (only a hostile object has that many
            // properties); find them by comparing slots.
            _ if self.props.len() >= usize::from(u16::MAX) => {
                self.props.iter().position(|p| p.slot == slot)
            }
            _ => None,
        }
    }

    /// The position of the property with the unregistered key `key`.
    fn position_of_other(&self, key: &PropKey) -> Option<usize> {
        if self.others.is_empty() {
            return self
                .props
                .iter()
                .position(|p| p.slot == NO_SLOT && &p.key == key);
        }
        self.others.get(key).copied()
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
        let position = match names::slot_of(key).and_then(|s| u16::try_from(s).ok()) {
            Some(slot) => self.position_of_slot(slot),
            None => self.position_of_other(key),
        };
        position.and_then(|i| self.props.get(i))
    }

    /// The registered property `def`, whatever type it was stored with.
    pub fn get(&self, def: &PropDef) -> Option<&Property> {
        let slot = u16::try_from(def.slot()).ok()?;
        self.position_of_slot(slot).and_then(|i| self.props.get(i))
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
    use calcheck_format::props::MvBase;

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
    fn registered_properties_are_found_by_definition_in_small_and_large_bags() {
        // Every registered property, twice (the second value wins), with unregistered ones in
        // between: the bag grows from comparing slots to a slot table. Built through `insert`,
        // `insert_stored` and (for registered keys) `insert_stored_in_slot`, which must index
        // alike.
        for (count, way) in [3, names::ALL.len()]
            .into_iter()
            .flat_map(|c| [(c, 0), (c, 1), (c, 2)])
        {
            let mut bag = PropertyBag::new();
            let mut add = |key: PropKey, value: i32| {
                let slot = names::slot_of(&key);
                match (way, slot.and_then(|s| names::ALL.get(s))) {
                    (0, _) => bag.insert(Property::new(key, 0x0003, PropValue::I32(value))),
                    (2, Some(def)) => bag.insert_stored_in_slot(
                        &def.key,
                        u16::try_from(def.slot()).unwrap(),
                        0x0003,
                        PropValue::I32(value),
                        ValueLocation::Text("here".into()),
                    ),
                    _ => bag.insert_stored(key, 0x0003, PropValue::I32(value), None, slot),
                }
            };
            for round in 0..2 {
                for (i, def) in names::ALL.iter().take(count).enumerate() {
                    let value = i32::try_from(i).unwrap() * 10 + round;
                    add(def.key.to_key(), value);
                    add(PropKey::Tagged(0x6000 + u16::try_from(i).unwrap()), -value);
                }
            }
            for (i, def) in names::ALL.iter().take(count).enumerate() {
                // Definitions of one property with two types share its value: the later one's.
                let first = names::ALL.iter().position(|d| d.key == def.key).unwrap();
                let last = names::ALL
                    .iter()
                    .take(count)
                    .rposition(|d| d.key == def.key)
                    .unwrap();
                assert_eq!(first, def.slot());
                let want = i32::try_from(last).unwrap() * 10 + 1;
                assert_eq!(bag.i32(def), Some(want), "{}", def.name);
                assert_eq!(
                    bag.get_key(&def.key.to_key()).map(|p| &p.value),
                    Some(&PropValue::I32(want))
                );
                let other = PropKey::Tagged(0x6000 + u16::try_from(i).unwrap());
                assert_eq!(
                    bag.get_key(&other).map(|p| &p.value),
                    Some(&PropValue::I32(-(i32::try_from(i).unwrap() * 10 + 1)))
                );
            }
            let distinct = names::ALL
                .iter()
                .take(count)
                .filter(|d| names::lookup(&d.key.to_key()).map(|f| f.name) == Some(d.name))
                .count();
            assert_eq!(bag.len(), distinct + count);
        }
        assert_eq!(
            names::MESSAGE_SIZE.slot(),
            names::MESSAGE_SIZE_EXTENDED.slot()
        );
        assert_ne!(names::SUBJECT.slot(), names::MESSAGE_SIZE.slot());
    }

    #[test]
    fn a_bag_made_after_another_is_dropped_holds_only_its_own_properties() {
        // The second bag may be given the first one's emptied list (see `SPARE`).
        let mut first = PropertyBag::with_capacity(8);
        first.insert(Property::new(
            names::SUBJECT.key.to_key(),
            0x001F,
            PropValue::Unicode("first".into()),
        ));
        // Every way `release` drops a property: plain values, owned text and bytes, the other
        // owning variants, a named key with a string name and a text locator.
        for (n, value) in [
            PropValue::I32(7),
            PropValue::Time(1),
            PropValue::Binary(vec![1, 2, 3]),
            PropValue::String8 {
                text: "ansi".into(),
                codepage: 1252,
            },
            PropValue::Multiple(MvBase::Unicode, vec![PropValue::Unicode("a".into())]),
        ]
        .into_iter()
        .enumerate()
        {
            first.insert(Property::new(
                PropKey::Tagged(0x6000 + u16::try_from(n).unwrap()),
                0x0003,
                value,
            ));
        }
        let mut named = Property::new(
            PropKey::name(calcheck_format::guid::Guid::default(), "Keywords"),
            0x001F,
            PropValue::Unicode("named".into()),
        );
        named.location = Some(ValueLocation::Text("stream".into()));
        first.insert(named);
        drop(first);
        let mut second = PropertyBag::with_capacity(4);
        assert!(second.is_empty());
        assert_eq!(second.str(&names::SUBJECT), None);
        second.insert(Property::new(
            PropKey::Tagged(0x0E07),
            0x0003,
            PropValue::I32(1),
        ));
        assert_eq!(second.len(), 1);
        assert_eq!(second.i32(&names::MESSAGE_FLAGS), Some(1));
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
