//! S3 object keys (semantics.md §4.4): prefix expressions (`!{timestamp:…}`,
//! `!{firehose:random-string}`, `!{firehose:error-output-type}`, `!{partitionKeyFromQuery:k}`,
//! `!{partitionKeyFromLambda:k}`), the default UTC time prefix, and the object name
//! `<stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>`.

use crate::engine::rng::WorldRng;
use crate::engine::time::civil_from_unix_secs;

/// The prefix Firehose appends when a prefix has no timestamp expression (§4.4).
pub const DEFAULT_TIME_FORMAT: &str = "yyyy/MM/dd/HH/";
/// Longest evaluated prefix (§4.4).
pub const MAX_EVALUATED_PREFIX: usize = 512;
/// Longest configured prefix.
pub const MAX_PREFIX: usize = 1024;

/// One piece of a prefix template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// `!{timestamp:<format>}`.
    Timestamp(String),
    /// `!{firehose:random-string}`.
    RandomString,
    /// `!{firehose:error-output-type}`.
    ErrorOutputType,
    /// `!{partitionKeyFromQuery:k}`.
    FromQuery(String),
    /// `!{partitionKeyFromLambda:k}`.
    FromLambda(String),
}

/// Splits a template into parts, checking every expression.
pub fn parse(template: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("!{") {
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unterminated expression in prefix {template:?}"))?;
        let expr = &after[..end];
        let (ns, arg) = expr.split_once(':').ok_or_else(|| {
            format!("expression !{{{expr}}} needs a namespace, e.g. !{{timestamp:yyyy}}")
        })?;
        parts.push(match ns {
            "timestamp" => {
                format_timestamp(arg, 0)?;
                Part::Timestamp(arg.to_string())
            }
            "firehose" => match arg {
                "random-string" => Part::RandomString,
                "error-output-type" => Part::ErrorOutputType,
                other => return Err(format!("unknown firehose expression {other:?}; use random-string or error-output-type")),
            },
            "partitionKeyFromQuery" if !arg.is_empty() => Part::FromQuery(arg.to_string()),
            "partitionKeyFromLambda" if !arg.is_empty() => Part::FromLambda(arg.to_string()),
            other => return Err(format!("unknown prefix namespace {other:?}; one of timestamp, firehose, partitionKeyFromQuery, partitionKeyFromLambda")),
        });
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}

fn has_expressions(parts: &[Part]) -> bool {
    parts.iter().any(|p| !matches!(p, Part::Text(_)))
}

/// Checks `Prefix` and `ErrorOutputPrefix` against the rules of §4.4.
pub fn check_prefixes(
    prefix: Option<&str>,
    error_prefix: Option<&str>,
    partitioned: bool,
) -> Result<(), String> {
    for (name, p) in [("Prefix", prefix), ("ErrorOutputPrefix", error_prefix)] {
        if p.is_some_and(|p| p.len() > MAX_PREFIX) {
            return Err(format!("{name} is longer than {MAX_PREFIX} characters"));
        }
    }
    let parts = parse(prefix.unwrap_or(""))?;
    if parts.contains(&Part::ErrorOutputType) {
        return Err("!{firehose:error-output-type} may only appear in ErrorOutputPrefix".into());
    }
    let keyed = parts
        .iter()
        .any(|p| matches!(p, Part::FromQuery(_) | Part::FromLambda(_)));
    if keyed && !partitioned {
        return Err("partitionKeyFromQuery / partitionKeyFromLambda expressions need dynamic partitioning enabled".into());
    }
    if partitioned && !keyed {
        return Err("with dynamic partitioning enabled, Prefix must use at least one !{partitionKeyFromQuery:…} or !{partitionKeyFromLambda:…} expression".into());
    }
    if has_expressions(&parts) && error_prefix.is_none() {
        return Err(
            "ErrorOutputPrefix is required when Prefix contains expressions (semantics.md §4.4)"
                .into(),
        );
    }
    if let Some(e) = error_prefix {
        let eparts = parse(e)?;
        if eparts
            .iter()
            .any(|p| matches!(p, Part::FromQuery(_) | Part::FromLambda(_)))
        {
            return Err("ErrorOutputPrefix may not use partition keys".into());
        }
        if has_expressions(&eparts) && !eparts.contains(&Part::ErrorOutputType) {
            return Err("ErrorOutputPrefix must contain !{firehose:error-output-type} when it uses expressions (semantics.md §4.4)".into());
        }
    }
    Ok(())
}

/// Formats `unix_ms` (UTC) with a Java `DateTimeFormatter` pattern subset: `yyyy yy MM dd HH mm ss
/// DDD`, `'quoted text'`, and any other non-letter character as itself.
pub fn format_timestamp(pattern: &str, unix_ms: u64) -> Result<String, String> {
    let (y, mo, d, h, mi, s) = civil_from_unix_secs(unix_ms / 1000);
    let doy = day_of_year(y, mo, d);
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let close = chars[i + 1..]
                .iter()
                .position(|&x| x == '\'')
                .ok_or_else(|| format!("unterminated quote in timestamp pattern {pattern:?}"))?;
            out.extend(&chars[i + 1..i + 1 + close]);
            i += close + 2;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let piece = match (c, run) {
            ('y', 4) => format!("{y:04}"),
            ('y', 2) => format!("{:02}", y % 100),
            ('M', 2) => format!("{mo:02}"),
            ('d', 2) => format!("{d:02}"),
            ('H', 2) => format!("{h:02}"),
            ('m', 2) => format!("{mi:02}"),
            ('s', 2) => format!("{s:02}"),
            ('D', 3) => format!("{doy:03}"),
            _ => {
                return Err(format!(
                    "timestamp pattern {pattern:?}: '{}' is not supported (use yyyy, yy, MM, dd, HH, mm, ss, DDD, 'text')",
                    c.to_string().repeat(run)
                ))
            }
        };
        out.push_str(&piece);
        i += run;
    }
    Ok(out)
}

