//! The Sources tab's forms: a logging application with a CloudWatch Logs subscription filter, an
//! EventBridge rule with a target (and events to send), an AWS IoT rule with a device fleet (and a
//! message to publish). Destinations are picked from the world's Firehose delivery streams
//! (Direct PUT) and Kinesis data streams. Every button is dispatcher calls.

use serde_json::json;
use yew::prelude::*;

use crate::ui::inputs::{input_value, select_value, use_input_value};
use crate::ui::playground::{call_reported, Handle};

/// Properties of every source form.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Destinations: (ARN, label), Firehose first.
    pub destinations: Vec<(String, String)>,
}

fn err_line(e: &UseStateHandle<Option<String>>) -> Html {
    match &**e {
        Some(m) => {
            html! { <p class="error" role="alert" data-testid="src-error">{ m.clone() }</p> }
        }
        None => html! {},
    }
}

/// The destination `<select>`; the choice lives in `state` so panel re-renders keep it.
fn destination_select(
    node: &NodeRef,
    state: &UseStateHandle<String>,
    testid: &str,
    destinations: &[(String, String)],
) -> Html {
    let onchange = {
        let (state, node) = (state.clone(), node.clone());
        Callback::from(move |_: Event| state.set(select_value(&node)))
    };
    let chosen = destinations
        .iter()
        .find(|(arn, _)| *arn == **state)
        .or(destinations.first())
        .map(|(arn, _)| arn.clone())
        .unwrap_or_default();
    html! {
        <label>{ "Destination" }
            <select ref={node.clone()} data-testid={testid.to_string()} {onchange}>
                { for destinations.iter().map(|(arn, label)| html! { <option value={arn.clone()} selected={*arn == chosen}>{ label.clone() }</option> }) }
            </select>
            { if destinations.is_empty() { html! { <em>{ "Create a Firehose delivery stream (Direct PUT) or a Kinesis stream first." }</em> } } else { html! {} } }
        </label>
    }
}

/// A logging application and a subscription filter on its log group.
#[function_component(LogsForm)]
pub fn logs_form(props: &Props) -> Html {
    let (group, rate, format, filter, pattern, dest) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    let dest_choice = use_state(String::new);
    use_input_value(&group, "/app/web".into());
    use_input_value(&rate, "20".into());
    use_input_value(&filter, "errors".into());
    use_input_value(&pattern, "{ $.level = \"ERROR\" }".into());
    let onsubmit = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        let refs = (
            group.clone(),
            rate.clone(),
            format.clone(),
            filter.clone(),
            pattern.clone(),
            dest.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (group, rate, format, filter, pattern, dest) = &refs;
            let g = input_value(group);
            let r = input_value(rate).trim().parse::<f64>().unwrap_or(20.0);
            let app = json!({"Name": "web-app", "LogGroupName": g, "RatePerSecond": r, "Hosts": 2, "Format": select_value(format)});
            if !call_reported(&h, &cb, &error, "playground", "StartLogApplication", app) {
                return;
            }
            call_reported(
                &h,
                &cb,
                &error,
                "logs",
                "PutSubscriptionFilter",
                json!({
                    "logGroupName": g, "filterName": input_value(filter), "filterPattern": input_value(pattern),
                    "destinationArn": select_value(dest), "roleArn": "arn:aws:iam::123456789012:role/CWLtoFirehose",
                }),
            );
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="src-logs-form" aria-label="CloudWatch Logs subscription">
            <h3>{ "CloudWatch Logs → subscription filter" }</h3>
            <p class="hint small">{ "An application on 2 hosts writes log lines (PutLogEvents on streams host-0, host-1). The filter forwards matching events, gzip-compressed, in the subscription format." }</p>
            <div class="form row">
                <label class="wide">{ "Log group" }<input ref={group} data-testid="src-log-group" /></label>
                <label class="narrow">{ "Lines/s" }<input ref={rate} type="number" min="0" data-testid="src-log-rate" /></label>
            </div>
            <label>{ "Line format" }
                <select ref={format} data-testid="src-log-format">
                    <option value="JSON" selected=true>{ "JSON ({\"level\": …, \"latency_ms\": …})" }</option>
                    <option value="ACCESS_LOG">{ "Apache access log (space-delimited)" }</option>
                </select></label>
            <div class="form row">
                <label class="narrow">{ "Filter" }<input ref={filter} data-testid="src-filter-name" /></label>
                <label class="wide" title="Terms (ERROR -health ?WARN), JSON ({ $.level = \"ERROR\" }) or space-delimited ([ip, user, ..., status = 5*, bytes])">{ "Filter pattern" }<input ref={pattern} data-testid="src-filter-pattern" /></label>
            </div>
            { destination_select(&dest, &dest_choice, "src-log-dest", &props.destinations) }
            <button class="btn primary" type="submit" data-testid="src-logs-create">{ "Start application + PutSubscriptionFilter" }</button>
            { err_line(&error) }
        </form>
    }
}

