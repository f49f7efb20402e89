//! The settings of a Managed Service for Apache Flink application (semantics.md §5.6): parallelism
//! and KPUs, checkpointing, snapshots, and the Flink configuration keys the playground honours.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;

/// MSF default checkpoint interval, ms (§5.6, `ConfigurationType=DEFAULT`).
pub const DEFAULT_CHECKPOINT_INTERVAL_MS: u64 = 60_000;
/// MSF default minimum pause between checkpoints, ms (§5.6).
pub const DEFAULT_MIN_PAUSE_MS: u64 = 5_000;
/// Flink's `pipeline.auto-watermark-interval` default, ms (§5.2).
pub const DEFAULT_WATERMARK_INTERVAL_MS: u64 = 200;
/// Most KPUs per application (§5.6, current API text).
pub const MAX_KPUS: u32 = 64;
/// Most parallel subtasks per KPU (§5.6).
pub const MAX_PARALLELISM_PER_KPU: u32 = 8;
/// The property group whose keys are Flink configuration options.
pub const FLINK_PROPERTY_GROUP: &str = "FlinkApplicationProperties";

/// Checkpointing mode (`execution.checkpointing.mode`, §5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointingMode {
    /// Aligned barriers; the transactional sink commits at checkpoint completion.
    ExactlyOnce,
    /// No alignment; sinks see records after the barrier (duplicates after recovery).
    AtLeastOnce,
}

/// How a job runs.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSettings {
    /// Operator parallelism (subtasks of the window operator).
    pub parallelism: u32,
    /// `ParallelismPerKPU`.
    pub parallelism_per_kpu: u32,
    /// `AutoScalingEnabled` (recorded; the playground does not autoscale).
    pub auto_scaling: bool,
    /// `CheckpointingEnabled`.
    pub checkpointing: bool,
    /// `CheckpointInterval`, ms.
    pub checkpoint_interval_ms: u64,
    /// `MinPauseBetweenCheckpoints`, ms.
    pub min_pause_ms: u64,
    /// `CheckpointConfiguration.ConfigurationType` was DEFAULT.
    pub checkpoint_defaults: bool,
    /// `ApplicationSnapshotConfiguration.SnapshotsEnabled`.
    pub snapshots_enabled: bool,
    /// `execution.checkpointing.mode`.
    pub mode: CheckpointingMode,
    /// `table.exec.emit.allow-lateness`, ms (0 = late records are dropped to the side output).
    pub allowed_lateness_ms: i64,
    /// `table.exec.source.idle-timeout`, ms (None = a silent shard holds the watermark back).
    pub idle_timeout_ms: Option<i64>,
    /// `pipeline.auto-watermark-interval`, ms.
    pub watermark_interval_ms: u64,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            parallelism: 1,
            parallelism_per_kpu: 1,
            auto_scaling: true,
            checkpointing: true,
            checkpoint_interval_ms: DEFAULT_CHECKPOINT_INTERVAL_MS,
            min_pause_ms: DEFAULT_MIN_PAUSE_MS,
            checkpoint_defaults: true,
            snapshots_enabled: true,
            mode: CheckpointingMode::ExactlyOnce,
            allowed_lateness_ms: 0,
            idle_timeout_ms: None,
            watermark_interval_ms: DEFAULT_WATERMARK_INTERVAL_MS,
        }
    }
}

impl JobSettings {
    /// KPUs used: ⌈parallelism / per-KPU⌉ (+1 for orchestration is billed, not counted, §5.6).
    pub fn kpus(&self) -> u32 {
        self.parallelism.div_ceil(self.parallelism_per_kpu.max(1))
    }

