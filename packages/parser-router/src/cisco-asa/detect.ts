import type { InputFile } from '@portcullis/model';
import { ciscoEvidence, score, weight } from '../cisco-common/detect.js';

/** Marks of an ASA (or PIX/FWSM) configuration that IOS does not have. */
const STRONG = ['version', 'nameif', 'security-level', 'access-group', 'object', 'nat', 'same-security'];

/**
 * Recognises a Cisco ASA configuration from its content: `ASA Version`, `nameif` and
 * `security-level` under interfaces, `access-group … interface`, `object network`, `nat (a,b)`.
 */
export function detectAsa(file: InputFile): number {
  const ev = ciscoEvidence(file);
  const strong = STRONG.filter((m) => ev.asa.has(m)).length;
  if (strong === 0) return 0;
  const shared = ['hostname', 'interface', 'bang'].filter((m) => ev.ios.has(m)).length;
  const marks = ev.asa.has('version') ? 6 : weight(ev.asa) + shared;
  return score(marks, ev);
}
