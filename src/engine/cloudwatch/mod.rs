//! Service `cloudwatch`: GetMetricStatistics over the Kinesis metrics (namespace `AWS/Kinesis`,
//! semantics.md §1.14), so charts, lessons and the CLI read the same numbers.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::metrics::Metric;
use crate::engine::kinesis::shard::parse_shard_id;
use crate::engine::world::World;

/// Actions of service `cloudwatch`.
pub const ACTIONS: &[&str] = &["GetMetricStatistics", "ListMetrics"];

/// Most datapoints one call returns (CloudWatch's limit is 1,440).
const MAX_DATAPOINTS: u64 = 1_440;

/// Runs one CloudWatch action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "GetMetricStatistics" => get_metric_statistics(world, req),
        "ListMetrics" => Ok(list_metrics(world)),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "cloudwatch has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

fn invalid_parameter(message: String) -> ApiError {
    ApiError::new(ErrorKind::InvalidArgumentException, message)
}

fn get_metric_statistics(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Namespace",
        "MetricName",
        "Dimensions",
        "StartTime",
        "EndTime",
        "Period",
        "Statistics",
        "ExtendedStatistics",
        "Unit",
    ])?;
    let namespace = req.str("Namespace")?;
    if namespace == "AWS/Firehose" {
        return firehose_statistics(world, req);
    }
    if namespace != "AWS/Kinesis" {
        return Err(invalid_parameter(format!(
            "The playground records namespaces AWS/Kinesis and AWS/Firehose, not {namespace}"
        )));
    }
    let name = req.str("MetricName")?;
    let (metric, unit) = Metric::from_name(name).ok_or_else(|| {
        invalid_parameter(format!("Unknown metric {name} in namespace AWS/Kinesis"))
    })?;
    let mut stream = None;
    let mut shard = None;
    for d in req.opt_list("Dimensions")?.into_iter().flatten() {
        let d = Request::new(d)?;
        match (d.str("Name")?, d.str("Value")?) {
            ("StreamName", v) => stream = Some(v),
            ("ShardId", v) => {
                shard = Some(
                    parse_shard_id(v)
                        .ok_or_else(|| invalid_parameter(format!("Invalid ShardId {v}")))?,
                )
            }
            (other, _) => return Err(invalid_parameter(format!("Unknown dimension {other}"))),
        }
    }
    let stream =
        stream.ok_or_else(|| invalid_parameter("Dimension StreamName is required".into()))?;
    let time = |member: &str| -> Result<u64, ApiError> {
        let v = req
            .raw(member)
            .ok_or_else(|| crate::engine::api::request::missing(member))?;
        let secs = v.as_f64().ok_or_else(|| {
            ApiError::serialization(format!("member '{member}' must be epoch seconds"))
        })?;
        Ok((secs.max(0.0) * 1000.0) as u64)
    };
    let epoch = world.epoch();
    let start_v = epoch.to_virtual(time("StartTime")?).unwrap_or(0) / 1000;
    let end_v = epoch.to_virtual(time("EndTime")?).unwrap_or(0) / 1000;
    let period = req.int("Period", 1, 86_400 * 365)? as u64;
    if period != 1 && period % 60 != 0 {
        return Err(invalid_parameter(format!(
            "Period must be 1 (high resolution) or a multiple of 60 seconds, got {period}"
        )));
    }
    if end_v <= start_v {
        return Err(invalid_parameter("EndTime must be after StartTime".into()));
    }
    if (end_v - start_v) / period > MAX_DATAPOINTS {
        return Err(invalid_parameter(format!(
            "You have requested up to {} datapoints, which exceeds the limit of {MAX_DATAPOINTS}.",
            (end_v - start_v) / period
        )));
    }
    let stats: Vec<&str> = match req.opt_list("Statistics")? {
        None => vec!["Sum"],
        Some(list) => list.iter().filter_map(Value::as_str).collect(),
    };
    let points = world
        .kinesis
        .metrics
        .series(stream, shard, metric, start_v, end_v, period);
    let datapoints: Vec<Value> = points
        .into_iter()
        .map(|(start, sum, max, n)| {
            let mut p = json!({
                "Timestamp": (epoch.to_unix_ms(start * 1000) / 1000),
                "Unit": unit,
            });
            for s in &stats {
                let v = match *s {
                    "Sum" => sum as f64,
                    "Maximum" => max as f64,
                    "Average" => sum as f64 / n.max(1) as f64,
                    "SampleCount" => n as f64,
                    // Minimum is not tracked per second; it is omitted rather than invented.
                    _ => continue,
                };
                p[*s] = json!(v);
            }
            p
        })
        .collect();
    Ok(json!({ "Label": name, "Datapoints": datapoints }))
}

