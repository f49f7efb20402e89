//! The registry of simulated consumer applications started from the playground: SDK polling
//! consumers (`sdk_consumer`) and enhanced fan-out consumers (`efo_consumer`), their one scheduled
//! event, and what the world digest sees of them.

use std::collections::BTreeMap;

use crate::engine::apps::efo_consumer::EfoConsumer;
use crate::engine::apps::events::AppEvent;
use crate::engine::apps::sdk_consumer::SdkConsumer;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// One consumer application.
#[derive(Clone, Debug)]
pub enum ConsumerApp {
    /// A GetShardIterator/GetRecords polling consumer.
    Sdk(SdkConsumer),
    /// An enhanced fan-out (SubscribeToShard) consumer.
    Efo(EfoConsumer),
}

impl ConsumerApp {
    /// Whether the application runs.
    pub fn running(&self) -> bool {
        match self {
            ConsumerApp::Sdk(c) => c.running,
            ConsumerApp::Efo(c) => c.running,
        }
    }

    fn generation(&self) -> u64 {
        match self {
            ConsumerApp::Sdk(c) => c.generation,
            ConsumerApp::Efo(c) => c.generation,
        }
    }
}

/// Every consumer application, by name.
#[derive(Clone, Debug, Default)]
pub struct ConsumerApps {
    apps: BTreeMap<String, ConsumerApp>,
}

impl ConsumerApps {
    /// Applications by name.
    pub fn all(&self) -> &BTreeMap<String, ConsumerApp> {
        &self.apps
    }

    /// The application `name`.
    pub fn get(&self, name: &str) -> Option<&ConsumerApp> {
        self.apps.get(name)
    }

    /// Whether there is no application.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = String::new();
        for (name, app) in &self.apps {
            match app {
                ConsumerApp::Sdk(c) => out.push_str(&format!("sdkc={name};{};", c.digest_text())),
                ConsumerApp::Efo(c) => out.push_str(&format!("efoc={name};{};", c.digest_text())),
            }
        }
        out
    }
}

/// Schedules the next tick of application `name` in `generation`.
pub(crate) fn schedule(world: &mut World, at: VirtualMs, name: &str, generation: u64) {
    world.schedule(
        at,
        Event::App(AppEvent::ConsumerApp {
            name: name.to_string(),
            generation,
        }),
    );
}

/// Adds (or replaces a stopped) application and schedules its first tick now.
pub fn start(world: &mut World, name: &str, app: ConsumerApp) {
    let generation = app.generation();
    world.consumer_apps.apps.insert(name.to_string(), app);
    let now = world.now();
    schedule(world, now, name, generation);
}

/// Stops application `name`; returns false if there is none.
pub fn stop(world: &mut World, name: &str) -> bool {
    let Some(app) = world.consumer_apps.apps.get_mut(name) else {
        return false;
    };
    match app {
        ConsumerApp::Sdk(c) => {
            c.running = false;
            c.generation += 1;
        }
        ConsumerApp::Efo(c) => {
            c.running = false;
            c.generation += 1;
        }
    }
    true
}

/// Runs a tick of application `name` if it still runs in `generation`.
pub fn on_tick(world: &mut World, name: &str, generation: u64) {
    let Some(mut app) = world.consumer_apps.apps.remove(name) else {
        return;
    };
    if app.running() && app.generation() == generation {
        let next = match &mut app {
            ConsumerApp::Sdk(c) => crate::engine::apps::sdk_consumer::tick(world, c),
            ConsumerApp::Efo(c) => crate::engine::apps::efo_consumer::tick(world, c),
        };
        if let Some(at) = next {
            schedule(world, at, name, generation);
        }
    }
    world.consumer_apps.apps.insert(name.to_string(), app);
}

/// The shards of `stream` (if it is the incarnation created at `created_ms`): index, parents, and
/// whether the shard is open.
pub(crate) fn stream_shards(
    world: &World,
    stream: &str,
    created_ms: VirtualMs,
) -> Option<Vec<(u32, Vec<u32>, bool)>> {
    let s = world.kinesis.stream(stream)?;
    if s.created_ms() != created_ms {
        return None;
    }
    Some(
        s.shards()
            .iter()
            .map(|sh| {
                (
                    sh.index(),
                    [sh.parent(), sh.adjacent_parent()]
                        .into_iter()
                        .flatten()
                        .collect(),
                    sh.state() == crate::engine::kinesis::shard::ShardState::Open,
                )
            })
            .collect(),
    )
}

/// Whether a reading of a sequence index continues the previous one without a gap, duplicate or
/// regression (sequence indices are contiguous within a shard).
pub(crate) fn in_order(last: Option<u64>, index: u64) -> bool {
    last.is_none_or(|l| index == l + 1)
}
