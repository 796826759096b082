// Declarative rules are evaluated over an index of the exposures by port, with what each exposure
// and each group of exposures asks worked out once per scan. These tests hold that to a plain
// evaluation (every rule against every exposure, nothing kept) on generated estates, and the
// joining of devices by address to the address parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_PORTS,
  AddressSet,
  NO_PORTS,
  PORTED_PROTOCOLS,
  classifySources,
  describeAddresses,
  formatPorts,
  parseAddressSet,
  portSet,
  protocolNumber,
  serviceName,
  type PortSet,
  type SourceClass,
} from '@portcullis/model';
import { iptablesSave } from '@portcullis/parser-netfilter';
import { awsCli } from '@portcullis/parser-cloud';
import {
  DeviceAnalysis,
  activateRules,
  classMatches,
  deviceAddresses,
  evaluateRules,
  exposureTarget,
  fingerprint,
  loadBuiltinRules,
  type ActiveRule,
  type EvaluationContext,
  type Exposure,
  type Finding,
} from '@portcullis/engine';

const RANK: Record<SourceClass, number> = { anywhere: 0, public: 1, private: 2 };

function reachable(e: Exposure): PortSet {
  if (e.protocol === 'any') return ALL_PORTS;
  const n = protocolNumber(e.protocol);
  return n !== undefined && PORTED_PROTOCOLS.has(n) ? e.ports : NO_PORTS;
}

/** The sources of a group on `hit`: per stretch of ports every exposure reaches whole, the widest union, unless one exposure alone is open to everyone. */
function plainCombined(group: Exposure[], hit: PortSet): AddressSet {
  const reach = group.filter((g) => reachable(g).intersects(hit));
  const cuts = [...new Set(reach.flatMap((g) => [...reachable(g).intersect(hit).ranges()].flatMap(([a, b]) => [a, b + 1])))].sort((a, b) => a - b);
  let best = AddressSet.empty();
  let bestSize = -1n;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const seg = portSet([[cuts[i]!, cuts[i + 1]! - 1]]);
    const meeting = reach.filter((g) => reachable(g).intersects(seg));
    if (meeting.some((g) => g.anywhere)) continue;
    const from = meeting.reduce((acc, g) => acc.union(g.from), AddressSet.empty());
    if (from.intervals.size() > bestSize) [best, bestSize] = [from, from.intervals.size()];
  }
  return best;
}

