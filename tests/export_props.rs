//! Export never panics and never writes a line it could not read: random and mutated sessions.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::export::{export_session, ExportFormat};
use proptest::prelude::*;

const BASE: &str = include_str!("export/sessions/basics.jsonl");

fn mutate(line: &str, how: u8, at: usize) -> String {
    let cut = at % (line.len() + 1);
    let cut = (0..=cut)
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    match how % 6 {
        0 => line[..cut].to_string(),
        1 => format!("{}\"{}", &line[..cut], &line[cut..]),
        2 => line.replace("\"kinesis\"", "\"playground\""),
        3 => line.replace("\"StreamName\"", "\"Stream Name\""),
        4 => line.replace(':', ":[").to_string(),
        _ => line.replace("Data\":\"", "Data\":\"%%"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sessions_export_without_panicking(
        edits in proptest::collection::vec((1usize..24, any::<u8>(), any::<usize>()), 0..6),
        awscli in any::<bool>(),
    ) {
        let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
        for (i, how, at) in &edits {
            let i = i % lines.len();
            lines[i] = mutate(&lines[i], *how, *at);
        }
        let format = if awscli { ExportFormat::AwsCli } else { ExportFormat::Boto3 };
        if let Ok(e) = export_session(&lines.join("\n"), format) {
            // Every skipped line is named in the code's closing comment.
            for s in &e.skipped {
                let needle = format!("#   line {}:", s.line);
                prop_assert!(e.code.contains(&needle));
            }
        }
    }

    #[test]
    fn random_text_exports_without_panicking(text in "\\PC{0,400}") {
        let _ = export_session(&text, ExportFormat::Boto3);
        let _ = export_session(&text, ExportFormat::AwsCli);
    }
}
