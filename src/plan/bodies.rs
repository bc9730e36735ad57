//! The saved plan's table of trigger bodies (`trigger_bodies`): each trigger that a create or
//! update writes is held once, under the sha256 of its canonical JSON, and its operation names
//! it by that hash (`trigger_body`). A thousand accounts that create the same shared trigger
//! carry its body once.
//!
//! Reading checks the table as strictly as the rest of the file: an entry whose body does not
//! hash to its name, a reference to an entry that is not there, an entry nothing refers to, or
//! an operation that writes its trigger in place is refused, naming the entry or the change.

use std::collections::{BTreeMap, HashMap};

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::canonical::canonical_json;
use super::document::{AccountDoc, ChangeDoc};
use super::error::SavedPlanError;
use super::fingerprint::sha256_hex;
use super::model::{AccountPlan, Change, Plan};
use super::operation::{Operation, TriggerWrite};

/// The key of a table entry: lowercase hex sha256 of the body's canonical JSON.
type Hash = String;

/// The bodies of a plan being written, by hash, and the hash of each body the plan holds.
pub(crate) struct Bodies<'a> {
    table: BTreeMap<Hash, &'a TriggerWrite>,
    /// By the body's place in the plan, which is borrowed for as long as this: each body is
    /// hashed once, though it is both listed and referred to.
    hashes: HashMap<*const TriggerWrite, Hash>,
}

impl<'a> Bodies<'a> {
    /// Every trigger body `plan` writes, hashed.
    pub fn of(plan: &'a Plan) -> Self {
        let mut bodies = Self {
            table: BTreeMap::new(),
            hashes: HashMap::new(),
        };
        // A thousand accounts' copies of a shared trigger serialise to the same bytes, which
        // say the same JSON: its canonical form is sorted and hashed once, not a thousand
        // times (that was most of the time a saved plan took to write).
        let mut by_bytes: HashMap<Vec<u8>, Hash> = HashMap::new();
        let changes = plan.accounts.iter().flat_map(|a| &a.changes);
        for trigger in changes.filter_map(|c| body_of(c.operation.as_ref()?)) {
            let hashed = || hash_of(&super::model::json(trigger));
            let hash = match serde_json::to_vec(trigger) {
                Ok(bytes) => by_bytes.entry(bytes).or_insert_with(hashed).clone(),
                // Serialising the wire types cannot fail (string keys, no non-finite floats).
                Err(_) => hashed(),
            };
            bodies
                .hashes
                .insert(std::ptr::from_ref(trigger), hash.clone());
            bodies.table.entry(hash).or_insert(trigger);
        }
        bodies
    }

    /// The table, as written (by hash, in hash order).
    pub fn table(&self) -> &BTreeMap<Hash, &'a TriggerWrite> {
        &self.table
    }

    fn hash(&self, trigger: &TriggerWrite) -> &str {
        // Every body of the plan was hashed in `of`; a body that was not cannot be reached.
        self.hashes
            .get(&std::ptr::from_ref(trigger))
            .map_or("", String::as_str)
    }
}

/// The trigger an operation writes, if it writes one.
fn body_of(operation: &Operation) -> Option<&TriggerWrite> {
    match operation {
        Operation::CreateTrigger { trigger } | Operation::UpdateTrigger { trigger, .. } => {
            Some(trigger)
        }
        _ => None,
    }
}

fn hash_of(body: &Value) -> Hash {
    sha256_hex(canonical_json(body).as_bytes())
}

/// The accounts of a saved plan: each change's trigger body by reference.
pub(crate) struct SavedAccounts<'a> {
    plan: &'a Plan,
    bodies: &'a Bodies<'a>,
}

impl<'a> SavedAccounts<'a> {
    /// `plan`'s accounts, their bodies named from `bodies`.
    pub fn new(plan: &'a Plan, bodies: &'a Bodies<'a>) -> Self {
        Self { plan, bodies }
    }
}

impl Serialize for SavedAccounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bodies = self.bodies;
        serializer.collect_seq(
            self.plan.accounts.iter().map(|account: &AccountPlan| {
                AccountDoc::of(account, SavedChanges { account, bodies })
            }),
        )
    }
}

struct SavedChanges<'a> {
    account: &'a AccountPlan,
    bodies: &'a Bodies<'a>,
}

impl Serialize for SavedChanges<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bodies = self.bodies;
        serializer.collect_seq(
            self.account
                .changes
                .iter()
                .map(|change| saved(change, bodies)),
        )
    }
}

/// A change as saved: a trigger create's `after` left out (it is the body its operation
/// names), and trigger bodies by reference.
fn saved<'a>(change: &'a Change, bodies: &'a Bodies<'a>) -> ChangeDoc<'a, SavedOperation<'a>> {
    let creates_trigger = matches!(
        change.operation.as_deref(),
        Some(Operation::CreateTrigger { .. })
    );
    let after = (!creates_trigger || change.after.is_some())
        .then(|| change.after.as_deref().map(std::borrow::Cow::Borrowed));
    let operation = change
        .operation
        .as_ref()
        .map(|operation| SavedOperation { operation, bodies });
    ChangeDoc::of(change, after, operation)
}