fn list_metrics(world: &World) -> Value {
    let mut metrics = Vec::new();
    for name in world.kinesis.streams().keys() {
        for (_, names, _) in Metric::ALL {
            metrics.push(json!({
                "Namespace": "AWS/Kinesis",
                "MetricName": names[0],
                "Dimensions": [{ "Name": "StreamName", "Value": name }],
            }));
        }
    }
    for (name, ds) in &world.firehose.streams {
        let family = ds.destination.kind.metric_family();
        for (metric, _) in crate::engine::firehose::metrics::NAMES {
            let metric = metric.replace("DeliveryTo*", family);
            if crate::engine::firehose::metrics::known(&metric, family).is_some() {
                metrics.push(json!({
                    "Namespace": "AWS/Firehose",
                    "MetricName": metric,
                    "Dimensions": [{ "Name": "DeliveryStreamName", "Value": name }],
                }));
            }
        }
    }
    json!({ "Metrics": metrics })
}

/// `(start s, end s, period s, statistics)` of a GetMetricStatistics request, in virtual seconds.
fn window<'a>(world: &World, req: Request<'a>) -> Result<(u64, u64, u64, Vec<&'a str>), ApiError> {
    let time = |member: &str| -> Result<u64, ApiError> {
        let v = req
            .raw(member)
            .ok_or_else(|| crate::engine::api::request::missing(member))?;
        let secs = v.as_f64().ok_or_else(|| {
            ApiError::serialization(format!("member '{member}' must be epoch seconds"))
        })?;
        Ok((secs.max(0.0) * 1000.0) as u64)
    };
    let epoch = world.epoch();
    let start_v = epoch.to_virtual(time("StartTime")?).unwrap_or(0) / 1000;
    let end_v = epoch.to_virtual(time("EndTime")?).unwrap_or(0) / 1000;
    let period = req.int("Period", 1, 86_400 * 365)? as u64;
    if period != 1 && period % 60 != 0 {
        return Err(invalid_parameter(format!(
            "Period must be 1 (high resolution) or a multiple of 60 seconds, got {period}"
        )));
    }
    if end_v <= start_v {
        return Err(invalid_parameter("EndTime must be after StartTime".into()));
    }
    if (end_v - start_v) / period > MAX_DATAPOINTS {
        return Err(invalid_parameter(format!(
            "You have requested up to {} datapoints, which exceeds the limit of {MAX_DATAPOINTS}.",
            (end_v - start_v) / period
        )));
    }
    let stats: Vec<&str> = match req.opt_list("Statistics")? {
        None => vec!["Sum"],
        Some(list) => list.iter().filter_map(Value::as_str).collect(),
    };
    Ok((start_v, end_v, period, stats))
}

/// GetMetricStatistics in namespace `AWS/Firehose` (semantics.md §4.7).
fn firehose_statistics(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    let name = req.str("MetricName")?;
    let mut stream = None;
    for d in req.opt_list("Dimensions")?.into_iter().flatten() {
        let d = Request::new(d)?;
        match (d.str("Name")?, d.str("Value")?) {
            ("DeliveryStreamName", v) => stream = Some(v),
            (other, _) => return Err(invalid_parameter(format!("Unknown dimension {other}"))),
        }
    }
    let stream = stream
        .ok_or_else(|| invalid_parameter("Dimension DeliveryStreamName is required".into()))?;
    let ds = crate::engine::firehose::actions::find(world, stream)?;
    let family = ds.destination.kind.metric_family();
    let unit = crate::engine::firehose::metrics::known(name, family).ok_or_else(|| {
        invalid_parameter(format!(
            "Unknown metric {name} in namespace AWS/Firehose for a stream delivering to {family}"
        ))
    })?;
    let (start_v, end_v, period, stats) = window(world, req)?;
    let epoch = world.epoch();
    let datapoints: Vec<Value> = ds
        .metrics
        .series(name, family, start_v, end_v, period)
        .into_iter()
        .map(|(start, sum, max, n)| {
            let mut p = json!({
                "Timestamp": (epoch.to_unix_ms(start * 1000) / 1000),
                "Unit": unit,
            });
            for s in &stats {
                let v = match *s {
                    "Sum" => sum,
                    "Maximum" => max,
                    "Average" => sum / n.max(1) as f64,
                    "SampleCount" => n as f64,
                    _ => continue,
                };
                p[*s] = json!(v);
            }
            p
        })
        .collect();
    Ok(json!({ "Label": name, "Datapoints": datapoints }))
}
