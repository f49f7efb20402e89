//! The most recent records of the shown stream, newest first, as a table (also the accessible
//! text alternative to the canvas).

use yew::prelude::*;

use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::format_duration;
use crate::ui::format::tail;
use crate::ui::palette::{key_hue, record_color, DARK, LIGHT};
use crate::ui::playground::{Handle, RecordRef};

/// Most rows shown.
pub const MAX_ROWS: usize = 200;

/// Properties of [`RecordsTable`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a selection.
    pub on_change: Callback<()>,
}

struct Row {
    shard: u32,
    seq_index: u64,
    seq: String,
    key: String,
    arrival_ms: u64,
    hash_key: u128,
    size: usize,
}

/// The records table.
#[function_component(RecordsTable)]
pub fn records_table(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let theme = if pg.dark { DARK } else { LIGHT };
    let mut rows: Vec<Row> = Vec::new();
    let mut total = 0usize;
    if let Some(stream) = pg.session.world().kinesis.stream(&pg.stream) {
        let epoch = pg.session.world().epoch();
        for shard in stream.shards() {
            total += shard.records().len();
            for r in shard.records().iter().rev().take(MAX_ROWS) {
                rows.push(Row {
                    shard: shard.index(),
                    seq_index: r.seq_index,
                    seq: shard
                        .sequence_number(r.seq_index, epoch.to_unix_ms(r.arrival_ms) / 1000)
                        .to_decimal(),
                    key: r.partition_key.to_string(),
                    arrival_ms: r.arrival_ms,
                    hash_key: r.hash_key,
                    size: r.data.len() + r.partition_key.len(),
                });
            }
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse((r.arrival_ms, r.shard, r.seq_index)));
    rows.truncate(MAX_ROWS);
    let selected = pg.selected.clone();
    let stream = pg.stream.clone();
    drop(pg);

    let body = rows.into_iter().map(|row| {
        let rref = RecordRef { stream: stream.clone(), shard: row.shard, seq_index: row.seq_index };
        let is_sel = selected.as_ref() == Some(&rref);
        let onclick = {
            let (h, cb) = (props.pg.clone(), props.on_change.clone());
            Callback::from(move |_| {
                h.0.borrow_mut().selected = Some(rref.clone());
                cb.emit(());
            })
        };
        let sid = shard_id(row.shard);
        html! {
            <tr data-testid="record-row" data-shard-id={sid.clone()} data-sequence-number={row.seq.clone()}
                data-partition-key={row.key.clone()} class={classes!(is_sel.then_some("selected"))}
                {onclick} tabindex="0">
                <td><span class="swatch" style={format!("background:{}", record_color(row.hash_key, &theme))}
                    title={format!("hue {}", key_hue(row.hash_key))}></span>{ row.key }</td>
                <td>{ sid }</td>
                <td class="mono" title={row.seq.clone()}>{ tail(&row.seq, 14) }</td>
                <td class="num">{ format_duration(row.arrival_ms) }</td>
                <td class="num">{ format!("{} B", row.size) }</td>
            </tr>
        }
    });

    html! {
        <section class="panel records" aria-labelledby="records-title">
            <h2 id="records-title">{ "Recent records" }<span class="muted">{ format!(" · {total} retained, newest first") }</span></h2>
            <div class="table-wrap">
                <table data-testid="records-table">
                    <thead><tr>
                        <th>{ "PartitionKey" }</th><th>{ "ShardId" }</th><th>{ "SequenceNumber" }</th>
                        <th class="num">{ "Arrival" }</th><th class="num">{ "Size" }</th>
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
        </section>
    }
}
