//! Services `iot` (topic rules) and `iot-data` (Publish), with the API's member names and error
//! names. As AWS does, GetTopicRule and DeleteTopicRule answer `UnauthorizedException` for a rule
//! that does not exist.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::iot::{publish, rule_arn, rule_sql, topic, RuleAction, TopicRule};
use crate::engine::sources::Target;
use crate::engine::world::World;

/// Actions of service `iot`.
pub const ACTIONS: &[&str] = &[
    "CreateTopicRule",
    "ReplaceTopicRule",
    "GetTopicRule",
    "ListTopicRules",
    "DeleteTopicRule",
    "EnableTopicRule",
    "DisableTopicRule",
];
/// Actions of service `iot-data`.
pub const DATA_ACTIONS: &[&str] = &["Publish"];
/// Largest MQTT payload, bytes (128 KB).
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024;
/// Actions per rule.
pub const MAX_ACTIONS: usize = 10;

fn invalid(m: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidRequestException, m)
}

fn unauthorized(name: &str) -> ApiError {
    ApiError::new(ErrorKind::UnauthorizedException, format!("Topic rule {name} does not exist (AWS IoT answers UnauthorizedException for a missing rule)"))
}

/// Runs one `iot` action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateTopicRule" | "ReplaceTopicRule" => {
            req.deny_unknown(&["ruleName", "topicRulePayload", "tags"])?;
            let name = req.str("ruleName")?;
            let ok = (1..=128).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !ok {
                return Err(invalid(format!(
                    "ruleName '{name}' must be 1-128 characters of [a-zA-Z0-9_]"
                )));
            }
            let payload = req
                .opt_struct("topicRulePayload")?
                .ok_or_else(|| crate::engine::api::request::missing("topicRulePayload"))?;
            let exists = world.iot.rules.contains_key(name);
            if action == "CreateTopicRule" && exists {
                return Err(ApiError::new(
                    ErrorKind::ResourceAlreadyExistsException,
                    format!("A rule with the name {name} already exists"),
                ));
            }
            if action == "ReplaceTopicRule" && !exists {
                return Err(unauthorized(name));
            }
            let mut rule = parse_rule(world, payload)?;
            if let Some(old) = world.iot.rules.get(name) {
                rule.created_unix_ms = old.created_unix_ms;
            }
            world.iot.rules.insert(name.to_string(), rule);
            Ok(json!({}))
        }
        "GetTopicRule" => {
            req.deny_unknown(&["ruleName"])?;
            let name = req.str("ruleName")?;
            let r = world
                .iot
                .rules
                .get(name)
                .ok_or_else(|| unauthorized(name))?;
            Ok(json!({"ruleArn": rule_arn(name), "rule": rule_json(name, r)}))
        }
        "ListTopicRules" => {
            req.deny_unknown(&["topic", "maxResults", "ruleDisabled"])?;
            let filter_topic = req.opt_str("topic")?;
            let rules: Vec<Value> = world
                .iot
                .rules
                .iter()
                .filter(|(_, r)| filter_topic.is_none_or(|t| r.sql.topic_filter == t))
                .map(|(n, r)| json!({"ruleArn": rule_arn(n), "ruleName": n, "topicPattern": r.sql.topic_filter, "createdAt": r.created_unix_ms as f64 / 1000.0, "ruleDisabled": r.disabled}))
                .collect();
            Ok(json!({ "rules": rules }))
        }
        "DeleteTopicRule" => {
            req.deny_unknown(&["ruleName"])?;
            let name = req.str("ruleName")?;
            world
                .iot
                .rules
                .remove(name)
                .ok_or_else(|| unauthorized(name))?;
            Ok(json!({}))
        }
        "EnableTopicRule" | "DisableTopicRule" => {
            req.deny_unknown(&["ruleName"])?;
            let name = req.str("ruleName")?;
            let r = world
                .iot
                .rules
                .get_mut(name)
                .ok_or_else(|| unauthorized(name))?;
            r.disabled = action == "DisableTopicRule";
            Ok(json!({}))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("iot has no action '{other}'; known: {}", ACTIONS.join(", ")),
        )),
    }
}

/// Runs one `iot-data` action.
pub fn dispatch_data(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "Publish" => {
            req.deny_unknown(&[
                "topic",
                "payload",
                "qos",
                "retain",
                "contentType",
                "userProperties",
                "responseTopic",
                "correlationData",
                "messageExpiry",
                "payloadFormatIndicator",
            ])?;
            let t = req.str("topic")?;
            topic::validate_topic(t).map_err(invalid)?;
            let qos = req.opt_int("qos", 0, 1)?.unwrap_or(0);
            let _ = qos;
            let payload = match req.opt_str("payload")? {
                Some(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| ApiError::serialization("payload is not valid base64"))?,
                None => Vec::new(),
            };
            if payload.len() > MAX_PAYLOAD_BYTES {
                return Err(ApiError::new(ErrorKind::InvalidRequestException, format!("payload is {} bytes; MQTT messages are at most {MAX_PAYLOAD_BYTES} bytes (128 KB)", payload.len())));
            }
            publish(world, t, &payload, "");
            Ok(json!({}))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("iot-data has no action '{other}'; known: Publish"),
        )),
    }
}

