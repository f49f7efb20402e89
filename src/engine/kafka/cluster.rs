//! The brokers of the cluster, spread over three Availability Zones (semantics.md §6.1).

use crate::engine::faults::AVAILABILITY_ZONES;

/// A broker id (`broker.id`, from 1 as MSK numbers them).
pub type BrokerId = u32;

/// One broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    /// Its id.
    pub id: BrokerId,
    /// Its Availability Zone.
    pub az: &'static str,
    /// Whether it is running.
    pub online: bool,
}

/// The cluster: brokers in id order, round-robin over the three AZs.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Cluster name.
    pub name: String,
    /// Brokers by ascending id.
    pub brokers: Vec<Broker>,
}

impl Cluster {
    /// A cluster of `count` brokers; broker `i` (from 1) lives in AZ `(i - 1) % 3`.
    pub fn with_brokers(count: u32) -> Cluster {
        Cluster {
            name: "msk-playground".to_string(),
            brokers: (1..=count)
                .map(|id| Broker {
                    id,
                    az: AVAILABILITY_ZONES[((id - 1) % 3) as usize],
                    online: true,
                })
                .collect(),
        }
    }

    /// The broker with `id`.
    pub fn broker(&self, id: BrokerId) -> Option<&Broker> {
        self.brokers.iter().find(|b| b.id == id)
    }

    /// Whether broker `id` exists and is running.
    pub fn is_online(&self, id: BrokerId) -> bool {
        self.broker(id).is_some_and(|b| b.online)
    }

    /// Ids of running brokers, ascending.
    pub fn online_ids(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|b| b.online)
            .map(|b| b.id)
            .collect()
    }
}

impl Default for Cluster {
    /// Three brokers, one per AZ (an MSK 3-AZ cluster's smallest size).
    fn default() -> Cluster {
        Cluster::with_brokers(3)
    }
}
