//! Pure trigger-order planning within one category: desired order and the fewest moves to reach it.
//!
//! Zendesk runs triggers by category position, then trigger position, ties broken by title
//! case-insensitively; callers pass each category's triggers already sorted that way, so duplicated
//! or gapped stored positions never show as a difference. Unmanaged triggers keep their live relative
//! order by construction: the desired order is built by inserting managed triggers around them.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Where a managed trigger goes relative to the category's unmanaged triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Before every unmanaged trigger of the category.
    First,
    /// After every unmanaged trigger of the category.
    Last,
    /// Right after the named trigger (by id): an unmanaged one, or a managed one of `wishes`.
    After(String),
    /// Right before the named trigger (by id): an unmanaged one, or a managed one of `wishes`.
    Before(String),
}

/// One managed trigger's wish: its id and placement; the slice order is the policy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wish {
    /// Trigger id (a created trigger's id once it exists).
    pub id: String,
    /// Placement relative to unmanaged triggers.
    pub placement: Placement,
}

/// Why a desired order cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// An anchor names no trigger of this category.
    #[error("anchor {0:?} is not a trigger of this category")]
    UnknownAnchor(String),
    /// Managed triggers placed after or before each other in a circle.
    #[error("trigger {0:?} is placed relative to a trigger placed relative to it")]
    AnchorCycle(String),
}

/// Desired execution order of one category: unmanaged triggers in their live order, managed ones
/// inserted by placement, several managed triggers at one spot keeping their policy order.
/// Triggers placed relative to a managed trigger go next to it once it is placed.
pub fn desired_order(live: &[String], wishes: &[Wish]) -> Result<Vec<String>, OrderError> {
    let managed: HashMap<&str, ()> = wishes.iter().map(|w| (w.id.as_str(), ())).collect();
    let (relative, wishes): (Vec<&Wish>, Vec<&Wish>) = wishes.iter().partition(|w| {
        matches!(&w.placement, Placement::After(a) | Placement::Before(a) if managed.contains_key(a.as_str()))
    });
    let unmanaged: Vec<&String> = live
        .iter()
        .filter(|id| !managed.contains_key(id.as_str()))
        .collect();
    let mut before: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut after: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let (mut first, mut last) = (Vec::new(), Vec::new());
    for wish in &wishes {
        let slot = |anchor: &String| {
            unmanaged
                .iter()
                .position(|id| *id == anchor)
                .ok_or_else(|| OrderError::UnknownAnchor(anchor.clone()))
        };
        match &wish.placement {
            Placement::First => first.push(wish.id.as_str()),
            Placement::Last => last.push(wish.id.as_str()),
            Placement::After(anchor) => after.entry(slot(anchor)?).or_default().push(&wish.id),
            Placement::Before(anchor) => before.entry(slot(anchor)?).or_default().push(&wish.id),
        }
    }
    let mut out: Vec<String> = first.iter().map(std::string::ToString::to_string).collect();
    for (i, id) in unmanaged.iter().enumerate() {
        out.extend(
            before
                .get(&i)
                .into_iter()
                .flatten()
                .map(std::string::ToString::to_string),
        );
        out.push((*id).clone());
        out.extend(
            after
                .get(&i)
                .into_iter()
                .flatten()
                .map(std::string::ToString::to_string),
        );
    }
    out.extend(last.iter().map(std::string::ToString::to_string));
    place_relative(out, relative)
}

/// Inserts the triggers placed next to managed ones, each once its anchor is placed; several
/// after one anchor keep their policy order.
fn place_relative(
    mut out: Vec<String>,
    mut pending: Vec<&Wish>,
) -> Result<Vec<String>, OrderError> {
    let mut after_count: HashMap<String, usize> = HashMap::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for wish in pending {
            let (anchor, after) = match &wish.placement {
                Placement::After(a) => (a, true),
                Placement::Before(a) => (a, false),
                Placement::First | Placement::Last => continue,
            };
            let Some(at) = out.iter().position(|id| id == anchor) else {
                waiting.push(wish);
                continue;
            };
            let at = if after {
                let count = after_count.entry(anchor.clone()).or_default();
                *count += 1;
                (at + *count).min(out.len())
            } else {
                at
            };
            out.insert(at, wish.id.clone());
        }
        if waiting.len() == before {
            return Err(OrderError::AnchorCycle(waiting[0].id.clone()));
        }
        pending = waiting;
    }
    Ok(out)
}

