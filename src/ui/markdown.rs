//! A small, safe Markdown subset for lesson texts: paragraphs, `-` and `1.` lists, `**bold**`,
//! `*italic*` and `` `code` ``. Everything becomes text nodes: raw HTML in a lesson shows as text.

use yew::prelude::*;

fn inline(text: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = ["`", "**", "*"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min_by_key(|(i, m)| (*i, std::cmp::Reverse(m.len())));
        let Some((i, mark)) = next else {
            out.push(html! { { rest.to_string() } });
            break;
        };
        let after = &rest[i + mark.len()..];
        let Some(end) = after.find(mark) else {
            out.push(html! { { rest.to_string() } });
            break;
        };
        if i > 0 {
            out.push(html! { { rest[..i].to_string() } });
        }
        let inner = after[..end].to_string();
        out.push(match mark {
            "`" => html! { <code>{ inner }</code> },
            "**" => html! { <strong>{ inner }</strong> },
            _ => html! { <em>{ inner }</em> },
        });
        rest = &after[end + mark.len()..];
    }
    html! { <>{ for out }</> }
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    if let Some(r) = t.strip_prefix("- ") {
        return Some((false, r));
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 {
        if let Some(r) = t[digits..].strip_prefix(". ") {
            return Some((true, r));
        }
    }
    None
}

/// Renders `text`.
pub fn render(text: &str) -> Html {
    let mut blocks: Vec<Html> = Vec::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if let Some((ordered, _)) = list_item(lines[0]) {
            let items: Vec<Html> = lines
                .iter()
                .map(|l| {
                    let body = list_item(l).map_or(*l, |(_, b)| b);
                    html! { <li>{ inline(body) }</li> }
                })
                .collect();
            blocks.push(if ordered {
                html! { <ol>{ for items }</ol> }
            } else {
                html! { <ul>{ for items }</ul> }
            });
        } else {
            blocks.push(html! { <p>{ inline(&lines.join(" ")) }</p> });
        }
    }
    html! { <div class="md">{ for blocks }</div> }
}
