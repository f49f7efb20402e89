//! Partition assignors of the classic consumer protocol (semantics.md §6.4): pure functions from
//! the members' subscriptions, the topics' partition counts and (for the sticky assignor) the
//! current owners to an assignment in which every subscribed partition has exactly one owner.

use std::collections::{BTreeMap, BTreeSet};

/// A topic partition: (topic, partition number).
pub type TopicPartition = (String, u32);

/// Member id → the partitions it owns (every member present, possibly with none).
pub type Assignment = BTreeMap<String, BTreeSet<TopicPartition>>;

/// `partition.assignment.strategy` (§6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssignorKind {
    /// `RangeAssignor`: per topic, consecutive ranges (eager).
    Range,
    /// `RoundRobinAssignor`: all partitions dealt one by one (eager).
    RoundRobin,
    /// `CooperativeStickyAssignor`: balanced, moves as little as possible, incremental.
    CooperativeSticky,
}

impl AssignorKind {
    /// Parses the protocol name used in requests (`range`, `roundrobin`, `cooperative-sticky`).
    pub fn parse(name: &str) -> Option<AssignorKind> {
        match name {
            "range" => Some(AssignorKind::Range),
            "roundrobin" => Some(AssignorKind::RoundRobin),
            "cooperative-sticky" => Some(AssignorKind::CooperativeSticky),
            _ => None,
        }
    }

    /// The protocol name as Kafka reports it in DescribeGroups.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Whether the assignor uses incremental (cooperative) rebalancing instead of eager.
    pub fn is_cooperative(self) -> bool {
        self == AssignorKind::CooperativeSticky
    }

    /// Runs this assignor.
    pub fn assign(
        self,
        members: &BTreeMap<String, Vec<String>>,
        partitions: &BTreeMap<String, u32>,
        current: &BTreeMap<TopicPartition, String>,
    ) -> Assignment {
        match self {
            AssignorKind::Range => range(members, partitions),
            AssignorKind::RoundRobin => round_robin(members, partitions),
            AssignorKind::CooperativeSticky => sticky(members, partitions, current),
        }
    }
}

fn empty_assignment(members: &BTreeMap<String, Vec<String>>) -> Assignment {
    members
        .keys()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect()
}

fn subscribes(members: &BTreeMap<String, Vec<String>>, member: &str, topic: &str) -> bool {
    members
        .get(member)
        .is_some_and(|t| t.iter().any(|x| x == topic))
}

/// Every (topic, partition) some member subscribes to, sorted by topic then partition.
fn subscribed_partitions(
    members: &BTreeMap<String, Vec<String>>,
    partitions: &BTreeMap<String, u32>,
) -> Vec<TopicPartition> {
    let topics: BTreeSet<&String> = members.values().flatten().collect();
    topics
        .into_iter()
        .flat_map(|t| {
            let n = partitions.get(t).copied().unwrap_or(0);
            (0..n).map(move |p| (t.clone(), p))
        })
        .collect()
}

/// `RangeAssignor` (§6.4): per topic, members subscribed to it sorted by id; each gets
/// `floor(P/C)` consecutive partitions and the first `P % C` members one extra.
pub fn range(
    members: &BTreeMap<String, Vec<String>>,
    partitions: &BTreeMap<String, u32>,
) -> Assignment {
    let mut out = empty_assignment(members);
    let topics: BTreeSet<&String> = members.values().flatten().collect();
    for topic in topics {
        let p = partitions.get(topic).copied().unwrap_or(0) as usize;
        let consumers: Vec<&String> = members
            .keys()
            .filter(|m| subscribes(members, m, topic))
            .collect();
        let c = consumers.len();
        if c == 0 {
            continue;
        }
        let (per, extra) = (p / c, p % c);
        let mut next = 0usize;
        for (i, m) in consumers.into_iter().enumerate() {
            let n = per + usize::from(i < extra);
            let set = out.entry(m.clone()).or_default();
            for q in next..next + n {
                set.insert((topic.clone(), q as u32));
            }
            next += n;
        }
    }
    out
}