/// Managed ids to move: everything outside the heaviest run of triggers already in desired relative
/// order, where unmanaged triggers outweigh all managed ones together, so the run always keeps every
/// unmanaged trigger (they are never moved) and as many managed ones as possible (fewest moves).
/// Among runs as short, one keeping triggers whose place number stays the same wins, so a plan
/// says "Routing from 3rd to 1st" rather than "Escalations from 2nd to 2nd".
/// Ids absent from `live` (new triggers) are always moved. Quadratic: a category holds few triggers.
pub fn moves(live: &[String], desired: &[String], wishes: &[Wish]) -> Vec<String> {
    let managed: HashSet<&str> = wishes.iter().map(|w| w.id.as_str()).collect();
    let rank: HashMap<&str, usize> = desired
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    // A kept managed trigger weighs `base`, plus 1 if its place stays: the bonuses of all of
    // them together stay below one `base`, and all managed ones below one unmanaged.
    let n = live.len() as u64;
    let base = n + 2;
    let unmanaged = n * (base + 1) + 1;
    let present: Vec<(usize, u64)> = live
        .iter()
        .enumerate()
        .filter_map(|(at, id)| {
            let rank = *rank.get(id.as_str())?;
            let weight = if managed.contains(id.as_str()) {
                base + u64::from(rank == at)
            } else {
                unmanaged
            };
            Some((rank, weight))
        })
        .collect();
    let kept: HashSet<usize> = heaviest_increasing(&present).into_iter().collect();
    desired
        .iter()
        .enumerate()
        .filter(|(i, id)| !kept.contains(i) && managed.contains(id.as_str()))
        .map(|(_, id)| id.clone())
        .collect()
}