fn day_of_year(y: i64, m: u32, d: u32) -> u32 {
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    CUM[(m - 1) as usize] + d + u32::from(leap && m > 2)
}

/// What a template is evaluated with.
#[derive(Clone, Debug, Default)]
pub struct PrefixContext<'a> {
    /// Arrival time of the oldest record, Unix ms (UTC).
    pub unix_ms: u64,
    /// `!{firehose:error-output-type}`.
    pub error_output_type: Option<&'a str>,
    /// Keys from the jq query.
    pub from_query: &'a [(String, String)],
    /// Keys from the transform.
    pub from_lambda: &'a [(String, String)],
}

/// Evaluates a template; a missing partition key or an evaluated prefix over 512 characters is an
/// error (the record goes to the error output). Without any timestamp expression the default time
/// prefix is appended (§4.4).
pub fn evaluate(
    template: &str,
    ctx: &PrefixContext<'_>,
    rng: &mut WorldRng,
) -> Result<String, String> {
    let parts = parse(template)?;
    let mut out = String::new();
    let mut timed = false;
    for p in &parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Timestamp(f) => {
                timed = true;
                out.push_str(&format_timestamp(f, ctx.unix_ms)?);
            }
            Part::RandomString => out.push_str(&random_string(rng, 11)),
            Part::ErrorOutputType => {
                out.push_str(ctx.error_output_type.unwrap_or("processing-failed"))
            }
            Part::FromQuery(k) => out.push_str(lookup(ctx.from_query, k, "partitionKeyFromQuery")?),
            Part::FromLambda(k) => {
                out.push_str(lookup(ctx.from_lambda, k, "partitionKeyFromLambda")?)
            }
        }
    }
    if !timed {
        out.push_str(&format_timestamp(DEFAULT_TIME_FORMAT, ctx.unix_ms)?);
    }
    if out.len() > MAX_EVALUATED_PREFIX {
        return Err(format!(
            "evaluated prefix is {} characters; the limit is {MAX_EVALUATED_PREFIX}",
            out.len()
        ));
    }
    Ok(out)
}

fn lookup<'a>(keys: &'a [(String, String)], k: &str, ns: &str) -> Result<&'a str, String> {
    keys.iter()
        .find(|(name, _)| name == k)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| format!("!{{{ns}:{k}}} has no value for this record"))
}

/// The partition-independent part of a prefix (for the default error prefix): the literal
/// text before the first expression.
pub fn literal_head(template: Option<&str>) -> String {
    match template {
        None => String::new(),
        Some(t) => t.split("!{").next().unwrap_or("").to_string(),
    }
}

/// `n` random characters of `[a-z0-9]` from the world RNG.
pub fn random_string(rng: &mut WorldRng, n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// A version-4 UUID from the world RNG.
pub fn uuid(rng: &mut WorldRng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// `<stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>` (§4.4), time in UTC.
pub fn object_name(stream: &str, version: u64, unix_ms: u64, uuid: &str, ext: &str) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix_secs(unix_ms / 1000);
    format!("{stream}-{version}-{y:04}-{mo:02}-{d:02}-{h:02}-{mi:02}-{s:02}-{uuid}{ext}")
}
