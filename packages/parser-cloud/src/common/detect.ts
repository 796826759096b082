import type { InputFile } from '@portcullis/model';

/*
 * Detection looks at the first part of a file only (the engine hands over 64 KiB), so it never
 * parses: it checks that the text starts like JSON or YAML and looks for the keys that only one
 * format has. The patterns are plain (no nested quantifiers): linear on any line.
 */

/** The text without a byte-order mark and leading blanks; empty when it does not start like JSON. */
export function jsonStart(file: InputFile): string {
  const text = file.text.startsWith('\uFEFF') ? file.text.slice(1) : file.text;
  const trimmed = text.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? trimmed : '';
}

/** Whether `"key"` appears as an object key (followed by a colon). */
export function hasKey(text: string, key: string): boolean {
  let from = 0;
  const needle = `"${key}"`;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return false;
    let i = at + needle.length;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (text[i] === ':') return true;
    from = at + 1;
  }
}

/** Whether `"key": "value…"` appears, the value starting with `prefix`. */
export function hasKeyValue(text: string, key: string, prefix: string): boolean {
  let from = 0;
  const needle = `"${key}"`;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return false;
    let i = at + needle.length;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] === ':') {
      i++;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] === '"' && text.startsWith(prefix, i + 1)) return true;
    }
    from = at + 1;
  }
}

export function extension(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  const dot = base.indexOf('.');
  return dot >= 0 ? base.slice(dot) : '';
}