/// Ranks of the heaviest strictly increasing subsequence of `(rank, weight)` pairs.
fn heaviest_increasing(items: &[(usize, u64)]) -> Vec<usize> {
    let mut best: Vec<u64> = Vec::with_capacity(items.len());
    let mut prev: Vec<Option<usize>> = Vec::with_capacity(items.len());
    for (i, (rank, weight)) in items.iter().enumerate() {
        let from = (0..i)
            .filter(|j| items[*j].0 < *rank)
            .max_by_key(|j| best[*j]);
        best.push(weight + from.map_or(0, |j| best[j]));
        prev.push(from);
    }
    let mut out = Vec::new();
    let mut cur = (0..items.len()).max_by_key(|i| best[*i]);
    while let Some(i) = cur {
        out.push(items[i].0);
        cur = prev[i];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(s: &[&str]) -> Vec<String> {
        s.iter().map(std::string::ToString::to_string).collect()
    }

    fn wish(id: &str, placement: Placement) -> Wish {
        Wish {
            id: id.into(),
            placement,
        }
    }

    #[test]
    fn two_new_triggers_first_keep_policy_order() {
        let live = ids(&["a", "b", "c"]);
        let wishes = [wish("n1", Placement::First), wish("n2", Placement::First)];
        let desired = desired_order(&live, &wishes).unwrap();
        assert_eq!(desired, ids(&["n1", "n2", "a", "b", "c"]));
        assert_eq!(moves(&live, &desired, &wishes), ids(&["n1", "n2"]));
    }

    #[test]
    fn anchors_place_around_unmanaged() {
        let live = ids(&["a", "m", "b"]);
        let wishes = [
            wish("m", Placement::After("b".into())),
            wish("x", Placement::Before("a".into())),
        ];
        let desired = desired_order(&live, &wishes).unwrap();
        assert_eq!(desired, ids(&["x", "a", "b", "m"]));
        assert_eq!(moves(&live, &desired, &wishes), ids(&["x", "m"]));
    }

    #[test]
    fn never_moves_an_unmanaged_trigger_even_when_it_would_be_as_few_moves() {
        let live = ids(&["u1", "m", "u2"]);
        let wishes = [wish("m", Placement::After("u2".into()))];
        let desired = desired_order(&live, &wishes).unwrap();
        assert_eq!(moves(&live, &desired, &wishes), ids(&["m"]));
    }

    #[test]
    fn managed_anchors_chain_and_keep_policy_order() {
        let live = ids(&["a", "b"]);
        let wishes = [
            wish("y", Placement::After("x".into())),
            wish("x", Placement::First),
            wish("z", Placement::After("x".into())),
            wish("w", Placement::Before("x".into())),
        ];
        let desired = desired_order(&live, &wishes).unwrap();
        assert_eq!(desired, ids(&["w", "x", "y", "z", "a", "b"]));
    }

    #[test]
    fn circular_managed_anchors_are_an_error() {
        let wishes = [
            wish("x", Placement::After("y".into())),
            wish("y", Placement::Before("x".into())),
        ];
        assert_eq!(
            desired_order(&ids(&["a"]), &wishes),
            Err(OrderError::AnchorCycle("x".into()))
        );
    }

    #[test]
    fn unknown_anchor_is_an_error() {
        let err = desired_order(&ids(&["a"]), &[wish("m", Placement::After("zz".into()))]);
        assert_eq!(err, Err(OrderError::UnknownAnchor("zz".into())));
    }

    #[test]
    fn converged_category_has_no_move() {
        let live = ids(&["a", "m", "b"]);
        let wishes = [wish("m", Placement::After("a".into()))];
        let desired = desired_order(&live, &wishes).unwrap();
        assert!(moves(&live, &desired, &wishes).is_empty());
    }

    proptest! {
        #[test]
        fn applying_moves_converges_and_keeps_unmanaged_order(
            n in 1usize..12,
            managed_mask in proptest::collection::vec(any::<bool>(), 12),
            kinds in proptest::collection::vec(0u8..4, 12),
            anchors in proptest::collection::vec(0usize..12, 12),
        ) {
            let live: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
            let unmanaged: Vec<String> =
                live.iter().enumerate().filter(|(i, _)| !managed_mask[*i]).map(|(_, s)| s.clone()).collect();
            let wishes: Vec<Wish> = live.iter().enumerate().filter(|(i, _)| managed_mask[*i]).map(|(i, id)| {
                let anchor = unmanaged.get(anchors[i] % unmanaged.len().max(1)).cloned();
                let placement = match (kinds[i], anchor) {
                    (2, Some(a)) => Placement::After(a),
                    (3, Some(a)) => Placement::Before(a),
                    (0, _) | (2, None) => Placement::First,
                    _ => Placement::Last,
                };
                wish(id, placement)
            }).collect();
            let desired = desired_order(&live, &wishes).unwrap();
            let kept_unmanaged: Vec<&String> = desired.iter().filter(|id| unmanaged.contains(id)).collect();
            prop_assert_eq!(kept_unmanaged, unmanaged.iter().collect::<Vec<_>>());
            let moved = moves(&live, &desired, &wishes);
            for id in &moved {
                prop_assert!(!unmanaged.contains(id), "moved unmanaged {}", id);
            }
            // What stays put is already in desired relative order, so the moves suffice.
            let stays: Vec<&String> = live.iter().filter(|id| !moved.contains(id)).collect();
            let wanted: Vec<&String> = desired.iter().filter(|id| stays.contains(id)).collect();
            prop_assert_eq!(stays, wanted);
            // Applying the desired order converges: the next plan is empty.
            prop_assert!(moves(&desired, &desired_order(&desired, &wishes).unwrap(), &wishes).is_empty());
        }
    }
}
