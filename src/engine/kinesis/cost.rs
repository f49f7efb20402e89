//! A cost meter: what a stream would cost on AWS for the virtual time it has run.
//!
//! Usage is accumulated in exact integers (shard-milliseconds, PUT payload units, bytes rounded
//! up per record); prices are applied only when reading the meter.
//!
//! **Prices** (US East (N. Virginia), public list prices as published on the Kinesis Data Streams
//! pricing page and widely quoted since 2023; written down 2026-11-24 from that public list — check
//! the current page before relying on them for a real bill):
//! - Provisioned: $0.015 per shard-hour; $0.014 per million PUT payload units (25 KB chunks of a
//!   record); extended retention (beyond 24 h, up to 7 days) $0.020 per shard-hour.
//! - On-demand: $0.040 per stream-hour; $0.080 per GB written, $0.040 per GB read, each record
//!   rounded up to 1 KB.
//! - Enhanced fan-out: $0.015 per consumer-shard-hour; $0.013 per GB retrieved.

/// Prices in US dollars (see the module docs for their source and date).
pub mod prices {
    /// Provisioned shard-hour.
    pub const SHARD_HOUR: f64 = 0.015;
    /// One million PUT payload units.
    pub const PUT_PAYLOAD_UNITS_MILLION: f64 = 0.014;
    /// Extended-retention shard-hour (retention above 24 h).
    pub const EXTENDED_RETENTION_SHARD_HOUR: f64 = 0.020;
    /// On-demand stream-hour.
    pub const ON_DEMAND_STREAM_HOUR: f64 = 0.040;
    /// On-demand GB written.
    pub const ON_DEMAND_GB_IN: f64 = 0.080;
    /// On-demand GB read.
    pub const ON_DEMAND_GB_OUT: f64 = 0.040;
    /// Enhanced fan-out consumer-shard-hour.
    pub const EFO_CONSUMER_SHARD_HOUR: f64 = 0.015;
    /// Enhanced fan-out GB retrieved.
    pub const EFO_GB: f64 = 0.013;
    /// The date the prices were written down.
    pub const AS_OF: &str = "2026-11-24 (US East, N. Virginia list prices)";
}

/// Bytes in one PUT payload unit (25 KB).
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;
const MS_PER_HOUR: f64 = 3_600_000.0;
const GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Usage of one stream since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamUsage {
    /// Milliseconds the stream has existed.
    pub stream_ms: u64,
    /// Open-shard milliseconds in any mode.
    pub open_shard_ms: u64,
    /// Open-shard milliseconds while PROVISIONED.
    pub provisioned_shard_ms: u64,
    /// Open-shard milliseconds with retention above 24 h.
    pub extended_retention_shard_ms: u64,
    /// Milliseconds spent ON_DEMAND.
    pub on_demand_stream_ms: u64,
    /// PUT payload units written (25 KB chunks, at least one per record).
    pub put_payload_units: u64,
    /// Bytes written, each record rounded up to 1 KB (on-demand billing).
    pub billed_bytes_in: u64,
    /// Bytes read by shared-throughput consumers, rounded up to 1 KB per record.
    pub billed_bytes_out: u64,
    /// Consumer-shard milliseconds of registered EFO consumers.
    pub efo_consumer_shard_ms: u64,
    /// Bytes pushed to EFO consumers.
    pub efo_bytes: u64,
}

/// A priced breakdown of a [`StreamUsage`].
#[derive(Clone, Debug, PartialEq)]
pub struct CostBreakdown {
    /// `(line item, quantity text, dollars)`.
    pub lines: Vec<(&'static str, String, f64)>,
    /// Sum of the lines.
    pub total: f64,
    /// What the same traffic would have cost in the other capacity mode.
    pub other_mode_total: f64,
}

impl StreamUsage {
    /// Adds `dt` milliseconds of existence with `open_shards` open shards.
    pub fn accrue(&mut self, dt: u64, open_shards: u64, on_demand: bool, extended_retention: bool) {
        self.stream_ms += dt;
        self.open_shard_ms += dt * open_shards;
        if on_demand {
            self.on_demand_stream_ms += dt;
        } else {
            self.provisioned_shard_ms += dt * open_shards;
        }
        if extended_retention {
            self.extended_retention_shard_ms += dt * open_shards;
        }
    }