    /// Reads `FlinkApplicationConfiguration`, `ApplicationSnapshotConfiguration` and
    /// `EnvironmentPropertyGroups` members of an `ApplicationConfiguration` (or its update).
    pub fn apply(&mut self, config: &Request<'_>, update: bool) -> Result<(), ApiError> {
        let (flink, cp, par, snap, env) = if update {
            (
                "FlinkApplicationConfigurationUpdate",
                "CheckpointConfigurationUpdate",
                "ParallelismConfigurationUpdate",
                "ApplicationSnapshotConfigurationUpdate",
                "EnvironmentPropertyUpdates",
            )
        } else {
            (
                "FlinkApplicationConfiguration",
                "CheckpointConfiguration",
                "ParallelismConfiguration",
                "ApplicationSnapshotConfiguration",
                "EnvironmentProperties",
            )
        };
        let sfx = if update { "Update" } else { "" };
        if let Some(f) = config.opt_struct(flink)? {
            if let Some(c) = f.opt_struct(cp)? {
                let ty = c.opt_str(&format!("ConfigurationType{sfx}"))?;
                match ty {
                    Some("DEFAULT") => {
                        self.checkpoint_defaults = true;
                        self.checkpointing = true;
                        self.checkpoint_interval_ms = DEFAULT_CHECKPOINT_INTERVAL_MS;
                        self.min_pause_ms = DEFAULT_MIN_PAUSE_MS;
                    }
                    Some("CUSTOM") => {
                        self.checkpoint_defaults = false;
                        if let Some(b) = c.opt_bool(&format!("CheckpointingEnabled{sfx}"))? {
                            self.checkpointing = b;
                        }
                        if let Some(i) =
                            c.opt_int(&format!("CheckpointInterval{sfx}"), 1, i64::MAX)?
                        {
                            self.checkpoint_interval_ms = i as u64;
                        }
                        let pause = format!("MinPauseBetweenCheckpoints{sfx}");
                        if let Some(p) = c.opt_int(&pause, 0, i64::MAX)? {
                            self.min_pause_ms = p as u64;
                        }
                    }
                    Some(other) => {
                        return Err(ApiError::invalid_argument(format!(
                            "ConfigurationType '{other}' is not valid; use DEFAULT or CUSTOM"
                        )))
                    }
                    None if !update => return Err(ApiError::invalid_argument(
                        "CheckpointConfiguration.ConfigurationType is required (DEFAULT or CUSTOM)",
                    )),
                    None => {}
                }
            }
            if let Some(p) = f.opt_struct(par)? {
                let ty = p.opt_str(&format!("ConfigurationType{sfx}"))?;
                if let Some(t) = ty.filter(|t| *t != "DEFAULT" && *t != "CUSTOM") {
                    return Err(ApiError::invalid_argument(format!(
                        "ConfigurationType '{t}' is not valid; use DEFAULT or CUSTOM"
                    )));
                }
                if ty == Some("DEFAULT") {
                    self.parallelism = 1;
                    self.parallelism_per_kpu = 1;
                    self.auto_scaling = true;
                } else {
                    let max = i64::from(MAX_KPUS * MAX_PARALLELISM_PER_KPU);
                    if let Some(n) = p.opt_int(&format!("Parallelism{sfx}"), 1, max)? {
                        self.parallelism = n as u32;
                    }
                    let per = format!("ParallelismPerKPU{sfx}");
                    if let Some(n) = p.opt_int(&per, 1, i64::from(MAX_PARALLELISM_PER_KPU))? {
                        self.parallelism_per_kpu = n as u32;
                    }
                    if let Some(b) = p.opt_bool(&format!("AutoScalingEnabled{sfx}"))? {
                        self.auto_scaling = b;
                    }
                }
                if self.kpus() > MAX_KPUS {
                    return Err(ApiError::invalid_argument(format!(
                        "Parallelism {} at {} per KPU needs {} KPUs; an application has at most {MAX_KPUS}",
                        self.parallelism,
                        self.parallelism_per_kpu,
                        self.kpus()
                    )));
                }
            }
        }
        if let Some(s) = config.opt_struct(snap)? {
            if let Some(b) = s.opt_bool(&format!("SnapshotsEnabled{sfx}"))? {
                self.snapshots_enabled = b;
            }
        }
        if let Some(e) = config.opt_struct(env)? {
            let groups = e.opt_list("PropertyGroups")?.cloned().unwrap_or_default();
            for g in &groups {
                let g = Request::new(g)?;
                if g.str("PropertyGroupId")? != FLINK_PROPERTY_GROUP {
                    continue;
                }
                for (k, v) in g.opt_string_map("PropertyMap")?.unwrap_or_default() {
                    self.set_property(k, v)?;
                }
            }
        }
        Ok(())
    }

