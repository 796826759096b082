import type { InputFile } from '@portcullis/model';

/*
 * Recognises a Junos configuration from its content: `set` commands on Junos sections, or the
 * hierarchical form's top-level sections (`security {`, `interfaces {`) and the blocks only Junos
 * has (`from-zone a to-zone b {`, `security-zone x {`, `unit 0 {`), the `## Last commit` header and
 * the `version …;` line. Other `set` dialects (VyOS, RouterOS) and other brace formats (nftables,
 * HCL, JSON) lack the Junos-only statements, and Cisco configurations have neither form.
 */

const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 400;

const SECTIONS =
  'system|interfaces|security|firewall|applications|policy-options|routing-options|protocols|snmp|chassis|' +
  'routing-instances|vlans|services|groups|apply-groups|forwarding-options|class-of-service|event-options|access|' +
  'logical-systems|switch-options|ethernet-switching-options|poe|virtual-chassis|bridge-domains|schedulers';
const SET_LINE = new RegExp(`^(?:set|deactivate) (?:${SECTIONS}) `);
/** `set` statements no other `set` dialect has. */
const JUNOS_SET = /^(?:set|deactivate) (?:security|applications|routing-options|policy-options|chassis|routing-instances|class-of-service|event-options|forwarding-options|snmp|groups|apply-groups) |^(?:set|deactivate) interfaces [^ ]+ unit |^(?:set|deactivate) firewall (?:family|filter) /;
const TOP_BLOCK = new RegExp(`^(?:inactive: )?(?:${SECTIONS}) \\{$`);
const INNER_BLOCK = /^(?:inactive: )?(?:from-zone [^ ]+ to-zone [^ ]+|security-zone [^ ]+|host-inbound-traffic|unit \d+|family inet6?|term [^ ]+|rule-set [^ ]+|address-book [^ ]+|zones|policies) \{$/;
const HEADER = /^## Last (?:commit|changed):/;
const VERSION = /^version [^ ;]+;$/;

export function detectJunos(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let content = 0;
  let setLines = 0;
  let junosSet = 0;
  let topBlocks = 0;
  let innerBlocks = 0;
  let header = false;
  let version = false;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line === '}') continue;
    if (line.startsWith('#') || line.startsWith('/*')) {
      if (HEADER.test(line)) header = true;
      continue;
    }
    if (content++ >= HEAD_LINES) break;
    if (line.startsWith('set ') || line.startsWith('deactivate ')) {
      // Indented `set` lines are Cisco route-maps; Junos prints commands at the line start.
      if (raw.startsWith('set ') || raw.startsWith('deactivate ')) {
        if (SET_LINE.test(line)) setLines++;
        if (JUNOS_SET.test(line)) junosSet++;
      }
      continue;
    }
    if (VERSION.test(line) && raw.startsWith('version')) version = true;
    else if (TOP_BLOCK.test(line) && !raw.startsWith(' ') && !raw.startsWith('\t')) topBlocks++;
    else if (INNER_BLOCK.test(line)) innerBlocks++;
  }
  let score = 0;
  if (junosSet > 0) score = 0.95;
  else if (setLines > 0) score = 0.45;
  if (topBlocks > 0 && innerBlocks > 0) score = Math.max(score, 0.9);
  else if (topBlocks > 0 || innerBlocks > 1) score = Math.max(score, 0.5);
  if ((header || version) && (score > 0 || topBlocks + innerBlocks > 0)) score = Math.max(score, 0.95);
  if (header && version) score = 1;
  // A document that quotes a line or two is not a configuration.
  const known = setLines + topBlocks + innerBlocks;
  if (score > 0 && content > 0 && setLines > 0) score *= Math.min(1, 0.3 + setLines / content);
  else if (score > 0 && content > 0 && known < 3 && content > 20) score *= 0.5;
  if ((score > 0 || content === 0) && /\.(junos|jnpr|srx)$/i.test(file.path)) score += 0.3;
  return Math.min(1, Math.round(score * 100) / 100);
}