    /// Adds one accepted record of `bytes` (data + partition key).
    pub fn add_record(&mut self, bytes: u64) {
        self.put_payload_units += bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1);
        self.billed_bytes_in += bytes.div_ceil(1024).max(1) * 1024;
    }

    /// Adds `records` read with `bytes` in total by a shared-throughput consumer.
    pub fn add_read(&mut self, records: u64, bytes: u64) {
        self.billed_bytes_out += (bytes.div_ceil(1024)).max(records) * 1024;
    }

    /// Prices the usage; `on_demand` says which mode the bill is for now.
    pub fn price(&self, on_demand: bool) -> CostBreakdown {
        let shard_h = self.provisioned_shard_ms as f64 / MS_PER_HOUR;
        let ext_h = self.extended_retention_shard_ms as f64 / MS_PER_HOUR;
        let od_h = self.on_demand_stream_ms as f64 / MS_PER_HOUR;
        let efo_h = self.efo_consumer_shard_ms as f64 / MS_PER_HOUR;
        let (gb_in, gb_out, gb_efo) = (
            self.billed_bytes_in as f64 / GB,
            self.billed_bytes_out as f64 / GB,
            self.efo_bytes as f64 / GB,
        );
        let ppu_m = self.put_payload_units as f64 / 1e6;
        let provisioned = vec![
            (
                "Shard-hours",
                format!("{shard_h:.3} h"),
                shard_h * prices::SHARD_HOUR,
            ),
            (
                "PUT payload units",
                format!("{}", self.put_payload_units),
                ppu_m * prices::PUT_PAYLOAD_UNITS_MILLION,
            ),
            (
                "Extended retention",
                format!("{ext_h:.3} shard-h"),
                ext_h * prices::EXTENDED_RETENTION_SHARD_HOUR,
            ),
        ];
        let on_demand_lines = vec![
            (
                "Stream-hours (on-demand)",
                format!("{od_h:.3} h"),
                od_h * prices::ON_DEMAND_STREAM_HOUR,
            ),
            (
                "Data in (on-demand)",
                format!("{gb_in:.6} GB"),
                gb_in * prices::ON_DEMAND_GB_IN,
            ),
            (
                "Data out (on-demand)",
                format!("{gb_out:.6} GB"),
                gb_out * prices::ON_DEMAND_GB_OUT,
            ),
        ];
        let efo = vec![
            (
                "EFO consumer-shard-hours",
                format!("{efo_h:.3} h"),
                efo_h * prices::EFO_CONSUMER_SHARD_HOUR,
            ),
            (
                "EFO data",
                format!("{gb_efo:.6} GB"),
                gb_efo * prices::EFO_GB,
            ),
        ];
        let sum = |v: &[(&str, String, f64)]| v.iter().map(|l| l.2).sum::<f64>();
        let efo_total = sum(&efo);
        // The other mode: the same lifetime, shards and traffic billed the other way.
        let as_on_demand = self.stream_ms as f64 / MS_PER_HOUR * prices::ON_DEMAND_STREAM_HOUR
            + gb_in * prices::ON_DEMAND_GB_IN
            + gb_out * prices::ON_DEMAND_GB_OUT;
        let as_provisioned = self.open_shard_ms as f64 / MS_PER_HOUR * prices::SHARD_HOUR
            + ppu_m * prices::PUT_PAYLOAD_UNITS_MILLION
            + ext_h * prices::EXTENDED_RETENTION_SHARD_HOUR;
        let mut lines = if on_demand {
            on_demand_lines
        } else {
            provisioned
        };
        lines.extend(efo);
        let total = sum(&lines);
        let other_mode_total = if on_demand {
            as_provisioned
        } else {
            as_on_demand
        } + efo_total;
        CostBreakdown {
            lines,
            total,
            other_mode_total,
        }
    }
}
