//! The chaos runner's invariants: after every step (acknowledged records retained, Firehose
//! ledgers balanced) and after the quiet period (KCL at least once, S3 holds exactly what was
//! delivered, nothing in flight, exactly-once equals the batch oracle).

use serde_json::json;

use super::pipeline::call;
use crate::engine::action_log::Session;

fn retained(s: &Session) -> u64 {
    s.world().kinesis.stream("orders").map_or(0, |st| {
        st.shards().iter().map(|sh| sh.records().len() as u64).sum()
    })
}

pub(super) fn acknowledged(s: &Session) -> u64 {
    s.world()
        .producers
        .all()
        .values()
        .filter(|p| !p.config.to_firehose())
        .map(|p| p.stats.sent)
        .sum()
}

pub(super) fn check_step(s: &mut Session) -> Result<u64, String> {
    let (kept, acked) = (retained(s), acknowledged(s));
    if kept != acked {
        return Err(format!("acknowledged Kinesis records lost: producers were told {acked} succeeded, the stream holds {kept}"));
    }
    for ds in ["archive", "logs"] {
        let p = call(
            s,
            "playground",
            "DescribeDeliveryPipeline",
            json!({"DeliveryStreamName": ds}),
        )?;
        let l = &p["Ledger"];
        let n = |k: &str| l[k].as_u64().unwrap_or(0);
        if n("Accepted")
            != n("Delivered") + n("Failed") + n("Dropped") + n("Expired") + n("InFlight")
        {
            return Err(format!("Firehose {ds} ledger does not balance: {l}"));
        }
    }
    Ok(2)
}

/// Records in the objects under `prefix`: newline-terminated text lines, or (CloudWatch Logs
/// records) gzip members each followed by the appended newline, decoded one by one.
fn records_in(s: &Session, prefix: &str, gzip_members: bool) -> u64 {
    let Some(bucket) = s.world().s3.bucket("lake") else {
        return 0;
    };
    let mut n = 0;
    for (_, o) in bucket.objects.iter().filter(|(k, _)| k.starts_with(prefix)) {
        if !gzip_members {
            n += o.body.iter().filter(|b| **b == b'\n').count() as u64;
            continue;
        }
        let mut rest: &[u8] = &o.body;
        while !rest.is_empty() {
            let mut d = flate2::bufread::GzDecoder::new(rest);
            if std::io::Read::read_to_end(&mut d, &mut Vec::new()).is_err() {
                break;
            }
            rest = d.into_inner();
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
            n += 1;
        }
    }
    n
}

pub(super) fn check_end(s: &mut Session) -> Result<u64, String> {
    let kept = retained(s);
    let rows = s
        .world()
        .kcl
        .apps()
        .get("billing")
        .and_then(|a| a.ledger.sink.as_ref().map(|r| r.len() as u64))
        .unwrap_or(0);
    if rows != kept {
        return Err(format!(
            "KCL at-least-once broken: the idempotent sink holds {rows} rows for {kept} records"
        ));
    }
    for (ds, prefix, gzip) in [("archive", "archive/", false), ("logs", "logs/", true)] {
        let p = call(
            s,
            "playground",
            "DescribeDeliveryPipeline",
            json!({"DeliveryStreamName": ds}),
        )?;
        let delivered = p["Ledger"]["Delivered"].as_u64().unwrap_or(0)
            + p["Ledger"]["Duplicates"].as_u64().unwrap_or(0);
        let lines = records_in(s, prefix, gzip);
        if lines != delivered {
            return Err(format!("Firehose {ds}: {lines} records in S3, the ledger says {delivered} delivered (duplicates included)"));
        }
        if p["Ledger"]["InFlight"].as_u64().unwrap_or(0) != 0 {
            return Err(format!(
                "Firehose {ds}: records still in flight after the quiet period: {}",
                p["Ledger"]
            ));
        }
    }
    let archive = call(
        s,
        "playground",
        "DescribeDeliveryPipeline",
        json!({"DeliveryStreamName": "archive"}),
    )?;
    if archive["Ledger"]["Accepted"].as_u64().unwrap_or(0) > kept {
        return Err(format!(
            "Firehose archive accepted more records than the stream holds: {}",
            archive["Ledger"]
        ));
    }
    let b = call(
        s,
        "playground",
        "RunBatchQuery",
        json!({"ApplicationName": "counts", "Limit": 1}),
    )?;
    if b["Comparison"]["Equal"] != json!(true) {
        return Err(format!(
            "exactly-once results differ from the batch oracle: {}",
            b["Comparison"]
        ));
    }
    Ok(4)
}
