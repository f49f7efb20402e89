//! Service `kafka` of the one dispatcher: routes an action to its family.
//!
//! Requests and responses are JSON objects with PascalCase members (as the other services);
//! keys and values are UTF-8 strings (`null` value = tombstone). Errors use Kafka's exception
//! names (`UnknownTopicOrPartitionException`, …).

use serde_json::Value;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::world::World;

/// Every action of service `kafka`, for listings and the console.
pub fn actions() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    v.extend_from_slice(crate::engine::kafka::actions_admin::ACTIONS);
    v.extend_from_slice(crate::engine::kafka::actions_produce::ACTIONS);
    v.extend_from_slice(crate::engine::kafka::actions_group::ACTIONS);
    v.extend_from_slice(crate::engine::kafka::actions_connect::ACTIONS);
    v
}

/// Runs `action` with `request`.
pub fn dispatch(world: &mut World, action: &str, request: &Value) -> Result<Value, ApiError> {
    let req = Request::new(request)?;
    if crate::engine::kafka::actions_admin::ACTIONS.contains(&action) {
        return crate::engine::kafka::actions_admin::dispatch(world, action, req);
    }
    if crate::engine::kafka::actions_produce::ACTIONS.contains(&action) {
        return crate::engine::kafka::actions_produce::dispatch(world, action, req);
    }
    if crate::engine::kafka::actions_group::ACTIONS.contains(&action) {
        return crate::engine::kafka::actions_group::dispatch(world, action, req);
    }
    if crate::engine::kafka::actions_connect::ACTIONS.contains(&action) {
        return crate::engine::kafka::actions_connect::dispatch(world, action, req);
    }
    Err(ApiError::new(
        ErrorKind::UnknownOperationException,
        format!(
            "unknown kafka action '{action}'; known: {}",
            actions().join(", ")
        ),
    ))
}

/// The read-only actions of service `kafka` (and `playground.DescribeLenses`) on a shared world:
/// the same JSON the dispatcher returns, for views that poll without logging an action.
pub fn read(world: &World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "DescribeLenses" => crate::engine::kafka::lenses::describe(world, req),
        "DescribeKafkaConsumerApps" => {
            req.deny_unknown(&[])?;
            let apps: Vec<Value> = world
                .kafka
                .consumer_apps
                .values()
                .map(|a| crate::engine::kafka::actions_consumer_app::describe(world, a))
                .collect();
            Ok(serde_json::json!({ "ConsumerApps": apps }))
        }
        "DescribeCluster" => {
            req.deny_unknown(&[])?;
            Ok(crate::engine::kafka::actions_describe::describe_cluster(
                world,
            ))
        }
        "DescribeGroups" => {
            req.deny_unknown(&["GroupIds"])?;
            let groups: Vec<Value> = match req.opt_list("GroupIds")? {
                Some(_) => {
                    let ids = crate::engine::kafka::actions_group::string_list(&req, "GroupIds")?;
                    ids.iter()
                        .filter_map(|id| world.kafka.groups.get(id))
                        .map(|g| crate::engine::kafka::actions_group::describe(world, g))
                        .collect()
                }
                None => world
                    .kafka
                    .groups
                    .values()
                    .map(|g| crate::engine::kafka::actions_group::describe(world, g))
                    .collect(),
            };
            Ok(serde_json::json!({ "Groups": groups }))
        }
        "DescribeConnector" => {
            req.deny_unknown(&["Name"])?;
            crate::engine::kafka::actions_connect::describe(world, req.str("Name")?)
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("'{other}' is not a read-only kafka action"),
        )),
    }
}