/// An EventBridge rule with one target, and a way to send events.
#[function_component(EventsForm)]
pub fn events_form(props: &Props) -> Html {
    let (name, pattern, schedule, dest, detail) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    let dest_choice = use_state(String::new);
    let sent = use_mut_ref(|| 0u64);
    use_input_value(&name, "big-orders".into());
    use_input_value(
        &pattern,
        r#"{"source": ["shop.orders"], "detail": {"amount": [{"numeric": [">", 100]}]}}"#.into(),
    );
    use_input_value(
        &detail,
        r#"{"order": 1, "amount": 250, "country": "DE"}"#.into(),
    );
    let onsubmit = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        let refs = (
            name.clone(),
            pattern.clone(),
            schedule.clone(),
            dest.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, pattern, schedule, dest) = &refs;
            let rule = input_value(name);
            let sched = input_value(schedule);
            let req = if sched.trim().is_empty() {
                json!({"Name": rule, "EventPattern": input_value(pattern)})
            } else {
                json!({"Name": rule, "ScheduleExpression": sched.trim()})
            };
            if call_reported(&h, &cb, &error, "events", "PutRule", req) {
                call_reported(
                    &h,
                    &cb,
                    &error,
                    "events",
                    "PutTargets",
                    json!({"Rule": rule, "Targets": [{"Id": "target-1", "Arn": select_value(dest)}]}),
                );
            }
        })
    };
    let send = {
        let (h, cb, error, detail) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            detail.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            call_reported(
                &h,
                &cb,
                &error,
                "events",
                "PutEvents",
                json!({"Entries": [{"Source": "shop.orders", "DetailType": "Order Placed", "Detail": input_value(&detail)}]}),
            );
        })
    };
    let send_ten = {
        let (h, cb, error, sent) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            sent.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let base = *sent.borrow();
            let entries: Vec<_> = (0..10u64)
                .map(|i| {
                    let n = base + i;
                    let amount = (n * 37) % 300;
                    let country = ["DE", "FR", "US"][(n % 3) as usize];
                    let detail =
                        json!({"order": n, "amount": amount, "country": country}).to_string();
                    json!({"Source": "shop.orders", "DetailType": "Order Placed", "Detail": detail})
                })
                .collect();
            *sent.borrow_mut() += 10;
            call_reported(
                &h,
                &cb,
                &error,
                "events",
                "PutEvents",
                json!({"Entries": entries}),
            );
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="src-events-form" aria-label="EventBridge rule">
            <h3>{ "EventBridge rule → target" }</h3>
            <label>{ "Rule name" }<input ref={name} data-testid="src-rule-name" /></label>
            <label>{ "Event pattern" }<input ref={pattern} data-testid="src-rule-pattern" /></label>
            <label>{ "…or schedule " }<em>{ "(rate(1 minute), cron(0/15 * * * ? *); wins over the pattern)" }</em><input ref={schedule} placeholder="rate(1 minute)" data-testid="src-rule-schedule" /></label>
            { destination_select(&dest, &dest_choice, "src-rule-dest", &props.destinations) }
            <button class="btn primary" type="submit" data-testid="src-rule-create">{ "PutRule + PutTargets" }</button>
            <label>{ "Detail of an Order Placed event (source shop.orders)" }<input ref={detail} data-testid="src-event-detail" /></label>
            <div class="form row">
                <button class="btn" type="button" onclick={send} data-testid="src-event-send">{ "PutEvents" }</button>
                <button class="btn" type="button" onclick={send_ten} data-testid="src-event-send-10">{ "Send 10 orders" }</button>
            </div>
            { err_line(&error) }
        </form>
    }
}

