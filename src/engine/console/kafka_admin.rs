//! The console's Kafka admin client (`admin.create_topics([NewTopic("orders", 3, 3)])`, …),
//! kafka-python's `KafkaAdminClient` methods translated to service `kafka` calls. See
//! [`crate::engine::console::kafka_client`] for the table of forms.

use serde_json::{json, Map, Value};

use crate::engine::console::kafka_args::{
    bind, config_map, ctor, int, str_list, string, type_name,
};
use crate::engine::console::literal::{Node, Py};
use crate::engine::console::parser::Call;
use crate::engine::console::{ConsoleError, ParsedCall};

fn kafka(action: &str, pairs: Vec<(&str, Value)>) -> ParsedCall {
    let request: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    ParsedCall {
        service: "kafka".into(),
        action: action.into(),
        request: Value::Object(request),
    }
}

/// The calls of `admin.<method>(…)`; `None` when the method is not an admin method.
pub(super) fn admin(
    src: &str,
    call: &Call,
    what: &str,
) -> Result<Option<Vec<ParsedCall>>, ConsoleError> {
    let b = |params: &[&'static str], max_positional: usize| {
        bind(
            src,
            what,
            call.method_pos,
            &call.positional,
            &call.args,
            params,
            max_positional,
        )
    };
    let calls = match call.method.as_str() {
        "create_topics" => {
            let a = b(&["new_topics", "timeout_ms", "validate_only"], 3)?;
            let example =
                "create_topics([NewTopic(\"orders\", num_partitions=3, replication_factor=3)])";
            let list = a.need("new_topics", example)?;
            no_validate_only(src, a.get("validate_only"))?;
            a.opt_int("timeout_ms")?;
            let items: &[Node] = match &list.value {
                Py::List(items) => items,
                Py::Call { .. } => std::slice::from_ref(list),
                other => {
                    return Err(ConsoleError::at(
                        src,
                        list.pos,
                        format!(
                            "new_topics must be a list of NewTopic(…), found {}",
                            type_name(other)
                        ),
                    ))
                }
            };
            let topics = items
                .iter()
                .map(|n| new_topic(src, n))
                .collect::<Result<Vec<Value>, _>>()?;
            vec![kafka(
                "CreateTopics",
                vec![("Topics", Value::Array(topics))],
            )]
        }
        "list_topics" => {
            b(&[], 0)?;
            vec![kafka("ListTopics", vec![])]
        }
        "describe_topics" => {
            let a = b(&["topics"], 1)?;
            match a.get("topics") {
                Some(n) => vec![kafka(
                    "DescribeTopics",
                    vec![("TopicNames", json!(str_list(src, n, "topics")?))],
                )],
                None => vec![kafka("DescribeTopics", vec![])],
            }
        }
        "delete_topics" => {
            let a = b(&["topics", "timeout_ms"], 2)?;
            let topics = str_list(
                src,
                a.need("topics", "delete_topics([\"orders\"])")?,
                "topics",
            )?;
            a.opt_int("timeout_ms")?;
            vec![kafka("DeleteTopics", vec![("TopicNames", json!(topics))])]
        }
        "create_partitions" => {
            let a = b(&["topic_partitions", "timeout_ms", "validate_only"], 3)?;
            let example = "create_partitions({\"orders\": NewPartitions(6)})";
            let map = a.need("topic_partitions", example)?;
            no_validate_only(src, a.get("validate_only"))?;
            a.opt_int("timeout_ms")?;
            let Py::Dict(entries) = &map.value else {
                return Err(ConsoleError::at(
                    src,
                    map.pos,
                    format!("topic_partitions must be a dict such as {{\"orders\": NewPartitions(6)}}, found {}", type_name(&map.value)),
                ));
            };
            let mut calls = Vec::new();
            for (topic, n) in entries {
                let total = match &n.value {
                    Py::Call { .. } => {
                        let (args, kwargs) = ctor(src, n, "NewPartitions", "NewPartitions(6)")?;
                        let p = bind(
                            src,
                            "NewPartitions()",
                            n.pos,
                            args,
                            kwargs,
                            &["total_count"],
                            1,
                        )?;
                        int(
                            src,
                            p.need("total_count", "NewPartitions(6)")?,
                            "total_count",
                        )?
                    }
                    _ => int(src, n, "a new partition count")?,
                };
                calls.push(kafka(
                    "CreatePartitions",
                    vec![("Topic", json!(topic)), ("TotalCount", json!(total))],
                ));
            }
            if calls.is_empty() {
                return Err(ConsoleError::at(
                    src,
                    map.pos,
                    format!("no topic given, as in {example}"),
                ));
            }
            calls
        }
        "list_consumer_groups" => {
            b(&[], 0)?;
            vec![kafka("ListGroups", vec![])]
        }
        "describe_consumer_groups" => {
            let a = b(&["group_ids"], 1)?;
            let ids = str_list(
                src,
                a.need("group_ids", "describe_consumer_groups([\"billing\"])")?,
                "group_ids",
            )?;
            vec![kafka("DescribeGroups", vec![("GroupIds", json!(ids))])]
        }
        "list_consumer_group_offsets" => {
            let a = b(&["group_id"], 1)?;
            let id = string(
                src,
                a.need("group_id", "list_consumer_group_offsets(\"billing\")")?,
                "group_id",
            )?;
            vec![kafka(
                "ListConsumerGroupOffsets",
                vec![("GroupId", json!(id))],
            )]
        }
        "delete_consumer_groups" => {
            let a = b(&["group_ids"], 1)?;
            let ids = str_list(
                src,
                a.need("group_ids", "delete_consumer_groups([\"billing\"])")?,
                "group_ids",
            )?;
            ids.into_iter()
                .map(|id| kafka("DeleteGroup", vec![("GroupId", json!(id))]))
                .collect()
        }
        "describe_cluster" => {
            b(&[], 0)?;
            vec![kafka("DescribeCluster", vec![])]
        }
        _ => return Ok(None),
    };
    Ok(Some(calls))
}

fn no_validate_only(src: &str, node: Option<&Node>) -> Result<(), ConsoleError> {
    match node.map(|n| (&n.value, n.pos)) {
        None | Some((Py::Bool(false), _)) => Ok(()),
        Some((_, pos)) => Err(ConsoleError::at(
            src,
            pos,
            "validate_only is not supported: the playground validates every request before changing anything anyway",
        )),
    }
}

/// `NewTopic("orders", num_partitions=3, replication_factor=3, topic_configs={…})` → a
/// `CreateTopics` topic.
fn new_topic(src: &str, node: &Node) -> Result<Value, ConsoleError> {
    const EXAMPLE: &str = "NewTopic(\"orders\", num_partitions=3, replication_factor=3)";
    let (args, kwargs) = ctor(src, node, "NewTopic", EXAMPLE)?;
    let b = bind(
        src,
        "NewTopic()",
        node.pos,
        args,
        kwargs,
        &[
            "name",
            "num_partitions",
            "replication_factor",
            "topic_configs",
        ],
        3,
    )?;
    let mut topic = Map::new();
    topic.insert(
        "Name".into(),
        json!(string(src, b.need("name", EXAMPLE)?, "name")?),
    );
    if let Some(n) = b.opt_int("num_partitions")? {
        topic.insert("NumPartitions".into(), json!(n));
    }
    if let Some(n) = b.opt_int("replication_factor")? {
        topic.insert("ReplicationFactor".into(), json!(n));
    }
    if let Some(c) = b.get("topic_configs") {
        topic.insert("Configs".into(), config_map(src, c, "topic_configs")?);
    }
    Ok(Value::Object(topic))
}
