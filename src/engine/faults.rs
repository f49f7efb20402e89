//! Faults the user can inject (service `playground`): each is a state of the world with a start and
//! an end on virtual time, so a fault is part of the action log and replays exactly.
//!
//! Availability-zone outages: KDS replicates every record synchronously to three Availability
//! Zones as part of the write (semantics.md §1.15). With one AZ down, writes are still acknowledged
//! by the other two and every acknowledged record stays readable — the playground shows the
//! replicas of the lost AZ as unavailable and nothing else changes. Losing two AZs at once is
//! outside what the service promises; the playground refuses it rather than invent behaviour.

use std::collections::BTreeMap;

use crate::engine::api::error::ApiError;
use crate::engine::time::VirtualMs;

/// The three Availability Zones every stream is replicated to (§1.15).
pub const AVAILABILITY_ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
/// Longest fault, 7 days of virtual time.
pub const MAX_FAULT_MS: u64 = 7 * 24 * 3_600_000;

/// Injected faults in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Availability Zones that are down, with the virtual time they come back.
    az_down_until: BTreeMap<String, VirtualMs>,
}

impl Faults {
    /// Takes `az` down from `now` for `duration_ms`.
    pub fn az_outage(
        &mut self,
        az: &str,
        now: VirtualMs,
        duration_ms: u64,
    ) -> Result<VirtualMs, ApiError> {
        if !AVAILABILITY_ZONES.contains(&az) {
            return Err(ApiError::validation(
                az,
                "availabilityZone",
                &format!("Member must be one of: {}", AVAILABILITY_ZONES.join(", ")),
            ));
        }
        self.expire(now);
        if !self.az_down_until.contains_key(az) && !self.az_down_until.is_empty() {
            return Err(ApiError::invalid_argument(
                "Another Availability Zone is already down: KDS survives the loss of one AZ (§1.15); the playground does not simulate losing two",
            ));
        }
        let until = now.saturating_add(duration_ms.min(MAX_FAULT_MS));
        self.az_down_until.insert(az.to_string(), until);
        Ok(until)
    }

    /// Ends faults whose time is over.
    pub fn expire(&mut self, now: VirtualMs) {
        self.az_down_until.retain(|_, until| *until > now);
    }

    /// Ends every fault now.
    pub fn clear(&mut self) {
        self.az_down_until.clear();
    }

    /// Whether `az` is down at `now`.
    pub fn az_is_down(&self, az: &str, now: VirtualMs) -> bool {
        self.az_down_until.get(az).is_some_and(|until| *until > now)
    }

    /// Outages in force at `now`: (AZ, until).
    pub fn az_outages(&self, now: VirtualMs) -> Vec<(String, VirtualMs)> {
        self.az_down_until
            .iter()
            .filter(|(_, u)| **u > now)
            .map(|(a, u)| (a.clone(), *u))
            .collect()
    }
}