/** Every declarative rule against every exposure, in order, merged as a scan merges them. */
function plainEvaluation(rules: ActiveRule[], ctx: EvaluationContext): Finding[] {
  const fill = (t: string, v: Record<string, string>): string => t.replace(/\{(\w+)\}/g, (whole, k: string) => v[k] ?? whole);
  const groupKey = (e: Exposure): string => `${e.device}|${e.target.host}|${e.target.address ?? ''}|${e.protocol === 'any' ? '*' : e.protocol}`;
  const findings: Finding[] = [];
  for (const rule of rules) {
    const m = rule.match!;
    const hits = new Map<string, { e: Exposure; hit: PortSet; ports: PortSet; from: AddressSet; cls: SourceClass }>();
    for (const e of ctx.exposures) {
      if (e.transit || (m.protocols && e.protocol !== 'any' && !m.protocols.includes(e.protocol))) continue;
      const ports = reachable(e);
      const hit = m.portSet ? ports.intersect(m.portSet) : ports;
      if (m.portSet && hit.isEmpty) continue;
      if (m.allPorts !== undefined && m.allPorts !== (e.protocol === 'any' || ports.isFull)) continue;
      if (m.portCountAbove !== undefined && !(ports.size() > BigInt(m.portCountAbove))) continue;
      let cls = classifySources(e.from, ctx.trusted);
      let from = e.from;
      const group = ctx.exposures.filter((g) => groupKey(g) === groupKey(e));
      if (cls !== 'anywhere' && !hit.isEmpty && group.length > 1) {
        const combined = plainCombined(group, hit);
        const combinedClass = classifySources(combined, ctx.trusted);
        if (RANK[combinedClass] < RANK[cls]) [cls, from] = [combinedClass, combined];
      }
      if (!classMatches(m.from, cls)) continue;
      const key = `${e.location.file}|${e.location.line}|${e.anchor}|${exposureTarget(e)}|${e.protocol}`;
      const seen = hits.get(key);
      if (!seen) hits.set(key, { e, hit, ports, from, cls });
      else Object.assign(seen, { hit: seen.hit.union(hit), ports: seen.ports.union(ports), from: seen.from.union(from), cls: RANK[cls] < RANK[seen.cls] ? cls : seen.cls });
    }
    for (const { e, hit, ports, from, cls } of hits.values()) {
      const shownPorts = m.portSet ? formatPorts(hit) : e.protocol === 'any' ? 'all' : formatPorts(ports);
      const single = hit.rangeCount === 1 && hit.bounds[0] === hit.bounds[1] ? hit.bounds[0]! : undefined;
      const service = (single !== undefined && serviceName(single, e.protocol)) || (single !== undefined ? 'unnamed service' : 'several services');
      const words = describeAddresses(from);
      const values = {
        service,
        ports: shownPorts,
        protocol: e.protocol,
        target: exposureTarget(e),
        from: cls === 'anywhere' ? `anywhere (${words})` : words,
        via: '',
        count: String(ports.size()),
        scope: e.protocol === 'any' ? 'ports of every protocol' : `${e.protocol} ports`,
      };
      const severity = rule.severityOverride ? rule.severity : (rule.definition.severityBy ?? []).find((s) => classMatches(s.from, cls))?.severity ?? rule.severity;
      const location: Finding['location'] = { file: e.location.file, line: e.location.line };
      if (e.location.column !== undefined) location.column = e.location.column;
      if (e.location.endLine !== undefined) location.endLine = e.location.endLine;
      if (e.location.resource !== undefined) location.resource = e.location.resource;
      findings.push({
        ruleId: rule.definition.id,
        severity,
        message: fill(rule.definition.message, values),
        location,
        exposure: { target: exposureTarget(e), protocol: e.protocol, ports: shownPorts, from: from.toCidrs() },
        fingerprint: fingerprint(rule.definition.id, e.location.file, e.location.resource ?? '', e.anchor, exposureTarget(e), e.protocol, shownPorts),
        suppressed: false,
      });
    }
  }
  const place = (f: Finding): string => `${f.location.file}|${f.location.line}|${f.exposure?.target}|${f.exposure?.protocol}`;
  const reported = new Set(findings.map((f) => `${f.ruleId}|${place(f)}`));
  const kept = findings.filter((f) => !(rules.find((r) => r.definition.id === f.ruleId)!.definition.subsumedBy ?? []).some((id) => reported.has(`${id}|${place(f)}`)));
  const merged = new Map<string, Finding>();
  for (const f of kept) {
    const key = `${f.ruleId}|${place(f)}|${f.exposure?.ports}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, f);
    else {
      const from = [...seen.exposure!.from, ...f.exposure!.from].reduce((acc, c) => acc.union(parseAddressSet(c)!), AddressSet.empty());
      seen.exposure = { ...seen.exposure!, from: from.toCidrs() };
      if (RANK_OF[f.severity]! < RANK_OF[seen.severity]!) Object.assign(seen, { severity: f.severity, message: f.message });
    }
  }
  return [...merged.values()];
}

const RANK_OF: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

const SOURCES = ['', '0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '100.0.0.0/8', '172.16.0.0/12', '203.0.113.0/24', '198.51.100.7', '0.0.0.0/2', '64.0.0.0/2'];
const PORTS = ['22', '23', '21', '3389', '5900', '3306', '63', '64', '127:129', '1000:1200', '49152:65535', '6379', '0:65535', '5985:5986', '8080'];

const chainRule = fc.record({
  source: fc.constantFrom(...SOURCES),
  protocol: fc.constantFrom('tcp', 'tcp', 'udp', 'all'),
  port: fc.constantFrom(...PORTS, ''),
  verdict: fc.constantFrom('ACCEPT', 'ACCEPT', 'ACCEPT', 'DROP'),
});

function chain(rules: { source: string; protocol: string; port: string; verdict: string }[]): string {
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (const r of rules) {
    const src = r.source ? ` -s ${r.source}` : '';
    const proto = r.protocol === 'all' ? '' : ` -p ${r.protocol}${r.port ? ` -m ${r.protocol} --dport ${r.port}` : ''}`;
    lines.push(`-A INPUT${src}${proto} -j ${r.verdict}`);
  }
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

function context(text: string, trusted: AddressSet): EvaluationContext {
  const device = iptablesSave.parse({ path: 'gen.rules', text }).devices[0]!;
  const analysis = new DeviceAnalysis(device);
  return { devices: [device], analyses: [analysis], exposures: analysis.exposures(), services: [], hosts: new Map(), observed: { observations: [], scans: [] }, trusted };
}

describe('declarative rules', () => {
  it('find what a plain evaluation of every rule against every exposure finds (generated chains)', () => {
    const defs = loadBuiltinRules().map((rule) => ({ rule, source: 'builtin' }));
    fc.assert(
      fc.property(
        // Long enough for a target's group to pass the size from which it gets an index of its own.
        fc.array(chainRule, { minLength: 1, maxLength: 90 }),
        fc.constantFrom('', '10.0.0.0/8', '203.0.113.0/24', '0.0.0.0/1'),
        fc.integer({ min: 0, max: 3000 }),
        (rules, trusted, wide) => {
          const active = activateRules(defs, { 'no-wide-public-port-range': { options: { portCountAbove: wide } } }, 'portcullis.yaml', []).filter((r) => r.match);
          const ctx = context(chain(rules), trusted ? parseAddressSet(trusted)! : AddressSet.empty());
          expect(evaluateRules(active, ctx)).toEqual(plainEvaluation(active, ctx));
        },
      ),
      { numRuns: 150, seed: 20261126 },
    );
  });

  it('see one finding where sources split over two rules make up everyone', () => {
    const rules = ['0.0.0.0/1', '128.0.0.0/1'].map((source) => ({ source, protocol: 'tcp', port: '3389', verdict: 'ACCEPT' }));
    const active = activateRules(loadBuiltinRules().map((rule) => ({ rule, source: 'builtin' })), {}, 'portcullis.yaml', []);
    const findings = evaluateRules(active, context(chain(rules), AddressSet.empty()));
    expect(findings.map((f) => [f.ruleId, f.location.line, f.severity, f.exposure?.from])).toEqual([
      ['no-public-rdp', 5, 'high', ['0.0.0.0/0']],
      ['no-public-rdp', 6, 'high', ['0.0.0.0/0']],
    ]);
  });
});

describe('joining devices by address', () => {
  it('takes a device for an address exactly when its name parses as one', () => {
    const name = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, n]) => `${a}/${n}`),
      fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
      fc.ipV4().map((a) => ` ${a}\t`),
      fc.string({ unit: fc.constantFrom('1', '0', '9', '.', '/', '-', ':', ' ', '\t', 'a', 'f', 'g', 's', '%', 'x'), maxLength: 24 }),
    );
    fc.assert(
      fc.property(name, (groupId) => {
        const text = JSON.stringify({ SecurityGroups: [{ GroupId: groupId, IpPermissions: [] }] });
        const analyses = awsCli.parse({ path: 'groups.json', text }).devices.map((d) => new DeviceAnalysis(d));
        const parsed = parseAddressSet(analyses[0]!.device.name);
        expect(deviceAddresses(analyses, new Map()).size).toBe(parsed && !parsed.isEmpty ? 1 : 0);
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
