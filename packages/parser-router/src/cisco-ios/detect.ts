import type { InputFile } from '@portcullis/model';
import { ciscoEvidence, score, weight } from '../cisco-common/detect.js';

/** Marks only an IOS-style router configuration has (a lone `hostname` or `!` could be anything). */
const STRONG = ['ip-access-list', 'access-list', 'ip-nat', 'ip-address', 'interface-acl', 'version', 'router', 'ip-route'];

/**
 * Recognises an IOS / IOS XE running-config from its content: `interface` sections with `ip
 * address`, `ip access-list`, numbered `access-list N permit`, `ip nat`, `!` separators, `end`.
 * A configuration with ASA marks (`nameif`, `security-level`, `ASA Version`…) is left to the ASA
 * reader.
 */
export function detectIos(file: InputFile): number {
  const ev = ciscoEvidence(file);
  if (!STRONG.some((m) => ev.ios.has(m))) return 0;
  const s = score(weight(ev.ios), ev);
  return ev.asa.size > 0 ? Math.round(s * 40) / 100 : s;
}
