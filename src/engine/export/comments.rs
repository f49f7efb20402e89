//! What a simulated call (service `playground` or `kafka`) stood for, written as a comment:
//! these have no AWS API, so the script says what in a real system would do the same.

use serde_json::Value;

/// Longest request shown in a comment, characters.
const MAX_SHOWN: usize = 240;

/// Comment lines for one simulated call.
pub fn describe_simulated(
    service: &str,
    action: &str,
    request: &Value,
    answer: &Value,
) -> Vec<String> {
    let meaning = if service == "kafka" {
        "a Kafka client call (Kafka protocol, not an AWS API): write it with a Kafka client such as kafka-python against your MSK bootstrap brokers"
    } else {
        match action {
            "StartProducer" => "a simulated producer application: in AWS this is your own code calling PutRecord/PutRecords (or the KPL / Kinesis Agent) at this rate",
            "StopProducer" => "that producer application stops",
            "AdvanceTime" => "virtual time passes (the script paces itself with at())",
            "InjectFault" | "ClearFaults" => "a fault injected in the simulation (AWS gives no API to cause it)",
            "StartSdkConsumer" | "StartEfoConsumer" => "a simulated consumer application: your own code reading with GetRecords or SubscribeToShard",
            "StartKclApplication" | "AddKclWorker" | "KillKclWorker" | "PauseKclWorker" | "SlowKclWorker"
            | "StopKclApplication" | "CheckpointKclApplication" => "a KCL application (Java/Python KCL workers with a DynamoDB lease table) — run the KCL itself",
            "CreateEventSourceMapping" | "UpdateEventSourceMapping" | "DeleteEventSourceMapping" => "a Lambda event source mapping: `aws lambda create-event-source-mapping` with a deployed function",
            "CreateTransformFunction" | "UpdateTransformFunction" | "DeleteTransformFunction" => "a Firehose transform function: deploy it as an AWS Lambda function with the same name",
            "SetDestinationBehavior" => "a destination outage simulated for Firehose",
            "DeaggregateRecord" => "KPL deaggregation (the aws-kinesis-agg library does it in real code)",
            "MirrorProducerToKafka" => "the same records also sent to a Kafka topic",
            _ => "a simulated step with no AWS API",
        }
    };
    let shown = crate::engine::export::shorten(
        &serde_json::to_string(request).unwrap_or_default(),
        MAX_SHOWN,
    );
    let mut lines = vec![
        format!("{service}.{action}: {meaning}."),
        format!("  request: {shown}"),
    ];
    if let Some(err) = answer.get("Error") {
        lines.push(format!(
            "  the playground answered {}: {}",
            err["Code"].as_str().unwrap_or_default(),
            err["Message"].as_str().unwrap_or_default()
        ));
    }
    lines
}