/// An AWS IoT topic rule with one action, a device fleet, and a message to publish.
#[function_component(IotForm)]
pub fn iot_form(props: &Props) -> Html {
    let (name, sql, dest, devices, rate, topic, payload) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    let dest_choice = use_state(String::new);
    use_input_value(&name, "overheat".into());
    use_input_value(
        &sql,
        "SELECT temperature, deviceId FROM 'sensors/+/telemetry' WHERE temperature > 50".into(),
    );
    use_input_value(&devices, "10".into());
    use_input_value(&rate, "20".into());
    use_input_value(&topic, "sensors/sensor-99/telemetry".into());
    use_input_value(
        &payload,
        r#"{"deviceId": "sensor-99", "temperature": 61.5}"#.into(),
    );
    let onsubmit = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        let refs = (name.clone(), sql.clone(), dest.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, sql, dest) = &refs;
            let arn = select_value(dest);
            let target = arn.rsplit('/').next().unwrap_or_default().to_string();
            let action = if arn.contains(":firehose:") {
                json!({"firehose": {"deliveryStreamName": target, "roleArn": "arn:aws:iam::123456789012:role/iot-rules", "separator": "\n"}})
            } else {
                json!({"kinesis": {"streamName": target, "roleArn": "arn:aws:iam::123456789012:role/iot-rules", "partitionKey": "${topic(2)}"}})
            };
            call_reported(
                &h,
                &cb,
                &error,
                "iot",
                "CreateTopicRule",
                json!({"ruleName": input_value(name), "topicRulePayload": {"sql": input_value(sql), "actions": [action]}}),
            );
        })
    };
    let start_fleet = {
        let (h, cb, error, devices, rate) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            devices.clone(),
            rate.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let n = input_value(&devices).trim().parse::<u64>().unwrap_or(10);
            let r = input_value(&rate).trim().parse::<f64>().unwrap_or(20.0);
            call_reported(
                &h,
                &cb,
                &error,
                "playground",
                "StartDeviceFleet",
                json!({"Name": "plant", "DeviceCount": n, "RatePerSecond": r}),
            );
        })
    };
    let publish = {
        let (h, cb, error, topic, payload) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            topic.clone(),
            payload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            use base64::Engine as _;
            let data = base64::engine::general_purpose::STANDARD.encode(input_value(&payload));
            call_reported(
                &h,
                &cb,
                &error,
                "iot-data",
                "Publish",
                json!({"topic": input_value(&topic), "payload": data, "qos": 1}),
            );
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="src-iot-form" aria-label="AWS IoT rule">
            <h3>{ "AWS IoT rule → action" }</h3>
            <label>{ "Rule name" }<input ref={name} data-testid="src-iot-name" /></label>
            <label>{ "Rule SQL (2016-03-23)" }<input ref={sql} data-testid="src-iot-sql" /></label>
            { destination_select(&dest, &dest_choice, "src-iot-dest", &props.destinations) }
            <button class="btn primary" type="submit" data-testid="src-iot-create">{ "CreateTopicRule" }</button>
            <div class="form row">
                <label class="narrow">{ "Devices" }<input ref={devices} type="number" min="1" data-testid="src-fleet-devices" /></label>
                <label class="narrow">{ "Msgs/s" }<input ref={rate} type="number" min="0" data-testid="src-fleet-rate" /></label>
                <button class="btn" type="button" onclick={start_fleet} data-testid="src-fleet-start">{ "Start device fleet" }</button>
            </div>
            <label>{ "Topic" }<input ref={topic} data-testid="src-publish-topic" /></label>
            <label>{ "Payload" }<input ref={payload} data-testid="src-publish-payload" /></label>
            <button class="btn" type="button" onclick={publish} data-testid="src-publish">{ "Publish" }</button>
            { err_line(&error) }
        </form>
    }
}
