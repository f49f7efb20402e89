//! Selecting values in a JSON answer for a goal: `Shards[*].HashKeyRange.StartingHashKey`,
//! `Records[0].PartitionKey`, `StreamDescriptionSummary.OpenShardCount`.

use serde_json::Value;

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Every,
}

fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    if path.is_empty() {
        return Ok(steps);
    }
    for part in path.split('.') {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name.to_string()));
        } else if rest.is_empty() {
            return Err(format!("empty step in path '{path}'"));
        }
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| format!("unclosed '[' in path '{path}'"))?;
            let inner = &r[..end];
            steps.push(if inner == "*" {
                Step::Every
            } else {
                Step::Index(
                    inner
                        .parse()
                        .map_err(|_| format!("'[{inner}]' is not an index or [*] in '{path}'"))?,
                )
            });
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!("unexpected '{rest}' in path '{path}'"));
        }
    }
    Ok(steps)
}

/// Every value `path` selects in `v` (none if a key is missing).
pub fn select<'a>(v: &'a Value, path: &str) -> Result<Vec<&'a Value>, String> {
    let steps = parse(path)?;
    let mut current = vec![v];
    for step in &steps {
        let mut next = Vec::new();
        for v in current {
            match step {
                Step::Key(k) => next.extend(v.get(k)),
                Step::Index(i) => next.extend(v.get(i)),
                Step::Every => {
                    if let Some(a) = v.as_array() {
                        next.extend(a.iter());
                    }
                }
            }
        }
        current = next;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        let v =
            json!({"Shards": [{"Id": "a", "R": {"S": "0"}}, {"Id": "b", "R": {"S": "5"}}], "N": 2});
        assert_eq!(select(&v, "N").unwrap(), vec![&json!(2)]);
        assert_eq!(select(&v, "Shards[1].Id").unwrap(), vec![&json!("b")]);
        assert_eq!(
            select(&v, "Shards[*].R.S").unwrap(),
            vec![&json!("0"), &json!("5")]
        );
        assert!(select(&v, "Missing.X").unwrap().is_empty());
        assert!(select(&v, "Shards[x]").is_err());
        assert!(select(&v, "Shards[0").is_err());
        assert!(select(&v, "a..b").is_err());
    }
}