    /// Sets one Flink configuration option.
    pub fn set_property(&mut self, key: &str, value: &str) -> Result<(), ApiError> {
        let ms = |v: &str| -> Result<i64, ApiError> {
            let v = v.trim();
            let (num, mul) = if let Some(n) = v.strip_suffix("ms") {
                (n, 1)
            } else if let Some(n) = v.strip_suffix('s') {
                (n, 1_000)
            } else if let Some(n) = v.strip_suffix("min") {
                (n, 60_000)
            } else {
                (v, 1)
            };
            num.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=86_400_000_000).contains(n))
                .map(|n| n * mul)
                .filter(|n| *n <= 86_400_000_000)
                .ok_or_else(|| {
                    ApiError::invalid_argument(format!(
                        "{key} = '{v}' is not a duration (e.g. 5000, 5000ms, 5s, 1min; ≤ 1,000 days)"
                    ))
                })
        };
        match key {
            "table.exec.emit.allow-lateness" => self.allowed_lateness_ms = ms(value)?,
            "table.exec.source.idle-timeout" => {
                let t = ms(value)?;
                self.idle_timeout_ms = (t > 0).then_some(t);
            }
            "pipeline.auto-watermark-interval" => {
                let t = ms(value)?;
                if !(10..=60_000).contains(&t) {
                    return Err(ApiError::invalid_argument(format!(
                        "{key} must be 10 ms – 60 s in the playground; got {t} ms"
                    )));
                }
                self.watermark_interval_ms = t as u64;
            }
            "execution.checkpointing.mode" => {
                self.mode = match value {
                    "EXACTLY_ONCE" => CheckpointingMode::ExactlyOnce,
                    "AT_LEAST_ONCE" => CheckpointingMode::AtLeastOnce,
                    other => {
                        return Err(ApiError::invalid_argument(format!(
                            "{key} '{other}' is not valid; use EXACTLY_ONCE or AT_LEAST_ONCE"
                        )))
                    }
                }
            }
            other => {
                return Err(ApiError::invalid_argument(format!(
                    "{FLINK_PROPERTY_GROUP} has no option '{other}'; supported: \
                     table.exec.emit.allow-lateness, table.exec.source.idle-timeout, \
                     pipeline.auto-watermark-interval, execution.checkpointing.mode"
                )))
            }
        }
        Ok(())
    }

    /// The `FlinkApplicationConfigurationDescription` and friends.
    pub fn describe(&self) -> Value {
        let mut props = serde_json::Map::new();
        props.insert(
            "table.exec.emit.allow-lateness".into(),
            json!(format!("{}ms", self.allowed_lateness_ms)),
        );
        if let Some(t) = self.idle_timeout_ms {
            props.insert(
                "table.exec.source.idle-timeout".into(),
                json!(format!("{t}ms")),
            );
        }
        props.insert(
            "pipeline.auto-watermark-interval".into(),
            json!(format!("{}ms", self.watermark_interval_ms)),
        );
        props.insert(
            "execution.checkpointing.mode".into(),
            json!(match self.mode {
                CheckpointingMode::ExactlyOnce => "EXACTLY_ONCE",
                CheckpointingMode::AtLeastOnce => "AT_LEAST_ONCE",
            }),
        );
        json!({
            "FlinkApplicationConfigurationDescription": {
                "CheckpointConfigurationDescription": {
                    "ConfigurationType": if self.checkpoint_defaults { "DEFAULT" } else { "CUSTOM" },
                    "CheckpointingEnabled": self.checkpointing,
                    "CheckpointInterval": self.checkpoint_interval_ms,
                    "MinPauseBetweenCheckpoints": self.min_pause_ms,
                },
                "ParallelismConfigurationDescription": {
                    "ConfigurationType": "CUSTOM",
                    "Parallelism": self.parallelism,
                    "ParallelismPerKPU": self.parallelism_per_kpu,
                    "CurrentParallelism": self.parallelism,
                    "AutoScalingEnabled": self.auto_scaling,
                },
            },
            "ApplicationSnapshotConfigurationDescription": { "SnapshotsEnabled": self.snapshots_enabled },
            "EnvironmentPropertyDescriptions": {
                "PropertyGroupDescriptions": [{
                    "PropertyGroupId": FLINK_PROPERTY_GROUP,
                    "PropertyMap": Value::Object(props),
                }]
            },
        })
    }
}
