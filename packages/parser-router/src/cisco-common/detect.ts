import type { InputFile } from '@portcullis/model';

/*
 * What the first part of a file says about being a Cisco configuration. IOS and ASA share most of
 * their look (`hostname`, `interface` sections, `!` separators, `access-list`); ASA alone has
 * `ASA Version`, `nameif`, `security-level`, `access-group … interface`, `object network`. Other
 * formats that could look alike are ruled out by their own marks: Junos braces and `set` lines,
 * iptables tables and rules, JSON, YAML mappings, XML.
 */

const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 400;

export interface CiscoEvidence {
  /** Lines with content (not blank, not a comment) looked at. */
  content: number;
  /** Distinct marks of an IOS-style configuration. */
  ios: Set<string>;
  /** Distinct marks of an ASA. */
  asa: Set<string>;
  /** Lines that belong to another format. */
  foreign: number;
}

/** The IOS and the ASA detector both ask about each file: its evidence is gathered once. */
const gathered = new WeakMap<InputFile, Readonly<CiscoEvidence>>();

export function ciscoEvidence(file: InputFile): Readonly<CiscoEvidence> {
  let ev = gathered.get(file);
  if (!ev) gathered.set(file, (ev = gather(file)));
  return ev;
}

function gather(file: InputFile): CiscoEvidence {
  const ev: CiscoEvidence = { content: 0, ios: new Set(), asa: new Set(), foreign: 0 };
  const head = file.text.slice(0, HEAD_CHARS);
  let lastTop = '';
  let lines = 0;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    if (lines++ > HEAD_LINES * 4) break;
    const line = raw.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed === '!' || trimmed.startsWith('! ') || trimmed.startsWith('!-')) {
      ev.ios.add('bang');
      continue;
    }
    if (trimmed.startsWith(':')) {
      if (/^: (Saved|Serial Number|Hardware|Written by|end)\b/.test(trimmed)) ev.asa.add('saved');
      continue;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith('//')) continue;
    if (ev.content++ >= HEAD_LINES) break;
    const indented = line[0] === ' ' || line[0] === '\t';
    if (isForeign(trimmed)) {
      ev.foreign++;
      continue;
    }
    if (!indented) {
      lastTop = trimmed.split(/[ \t]/, 1)[0]!.toLowerCase();
      if (/^(ASA|PIX|FWSM) Version \d/.test(trimmed)) ev.asa.add('version');
      else if (/^version \d{1,2}\.\d/.test(trimmed)) ev.ios.add('version');
      else if (/^hostname [^ \t{};]+$/.test(trimmed)) ev.ios.add('hostname');
      else if (/^interface [A-Za-z][\w/.:-]*( point-to-point| multipoint)?$/.test(trimmed)) ev.ios.add('interface');
      else if (/^ip access-list (standard|extended) \S+$/.test(trimmed)) ev.ios.add('ip-access-list');
      else if (/^access-list \d{1,4} (permit|deny|remark) /.test(trimmed)) ev.ios.add('access-list');
      else if (/^ip nat (inside|outside|pool) /.test(trimmed)) ev.ios.add('ip-nat');
      else if (/^ip route \d/.test(trimmed)) ev.ios.add('ip-route');
      else if (/^(line (con|vty|aux) \d|router (ospf|bgp|eigrp|rip)\b|service timestamps|boot-start-marker)/.test(trimmed)) ev.ios.add('router');
      else if (trimmed === 'end') ev.ios.add('end');
      else if (/^object (network|service) \S+$/.test(trimmed)) ev.asa.add('object');
      else if (/^access-group \S+ (in|out) interface \S+/.test(trimmed) || /^access-group \S+ global$/.test(trimmed)) ev.asa.add('access-group');
      else if (/^access-list \S+ (extended|standard|remark) /.test(trimmed)) ev.asa.add('access-list');
      else if (/^nat \([\w.-]+,[\w.-]+\) /.test(trimmed)) ev.asa.add('nat');
      else if (/^same-security-traffic permit /.test(trimmed)) ev.asa.add('same-security');
      continue;
    }
    // Indented lines: the sub-commands of the last top-level command.
    if (/^nameif \S+$/.test(trimmed)) ev.asa.add('nameif');
    else if (/^security-level \d{1,3}$/.test(trimmed)) ev.asa.add('security-level');
    else if (lastTop === 'interface' && /^ip address (\d{1,3}\.){3}\d{1,3} (\d{1,3}\.){3}\d{1,3}( secondary| standby .*)?$/.test(trimmed)) ev.ios.add('ip-address');
    else if (lastTop === 'interface' && /^ip (access-group \S+ (in|out)|nat (inside|outside))$/.test(trimmed)) ev.ios.add('interface-acl');
  }
  return ev;
}

/** Lines no Cisco configuration has, but Junos, iptables, JSON, YAML or XML do. */
function isForeign(line: string): boolean {
  const last = line[line.length - 1];
  if (last === '{' || last === '}' || last === ';') return true; // Junos hierarchy, JSON, code
  if (line.startsWith('set ') || line.startsWith('delete ') || line.startsWith('deactivate ')) return true; // Junos set style
  if (line[0] === '*' || line[0] === '-' || line[0] === '[' || line[0] === '<' || line[0] === '{' || line[0] === '"') return true;
  if (line === 'COMMIT') return true;
  // A YAML mapping key (`key: value`, `key:`); ASA comment lines start with ':' and were skipped.
  if (/^[A-Za-z_][\w.-]*:( |$)/.test(line)) return true;
  return false;
}

/** Marks that no other configuration language shares count double. */
const DISTINCT = new Set(['access-list', 'ip-access-list', 'ip-nat', 'interface-acl', 'nameif', 'security-level', 'access-group', 'version']);

/** How much a set of marks weighs: distinctive marks count double. */
export function weight(marks: Iterable<string>): number {
  let w = 0;
  for (const m of marks) w += DISTINCT.has(m) ? 2 : 1;
  return w;
}

/** A score from the weight of the marks, lowered by content that belongs to another format. */
export function score(marks: number, ev: CiscoEvidence): number {
  if (marks === 0) return 0;
  let s = Math.min(1, 0.3 + 0.15 * marks);
  if (ev.content > 0) s *= Math.max(0, 1 - (2 * ev.foreign) / ev.content);
  return Math.round(s * 100) / 100;
}
