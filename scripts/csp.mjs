// Trunk post_build hook: adds the page's Content-Security-Policy. Trunk's one inline script (the
// module that loads the wasm) is allowed by its SHA-256, so no other inline script, no eval, no
// foreign origin can run or be fetched: script-src 'self' + that hash + 'wasm-unsafe-eval' (to
// compile the wasm), everything else from the page's own origin; Yew sets style attributes, hence
// style-src-attr 'unsafe-inline'. Run by Trunk with TRUNK_STAGING_DIR set.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run through trunk build');
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length !== 1) throw new Error(`expected Trunk's one inline script, found ${inline.length}`);
const hash = createHash('sha256').update(inline[0], 'utf8').digest('base64');
const policy = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${hash}' 'wasm-unsafe-eval'`,
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
if (html.includes('http-equiv="Content-Security-Policy"')) throw new Error('index.html already has a CSP');
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
if (!html.includes('Content-Security-Policy')) throw new Error('no <meta charset> to put the CSP after');
writeFileSync(file, html);