/// `RoundRobinAssignor` (§6.4): all subscribed partitions sorted by (topic, partition), dealt
/// one by one to the members in id order, skipping members not subscribed to the topic.
pub fn round_robin(
    members: &BTreeMap<String, Vec<String>>,
    partitions: &BTreeMap<String, u32>,
) -> Assignment {
    let mut out = empty_assignment(members);
    let ids: Vec<&String> = members.keys().collect();
    if ids.is_empty() {
        return out;
    }
    let mut cursor = 0usize;
    for tp in subscribed_partitions(members, partitions) {
        for step in 0..ids.len() {
            let m = ids[(cursor + step) % ids.len()];
            if subscribes(members, m, &tp.0) {
                out.entry(m.clone()).or_default().insert(tp.clone());
                cursor = (cursor + step + 1) % ids.len();
                break;
            }
        }
    }
    out
}

/// `CooperativeStickyAssignor`'s target (§6.4): as balanced as round-robin (every member
/// `floor(P/C)` or one more) while keeping as many current owners as possible. Members that
/// own more keep the larger quotas; partitions over quota or newly unowned go, in order, to the
/// subscribed member with the fewest partitions.
pub fn sticky(
    members: &BTreeMap<String, Vec<String>>,
    partitions: &BTreeMap<String, u32>,
    current: &BTreeMap<TopicPartition, String>,
) -> Assignment {
    let mut out = empty_assignment(members);
    if members.is_empty() {
        return out;
    }
    let all = subscribed_partitions(members, partitions);
    let total = all.len();
    let c = members.len();
    // Partitions each member may keep: currently owned, still existing and subscribed.
    let mut kept: BTreeMap<&String, Vec<TopicPartition>> = BTreeMap::new();
    for tp in &all {
        if let Some(owner) = current.get(tp) {
            if let Some((id, _)) = members.get_key_value(owner) {
                if subscribes(members, id, &tp.0) {
                    kept.entry(id).or_default().push(tp.clone());
                }
            }
        }
    }
    // Quotas: the members that own most (ties: by id) get the `total % c` larger quotas.
    let mut order: Vec<&String> = members.keys().collect();
    order.sort_by_key(|m| std::cmp::Reverse(kept.get(m).map_or(0, Vec::len)));
    let quota: BTreeMap<&String, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (*m, total / c + usize::from(i < total % c)))
        .collect();
    let mut taken: BTreeSet<TopicPartition> = BTreeSet::new();
    for (m, owned) in &kept {
        let q = quota.get(m).copied().unwrap_or(0);
        for tp in owned.iter().take(q) {
            out.entry((*m).clone()).or_default().insert(tp.clone());
            taken.insert(tp.clone());
        }
    }
    for tp in all.iter().filter(|tp| !taken.contains(*tp)) {
        let pick = |under_quota: bool| {
            members
                .keys()
                .filter(|m| subscribes(members, m, &tp.0))
                .filter(|m| !under_quota || out[*m].len() < quota.get(m).copied().unwrap_or(0))
                .min_by_key(|m| out[*m].len())
                .cloned()
        };
        if let Some(m) = pick(true).or_else(|| pick(false)) {
            out.entry(m).or_default().insert(tp.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(ids: &[&str], topics: &[&str]) -> BTreeMap<String, Vec<String>> {
        ids.iter()
            .map(|m| {
                (
                    m.to_string(),
                    topics.iter().map(|t| t.to_string()).collect(),
                )
            })
            .collect()
    }

    fn parts(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
        list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    fn nums(a: &Assignment, m: &str, topic: &str) -> Vec<u32> {
        a[m].iter()
            .filter(|(t, _)| t == topic)
            .map(|(_, p)| *p)
            .collect()
    }

    fn owners(a: &Assignment) -> BTreeMap<TopicPartition, String> {
        let mut out = BTreeMap::new();
        for (m, set) in a {
            for tp in set {
                assert!(out.insert(tp.clone(), m.clone()).is_none(), "{tp:?} twice");
            }
        }
        out
    }

    #[test]
    fn range_seven_partitions_three_members() {
        let a = range(&members(&["c", "a", "b"], &["t"]), &parts(&[("t", 7)]));
        assert_eq!(nums(&a, "a", "t"), vec![0, 1, 2]);
        assert_eq!(nums(&a, "b", "t"), vec![3, 4]);
        assert_eq!(nums(&a, "c", "t"), vec![5, 6]);
    }

    #[test]
    fn range_uneven_and_idle_members() {
        let a = range(&members(&["a", "b", "c", "d"], &["t"]), &parts(&[("t", 2)]));
        assert_eq!(nums(&a, "a", "t"), vec![0]);
        assert_eq!(nums(&a, "b", "t"), vec![1]);
        assert!(a["c"].is_empty() && a["d"].is_empty());
        let a = range(&members(&["a", "b"], &["t"]), &parts(&[("t", 5)]));
        assert_eq!(nums(&a, "a", "t"), vec![0, 1, 2]);
        assert_eq!(nums(&a, "b", "t"), vec![3, 4]);
    }

    #[test]
    fn range_is_per_topic_so_co_partitioned_topics_line_up() {
        let a = range(
            &members(&["a", "b"], &["x", "y"]),
            &parts(&[("x", 3), ("y", 3)]),
        );
        assert_eq!(nums(&a, "a", "x"), vec![0, 1]);
        assert_eq!(nums(&a, "a", "y"), vec![0, 1]);
        assert_eq!(nums(&a, "b", "x"), vec![2]);
        assert_eq!(nums(&a, "b", "y"), vec![2]);
        // Range's known imbalance: a gets 4 of 6.
        assert_eq!(a["a"].len(), 4);
    }

    #[test]
    fn range_only_to_subscribers() {
        let mut m = members(&["a"], &["x"]);
        m.insert("b".into(), vec!["x".into(), "y".into()]);
        let a = range(&m, &parts(&[("x", 2), ("y", 2)]));
        assert_eq!(nums(&a, "a", "x"), vec![0]);
        assert_eq!(nums(&a, "b", "x"), vec![1]);
        assert_eq!(nums(&a, "b", "y"), vec![0, 1]);
    }

    #[test]
    fn round_robin_deals_over_all_topics() {
        let a = round_robin(
            &members(&["a", "b"], &["x", "y"]),
            &parts(&[("x", 3), ("y", 3)]),
        );
        assert_eq!(nums(&a, "a", "x"), vec![0, 2]);
        assert_eq!(nums(&a, "a", "y"), vec![1]);
        assert_eq!(nums(&a, "b", "x"), vec![1]);
        assert_eq!(nums(&a, "b", "y"), vec![0, 2]);
        assert_eq!(owners(&a).len(), 6);
    }

    #[test]
    fn sticky_from_scratch_is_balanced() {
        let a = sticky(
            &members(&["a", "b", "c"], &["t"]),
            &parts(&[("t", 7)]),
            &BTreeMap::new(),
        );
        let mut sizes: Vec<usize> = a.values().map(BTreeSet::len).collect();
        sizes.sort();
        assert_eq!(sizes, vec![2, 2, 3]);
        assert_eq!(owners(&a).len(), 7);
    }

    #[test]
    fn sticky_adding_a_member_moves_exactly_two_of_six() {
        let p = parts(&[("t", 6)]);
        let two = sticky(&members(&["a", "b"], &["t"]), &p, &BTreeMap::new());
        let before = owners(&two);
        let three = sticky(&members(&["a", "b", "c"], &["t"]), &p, &before);
        let after = owners(&three);
        let moved = after.iter().filter(|(tp, m)| before[*tp] != **m).count();
        assert_eq!(moved, 2);
        assert_eq!(three["c"].len(), 2);
        assert_eq!(three["a"].len(), 2);
        assert_eq!(three["b"].len(), 2);
    }

    #[test]
    fn sticky_removing_a_member_moves_only_its_partitions() {
        let p = parts(&[("t", 6)]);
        let three = sticky(&members(&["a", "b", "c"], &["t"]), &p, &BTreeMap::new());
        let before = owners(&three);
        let two = sticky(&members(&["a", "c"], &["t"]), &p, &before);
        let after = owners(&two);
        for (tp, m) in &after {
            if before[tp] != "b" {
                assert_eq!(&before[tp], m, "{tp:?} moved although its owner stayed");
            }
        }
        assert_eq!(two["a"].len(), 3);
        assert_eq!(two["c"].len(), 3);
    }

    #[test]
    fn empty_inputs_give_empty_assignments() {
        let none = BTreeMap::new();
        for k in [
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::CooperativeSticky,
        ] {
            assert!(k
                .assign(&none, &parts(&[("t", 3)]), &BTreeMap::new())
                .is_empty());
            let a = k.assign(&members(&["a"], &["gone"]), &parts(&[]), &BTreeMap::new());
            assert!(a["a"].is_empty());
        }
    }
}
