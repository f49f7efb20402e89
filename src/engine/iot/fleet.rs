//! Simulated devices (service `playground`): a fleet of `sensor-N` clients publishing telemetry
//! over MQTT at a steady rate, each on its own topic from a template (`sensors/{device}/telemetry`).
//! Messages are `{"deviceId","temperature","humidity","battery","ts"}`; each device has its own
//! baseline temperature (20–44 °C) with noise, and about one reading in twelve spikes by 15–30 °C,
//! so a rule like `WHERE temperature > 50` selects some but not most.

use serde_json::{json, Value};

use crate::engine::sources::event::SourceEvent;
use crate::engine::world::{Event, World};

/// Tick of a fleet, ms.
pub const TICK_MS: u64 = 200;
/// Most devices per fleet.
pub const MAX_DEVICES: u32 = 1_000;
/// Highest rate of a fleet, messages per second.
pub const MAX_RATE_PER_S: f64 = 10_000.0;

/// A device fleet.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceFleet {
    /// Devices (`sensor-0` …).
    pub devices: u32,
    /// Messages per second over the fleet.
    pub rate_per_s: f64,
    /// Topic template; `{device}` becomes the device id.
    pub topic_template: String,
    /// Whether it runs.
    pub running: bool,
    /// Bumped by every start.
    pub generation: u64,
    /// Ticks done in this run.
    pub ticks: u64,
    /// Messages published ever.
    pub published: u64,
}

impl DeviceFleet {
    /// As `DescribeSources` lists it.
    pub fn to_json(&self, name: &str) -> Value {
        json!({
            "Name": name,
            "DeviceCount": self.devices,
            "RatePerSecond": self.rate_per_s,
            "TopicTemplate": self.topic_template,
            "Running": self.running,
            "MessagesPublished": self.published,
        })
    }
}

/// Checks a topic template: `{device}` substituted, the result must be a valid topic.
pub fn validate_template(t: &str) -> Result<(), String> {
    crate::engine::iot::topic::validate_topic(&t.replace("{device}", "sensor-999"))
}

/// Starts (or restarts) fleet `name`.
pub fn start(world: &mut World, name: &str, mut fleet: DeviceFleet) {
    let previous = world.iot.fleets.get(name);
    fleet.generation = previous.map_or(1, |p| p.generation + 1);
    fleet.published = previous.map_or(0, |p| p.published);
    fleet.running = true;
    fleet.ticks = 0;
    let generation = fleet.generation;
    world.iot.fleets.insert(name.to_string(), fleet);
    let due = world.now() + TICK_MS;
    world.schedule(
        due,
        Event::Source(SourceEvent::Fleet {
            fleet: name.to_string(),
            generation,
        }),
    );
}

fn reading(world: &mut World, device: u32, unix_ms: u64) -> Vec<u8> {
    let d = i64::from(device);
    let rng = world.rng();
    let mut tenths = 200 + (d * 73) % 250 + rng.below(101) as i64 - 50;
    if rng.below(12) == 0 {
        tenths += 150 + rng.below(151) as i64;
    }
    let humidity = 300 + (d * 53) % 400 + rng.below(101) as i64 - 50;
    let battery = (100 - (d * 13) % 70 - rng.below(3) as i64).max(0);
    format!(
        "{{\"deviceId\":\"sensor-{device}\",\"temperature\":{}.{},\"humidity\":{}.{},\"battery\":{battery},\"ts\":{unix_ms}}}",
        tenths.div_euclid(10),
        tenths.rem_euclid(10),
        humidity / 10,
        humidity % 10
    )
    .into_bytes()
}

/// A fleet tick: this tick's share of messages, from random devices.
pub fn on_tick(world: &mut World, name: &str, generation: u64) {
    let Some(f) = world.iot.fleets.get(name).cloned() else {
        return;
    };
    if !f.running || f.generation != generation {
        return;
    }
    let per_tick = f.rate_per_s * TICK_MS as f64 / 1000.0;
    let count = ((f.ticks + 1) as f64 * per_tick).floor() as u64
        - (f.ticks as f64 * per_tick).floor() as u64;
    let unix_ms = world.epoch().to_unix_ms(world.now());
    for _ in 0..count {
        let device = world.rng().below(u64::from(f.devices)) as u32;
        let payload = reading(world, device, unix_ms);
        let topic = f
            .topic_template
            .replace("{device}", &format!("sensor-{device}"));
        crate::engine::iot::publish(world, &topic, &payload, &format!("sensor-{device}"));
    }
    if let Some(f) = world.iot.fleets.get_mut(name) {
        f.ticks += 1;
        f.published += count;
    }
    let due = world.now() + TICK_MS;
    world.schedule(
        due,
        Event::Source(SourceEvent::Fleet {
            fleet: name.to_string(),
            generation,
        }),
    );
}