/// An operation as saved: a trigger it writes is named by its hash.
struct SavedOperation<'a> {
    operation: &'a Operation,
    bodies: &'a Bodies<'a>,
}

/// `{"request": …, "id": …, "trigger_body": HASH}`: the keys of a trigger write, its
/// `trigger` by reference.
#[derive(Serialize)]
struct BodyReference<'a> {
    request: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    trigger_body: &'a str,
}

impl Serialize for SavedOperation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (request, id) = match self.operation {
            Operation::CreateTrigger { .. } => (CREATE_TRIGGER, None),
            Operation::UpdateTrigger { id, .. } => (UPDATE_TRIGGER, Some(*id)),
            other => return other.serialize(serializer),
        };
        let trigger_body = body_of(self.operation).map_or("", |t| self.bodies.hash(t));
        BodyReference {
            request,
            id,
            trigger_body,
        }
        .serialize(serializer)
    }
}

const CREATE_TRIGGER: &str = "create_trigger";
const UPDATE_TRIGGER: &str = "update_trigger";

/// The table of a saved plan being read, each entry checked against its hash.
pub(crate) struct Table {
    entries: BTreeMap<Hash, Entry>,
}

struct Entry {
    body: Value,
    /// Whether the body hashes to its name (refused when a change names it, so the message
    /// can name the change).
    intact: bool,
    used: bool,
}

impl Table {
    /// Takes `trigger_bodies` out of the saved document `doc` (none is an empty table).
    ///
    /// # Errors
    /// [`SavedPlanError::Invalid`] when it is not an object.
    pub fn take(doc: &mut Value) -> Result<Self, SavedPlanError> {
        let table = doc
            .as_object_mut()
            .and_then(|d| d.remove("trigger_bodies"))
            .unwrap_or_else(|| Value::Object(Map::new()));
        let table: BTreeMap<Hash, Value> =
            serde_json::from_value(table).map_err(SavedPlanError::Invalid)?;
        let mut entries = BTreeMap::new();
        for (hash, body) in table {
            let intact = hash_of(&body) == hash;
            entries.insert(
                hash,
                Entry {
                    body,
                    intact,
                    used: false,
                },
            );
        }
        Ok(Self { entries })
    }

    /// Puts the body that `change`'s operation names back in as its `trigger`.
    ///
    /// # Errors
    /// [`SavedPlanError::DanglingBody`] for a name the table does not hold,
    /// [`SavedPlanError::BodyMismatch`] for an entry whose body does not hash to its name,
    /// [`SavedPlanError::Inconsistent`] for a trigger write without a reference (or with a
    /// trigger in place as well), or a reference on an operation that writes no trigger.
    pub fn resolve(&mut self, change: &mut Value) -> Result<(), SavedPlanError> {
        let address = change
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or("a change")
            .to_owned();
        let Some(operation) = change.get_mut("operation").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        let request = operation
            .get("request")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)")
            .to_owned();
        let writes_trigger = matches!(request.as_str(), CREATE_TRIGGER | UPDATE_TRIGGER);
        let inconsistent = |what: String| SavedPlanError::Inconsistent {
            address: address.clone(),
            what,
        };
        let reference = match (operation.remove("trigger_body"), writes_trigger) {
            (None, false) => return Ok(()),
            (Some(_), false) => {
                return Err(inconsistent(format!(
                    "a `{request}` operation names a `trigger_body`, but writes no trigger"
                )));
            }
            (None, true) => {
                return Err(inconsistent(
                    "`operation` has no `trigger_body`: a saved plan names each trigger it \
                     writes from `trigger_bodies`"
                        .to_owned(),
                ));
            }
            (Some(reference), true) => reference,
        };
        if operation.contains_key("trigger") {
            return Err(inconsistent(
                "`operation` has both a `trigger` and a `trigger_body`".to_owned(),
            ));
        }
        let hash = reference.as_str().unwrap_or_default();
        let Some(entry) = self.entries.get_mut(hash) else {
            return Err(SavedPlanError::DanglingBody {
                address,
                hash: reference
                    .as_str()
                    .map_or_else(|| reference.to_string(), str::to_owned),
            });
        };
        if !entry.intact {
            return Err(SavedPlanError::BodyMismatch {
                address,
                hash: hash.to_owned(),
            });
        }
        entry.used = true;
        operation.insert("trigger".to_owned(), entry.body.clone());
        Ok(())
    }

    /// Checks that every entry was named by some change.
    ///
    /// # Errors
    /// [`SavedPlanError::UnusedBody`] for the first that was not.
    pub fn check_all_used(&self) -> Result<(), SavedPlanError> {
        match self.entries.iter().find(|(_, entry)| !entry.used) {
            Some((hash, _)) => Err(SavedPlanError::UnusedBody { hash: hash.clone() }),
            None => Ok(()),
        }
    }
}