fn rule_json(name: &str, r: &TopicRule) -> Value {
    let actions: Vec<Value> = r
        .actions
        .iter()
        .map(|a| match &a.target {
            Target::Firehose(n) => {
                let mut v = json!({"deliveryStreamName": n, "roleArn": "arn:aws:iam::123456789012:role/iot-rules"});
                if let Some(s) = &a.separator {
                    v["separator"] = json!(s);
                }
                json!({"firehose": v, "Playground": {"Delivery": a.stats.to_json(), "Failures": a.failures}})
            }
            Target::Kinesis(n) => {
                let mut v = json!({"streamName": n, "roleArn": "arn:aws:iam::123456789012:role/iot-rules"});
                if let Some(p) = &a.partition_key {
                    v["partitionKey"] = json!(p);
                }
                json!({"kinesis": v, "Playground": {"Delivery": a.stats.to_json(), "Failures": a.failures}})
            }
        })
        .collect();
    json!({
        "ruleName": name,
        "sql": r.sql_text,
        "description": r.description,
        "createdAt": r.created_unix_ms as f64 / 1000.0,
        "actions": actions,
        "ruleDisabled": r.disabled,
        "awsIotSqlVersion": "2016-03-23",
        "Playground": {
            "TopicMatches": r.topic_matches,
            "Selected": r.selected,
            "Samples": r.samples.iter().cloned().collect::<Vec<_>>(),
        },
    })
}

fn parse_rule(world: &World, p: Request<'_>) -> Result<TopicRule, ApiError> {
    p.deny_unknown(&[
        "sql",
        "description",
        "actions",
        "ruleDisabled",
        "awsIotSqlVersion",
        "errorAction",
    ])?;
    let sql_text = p.str("sql")?;
    let sql =
        rule_sql::parse(sql_text).map_err(|m| ApiError::new(ErrorKind::SqlParseException, m))?;
    if let Some(v) = p.opt_str("awsIotSqlVersion")? {
        if !["2015-10-08", "2016-03-23", "beta"].contains(&v) {
            return Err(invalid(format!(
                "awsIotSqlVersion must be 2015-10-08, 2016-03-23 or beta, got {v}"
            )));
        }
    }
    let list = p
        .opt_list("actions")?
        .ok_or_else(|| crate::engine::api::request::missing("actions"))?;
    if list.len() > MAX_ACTIONS {
        return Err(invalid(format!("a rule has at most {MAX_ACTIONS} actions")));
    }
    let mut actions = Vec::new();
    for a in list {
        let a = Request::new(a)?;
        a.deny_unknown(&["firehose", "kinesis"])
            .map_err(|_| invalid("the playground's rule actions are firehose and kinesis"))?;
        if let Some(f) = a.opt_struct("firehose")? {
            f.deny_unknown(&["roleArn", "deliveryStreamName", "separator", "batchMode"])?;
            let name = f.str("deliveryStreamName")?;
            let separator = f.opt_str("separator")?.map(str::to_string);
            if separator
                .as_deref()
                .is_some_and(|s| !["\n", "\t", "\r\n", ","].contains(&s))
            {
                return Err(invalid("separator must be one of \\n, \\t, \\r\\n or ,"));
            }
            if f.opt_bool("batchMode")?.unwrap_or(false) {
                return Err(invalid("batchMode (a JSON array payload split into records) is not supported by the playground"));
            }
            actions.push(RuleAction {
                target: Target::Firehose(name.to_string()),
                separator,
                partition_key: None,
                stats: Default::default(),
                failures: 0,
            });
        } else if let Some(k) = a.opt_struct("kinesis")? {
            k.deny_unknown(&["roleArn", "streamName", "partitionKey"])?;
            let name = k.str("streamName")?;
            let partition_key = k.opt_str("partitionKey")?.map(str::to_string);
            actions.push(RuleAction {
                target: Target::Kinesis(name.to_string()),
                separator: None,
                partition_key,
                stats: Default::default(),
                failures: 0,
            });
        } else {
            return Err(invalid(
                "each action is {\"firehose\": {…}} or {\"kinesis\": {…}}",
            ));
        }
    }
    Ok(TopicRule {
        sql_text: sql_text.to_string(),
        sql,
        description: p.opt_str("description")?.unwrap_or_default().to_string(),
        disabled: p.opt_bool("ruleDisabled")?.unwrap_or(false),
        actions,
        created_unix_ms: world.epoch().to_unix_ms(world.now()),
        topic_matches: 0,
        selected: 0,
        samples: Default::default(),
    })
}
