import type { ParseResult } from '@portcullis/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGcloud, readGcloud } from '../src/cli/gcloud.js';
import { gcloudCli } from '../src/index.js';
import { cliJson, layouts, piecewiseAndWhole, savedOutputFindings, unplaced, type Json } from './cli-output.js';
import { codes, deviceNamed, expectAccounted, ruleView } from './helpers.js';

/*
 * gcloud's outputs as users save them: `gcloud compute firewall-rules describe NAME --format=json`
 * (one rule) and `gcloud compute firewall-rules list --format=json` (a list of them). Each rule's
 * nested lists (`allowed` and `denied` entries with their `ports`, `sourceRanges`, `targetTags`) are
 * read, its priority, direction and whether it is disabled; what the reader does not know is
 * reported at its line, and no entry goes missing unsaid.
 */


const PROJECT = 'https://www.googleapis.com/compute/v1/projects/shop-prod';

/** A firewall rule as gcloud prints it, with the fields every rule has. */
function firewall(id: string, fields: { [key: string]: Json }): { [key: string]: Json } {
  const name = fields['name'] as string;
  return {
    creationTimestamp: '2026-03-02T09:15:27.404-08:00',
    description: '',
    direction: 'INGRESS',
    disabled: false,
    id,
    kind: 'compute#firewall',
    logConfig: { enable: false },
    network: `${PROJECT}/global/networks/shop-vpc`,
    priority: 1000,
    selfLink: `${PROJECT}/global/firewalls/${name}`,
    ...fields,
  };
}

const WEB = firewall('7311842519873321001', {
  name: 'web-ingress',
  allowed: [
    { IPProtocol: 'tcp', ports: ['80', '443', '8000-8100'] },
    { IPProtocol: 'udp', ports: ['53'] },
    { IPProtocol: 'icmp' },
  ],
  priority: 900,
  sourceRanges: ['0.0.0.0/0'],
  targetTags: ['web', 'frontend'],
});
const DENY_DB_SSH = firewall('7311842519873321002', {
  name: 'deny-ssh-to-db',
  denied: [{ IPProtocol: 'tcp', ports: ['22'] }],
  priority: 100,
  sourceRanges: ['0.0.0.0/0', '::/0'],
  targetTags: ['db'],
});
const BASTION = firewall('7311842519873321003', {
  name: 'bastion-ssh',
  allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
  description: 'jump host',
  sourceRanges: ['0.0.0.0/0'],
  targetTags: ['bastion'],
});
const OLD_RDP = firewall('7311842519873321004', {
  name: 'old-rdp',
  allowed: [{ IPProtocol: 'tcp', ports: ['3389'] }],
  disabled: true,
  sourceRanges: ['0.0.0.0/0'],
});
const EGRESS = firewall('7311842519873321005', {
  name: 'no-smtp-out',
  denied: [{ IPProtocol: 'tcp', ports: ['25', '465', '587'] }],
  destinationRanges: ['0.0.0.0/0'],
  direction: 'EGRESS',
  priority: 500,
});
// Sources by tag only: instances whose addresses are not known here, and a note that says so.
const FROM_TAG = firewall('7311842519873321006', {
  name: 'app-to-db',
  allowed: [{ IPProtocol: 'tcp', ports: ['5432'] }],
  sourceTags: ['app'],
  targetTags: ['db'],
});
// An entry field this reader does not know (a newer API's, say): reported at its line, the entry still read.
const NEW_FIELD = firewall('7311842519873321007', {
  name: 'db-from-vpc',
  allowed: [{ IPProtocol: 'tcp', ports: ['5432'], portRangeSet: 'postgres' }],
  priority: 2000,
  sourceRanges: ['10.0.0.0/8'],
  targetTags: ['db'],
});

// The lines the tests name are lines of these texts: 41 and 215 of them.
const DESCRIBE = cliJson(WEB);
const LIST = cliJson([WEB, DENY_DB_SSH, BASTION, OLD_RDP, EGRESS, FROM_TAG, NEW_FIELD]);

/** The rules of one ruleset, one line each: id, the rule's text, ports, sources, symbolic sources, enabled, and the line. */
function rules(r: ParseResult, device: string, set: 'ingress' | 'egress'): string[] {
  return deviceNamed(r, device).rulesets[set]!.rules.map((rule) => {
    const v = ruleView(rule);
    const symbolic = v.symbolic.length > 0 ? ` symbolic ${v.symbolic.join(',')}` : '';
    return `${v.id} ${rule.text} | port ${v.ports} from ${v.sources.join(',') || '-'}${symbolic}${rule.enabled ? '' : ' (disabled)'} @${v.line}`;
  });
}

describe('gcloud compute firewall-rules describe: one rule, its entries and ranges in nested lists', () => {
  const r = gcloudCli.parse({ path: 'fw-describe.json', text: DESCRIBE });

  it('is a device for each target tag of the rule', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['shop-vpc (tag frontend)', 'shop-vpc (tag web)']);
  });

  it('reads every allowed entry with its ports, the source ranges and the priority, at the rule\'s line', () => {
    expect(rules(r, 'shop-vpc (tag web)', 'ingress')).toEqual([
      'ingress#1 ingress web-ingress allow priority 900 tcp 80,443,8000-8100 from 0.0.0.0/0 | port 80,443,8000-8100 from 0.0.0.0/0 @1',
      'ingress#2 ingress web-ingress allow priority 900 udp 53 from 0.0.0.0/0 | port 53 from 0.0.0.0/0 @1',
      'ingress#3 ingress web-ingress allow priority 900 icmp all from 0.0.0.0/0 | port all from 0.0.0.0/0 @1',
    ]);
    expect(rules(r, 'shop-vpc (tag frontend)', 'ingress')).toEqual(rules(r, 'shop-vpc (tag web)', 'ingress'));
  });

  it('reports nothing, and accounts for every line', () => {
    expect(codes(r)).toEqual([]);
    expectAccounted(r, DESCRIBE.split('\n').length - 1);
    expect(r.lines).toEqual({ total: 41, recognised: 33, ignored: 8, reported: 0 });
  });
});

describe('gcloud compute firewall-rules describe: a deny rule, an egress rule, a disabled rule', () => {
  it('denied entries over IPv4 and IPv6 sources', () => {
    const r = gcloudCli.parse({ path: 'fw.json', text: cliJson(DENY_DB_SSH) });
    expect(r.devices.map((d) => d.name)).toEqual(['shop-vpc (tag db)']);
    expect(rules(r, 'shop-vpc (tag db)', 'ingress')).toEqual(['ingress#1 ingress deny-ssh-to-db deny priority 100 tcp 22 from 0.0.0.0/0, ::/0 | port 22 from 0.0.0.0/0,::/0 @1']);
    expect(codes(r)).toEqual([]);
  });

  it('an egress rule: its destination ranges, in the egress ruleset', () => {
    const r = gcloudCli.parse({ path: 'fw.json', text: cliJson(EGRESS) });
    expect(rules(r, 'shop-vpc (all instances)', 'egress')).toEqual(['egress#1 egress no-smtp-out deny priority 500 tcp 25,465,587 to 0.0.0.0/0 | port 25,465,587 from 0.0.0.0/0,::/0 @1']);
    expect(rules(r, 'shop-vpc (all instances)', 'ingress')).toEqual([]);
  });

  it('a disabled rule is kept, disabled', () => {
    const r = gcloudCli.parse({ path: 'fw.json', text: cliJson(OLD_RDP) });
    expect(rules(r, 'shop-vpc (all instances)', 'ingress')).toEqual(['ingress#1 ingress old-rdp allow priority 1000 tcp 3389 from 0.0.0.0/0 | port 3389 from 0.0.0.0/0 (disabled) @1']);
  });

  it('an entry field the reader does not know is reported at its line; the entry is read', () => {
    const text = cliJson(NEW_FIELD);
    const r = gcloudCli.parse({ path: 'fw.json', text });
    expect(codes(r)).toEqual(['unsupported-field@5']);
    expect(rules(r, 'shop-vpc (tag db)', 'ingress')).toEqual(['ingress#1 ingress db-from-vpc allow priority 2000 tcp 5432 from 10.0.0.0/8 | port 5432 from 10.0.0.0/8 @1']);
    expectAccounted(r, text.split('\n').length - 1);
  });
});

describe('gcloud compute firewall-rules list: several rules, each with its nested lists', () => {
  const r = gcloudCli.parse({ path: 'fw-list.json', text: LIST });

  it('is a device for the rules without targets and one per target tag', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['shop-vpc (all instances)', 'shop-vpc (tag bastion)', 'shop-vpc (tag db)', 'shop-vpc (tag frontend)', 'shop-vpc (tag web)']);
  });

  it('orders each device\'s rules by priority, each at its line; untargeted denies guard every tag', () => {
    expect(rules(r, 'shop-vpc (tag db)', 'ingress')).toEqual([
      'ingress#1 ingress deny-ssh-to-db deny priority 100 tcp 22 from 0.0.0.0/0, ::/0 | port 22 from 0.0.0.0/0,::/0 @43',
      'ingress#2 ingress app-to-db allow priority 1000 tcp 5432 from tag:app | port 5432 from - symbolic tag:app @156',
      'ingress#3 ingress db-from-vpc allow priority 2000 tcp 5432 from 10.0.0.0/8 | port 5432 from 10.0.0.0/8 @185',
    ]);
    expect(rules(r, 'shop-vpc (all instances)', 'ingress')).toEqual(['ingress#1 ingress old-rdp allow priority 1000 tcp 3389 from 0.0.0.0/0 | port 3389 from 0.0.0.0/0 (disabled) @102']);
    expect(rules(r, 'shop-vpc (all instances)', 'egress')).toEqual(['egress#1 egress no-smtp-out deny priority 500 tcp 25,465,587 to 0.0.0.0/0 | port 25,465,587 from 0.0.0.0/0,::/0 @128']);
    expect(rules(r, 'shop-vpc (tag bastion)', 'egress')).toEqual(rules(r, 'shop-vpc (all instances)', 'egress'));
  });

  it('reports what it does not know or cannot count, at its line, and accounts for every line', () => {
    expect(codes(r)).toEqual(['source-tag-reference@156', 'unsupported-field@189']);
    expectAccounted(r, LIST.split('\n').length - 1);
    expect(r.lines).toEqual({ total: 215, recognised: 156, ignored: 58, reported: 1 });
  });
});

describe('gcloud compute firewall-rules list: rules for several tags, a tag named twice, untargeted denies', () => {
  const fw = (name: string, priority: number, fields: { [key: string]: Json }): { [key: string]: Json } =>
    firewall(String(priority), { name, priority, sourceRanges: ['0.0.0.0/0'], ...('denied' in fields ? {} : { allowed: [{ IPProtocol: 'tcp', ports: [String(priority)] }] }), ...fields });
  const list = [
    fw('web-and-db', 300, { targetTags: ['web', 'db', 'web'] }),
    fw('deny-all-telnet', 200, { denied: [{ IPProtocol: 'tcp', ports: ['23'] }] }),
    fw('db-only', 100, { targetTags: ['db'] }),
    fw('open-to-all', 400, {}),
    fw('deny-web-ftp', 50, { denied: [{ IPProtocol: 'tcp', ports: ['21'] }], targetTags: ['web'] }),
  ];
  const r = gcloudCli.parse({ path: 'fw-list.json', text: JSON.stringify(list, null, 2) + '\n' });
  const names = (device: string): string[] => deviceNamed(r, device).rulesets['ingress']!.rules.map((rule) => rule.text.split(' ')[1]!);

  it('gives each tag its rules and the untargeted denies, in priority order, each rule once', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['shop-vpc (all instances)', 'shop-vpc (tag db)', 'shop-vpc (tag web)']);
    expect(names('shop-vpc (all instances)')).toEqual(['deny-all-telnet', 'open-to-all']);
    expect(names('shop-vpc (tag db)')).toEqual(['db-only', 'deny-all-telnet', 'web-and-db']);
    expect(names('shop-vpc (tag web)')).toEqual(['deny-web-ftp', 'deny-all-telnet', 'web-and-db']);
    expect(deviceNamed(r, 'shop-vpc (tag web)').rulesets['ingress']!.rules.map((rule) => rule.id)).toEqual(['ingress#1', 'ingress#2', 'ingress#3']);
  });
});

describe('one rule, however the output holds it: the same devices and diagnostics', () => {
  const port = fc.oneof(fc.constantFrom('22', '80', '1000-2000', '65535'), fc.integer({ min: 1, max: 65535 }).map(String));
  const entry = fc.record({ IPProtocol: fc.constantFrom('tcp', 'udp', 'icmp', 'all', '47'), ports: fc.array(port, { maxLength: 3 }), portRangeSet: fc.constant('x') }, { requiredKeys: ['IPProtocol'] });
  const rule = fc
    .record(
      {
        action: fc.constantFrom('allowed', 'denied'),
        entries: fc.array(entry, { minLength: 1, maxLength: 3 }),
        direction: fc.constantFrom('INGRESS', 'EGRESS'),
        priority: fc.integer({ min: 0, max: 65535 }),
        disabled: fc.boolean(),
        ranges: fc.array(fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '::/0', '203.0.113.0/24'), { minLength: 1, maxLength: 3 }),
        targetTags: fc.array(fc.constantFrom('web', 'db', 'bastion'), { maxLength: 2 }),
        sourceTags: fc.array(fc.constantFrom('app', 'batch'), { maxLength: 2 }),
      },
    )
    .map((x) => firewall('1', {
      name: 'gen-rule',
      [x.action]: x.entries,
      direction: x.direction,
      priority: x.priority,
      disabled: x.disabled,
      [x.direction === 'INGRESS' ? 'sourceRanges' : 'destinationRanges']: x.ranges,
      ...(x.targetTags.length > 0 ? { targetTags: x.targetTags } : {}),
      ...(x.sourceTags.length > 0 ? { sourceTags: x.sourceTags } : {}),
    }));

  it('describe and list of one rule, indented or on one line: the same result, every entry read', () => {
    fc.assert(
      fc.property(rule, (one) => {
        const described = gcloudCli.parse({ path: 'f.json', text: cliJson(one) });
        expect(unplaced(gcloudCli.parse({ path: 'f.json', text: cliJson([one]) }))).toBe(unplaced(described));
        expect(unplaced(gcloudCli.parse({ path: 'f.json', text: JSON.stringify(one) }))).toBe(unplaced(described));
        // No entry lost: an entry is never "no entries", and each unknown entry field is reported.
        const entries = ((one['allowed'] ?? one['denied']) as { [key: string]: Json }[]);
        expect(described.diagnostics.filter((d) => d.message.includes('entries; it matches nothing'))).toEqual([]);
        expect(described.diagnostics.filter((d) => d.code === 'unsupported-field')).toHaveLength(entries.filter((e) => 'portRangeSet' in e).length);
      }),
      { numRuns: 150, seed: 22 },
    );
  });
});

describe('read a rule at a time: the same result as the document read whole', () => {
  const stray = fc.constantFrom<Json>(1, 'x', null, [], [{ IPProtocol: 'tcp' }]);
  const entry = fc.oneof(
    { weight: 5, arbitrary: fc.record({ IPProtocol: fc.constantFrom('tcp', 'udp', 'icmp', 'all', 'bogus', '6'), ports: fc.array(fc.oneof(fc.constantFrom('22', '1-100', 'x', '70000'), fc.integer({ min: 0, max: 70000 }), stray), { maxLength: 3 }), extra: fc.constant(1) }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: stray },
  );
  const texts = fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom<Json>('0.0.0.0/0', '10.0.0.0/8', '::/0', 'web', 'not-a-range') }, { weight: 1, arbitrary: stray }), { maxLength: 3 });
  const rule = fc.record(
    {
      name: fc.constantFrom('r1', 'r2'),
      network: fc.constantFrom(`${PROJECT}/global/networks/a`, 'b'),
      direction: fc.constantFrom('INGRESS', 'EGRESS', 'UP'),
      priority: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constant('10')),
      allowed: fc.array(entry, { maxLength: 3 }),
      denied: fc.array(entry, { maxLength: 2 }),
      sourceRanges: texts,
      destinationRanges: texts,
      sourceTags: texts,
      targetTags: texts,
      targetServiceAccounts: texts,
      disabled: fc.oneof(fc.boolean(), fc.constant('yes')),
      logConfig: fc.constant({ enable: false }),
      unknown: fc.constant([{ a: 1 }]),
    },
    { requiredKeys: [] },
  );
  const output = fc.oneof(fc.array(fc.oneof({ weight: 5, arbitrary: rule }, { weight: 1, arbitrary: stray }), { maxLength: 4 }), rule);

  it('generated outputs, a list or one rule, indented, on one line, with CRLF', () => {
    fc.assert(
      fc.property(output, layouts, (value, print) => {
        // The generated record's keys are optional (absent, never undefined): JSON as it is.
        const file = { path: 'fw.json', text: print(value as Json) };
        const { piecewise, whole } = piecewiseAndWhole(file, parseGcloud, readGcloud);
        expect(piecewise).toBe(whole);
      }),
      { numRuns: 300, seed: 24 },
    );
  });

  it('the describe and list outputs above', () => {
    for (const text of [DESCRIBE, LIST]) {
      const file = { path: 'fw.json', text };
      const { piecewise, whole } = piecewiseAndWhole(file, parseGcloud, readGcloud);
        expect(piecewise).toBe(whole);
    }
  });
});

describe('findings from the saved outputs', () => {
  const findings = savedOutputFindings('portcullis-gcloud-');

  it('describe: at the rule\'s first line', () => {
    expect(findings('fw-describe.json', DESCRIBE)).toEqual([
      // Once for each tag's device.
      'no-public-database@1 web-ingress',
      'no-public-database@1 web-ingress',
      'no-wide-public-port-range@1 web-ingress',
      'no-wide-public-port-range@1 web-ingress',
    ]);
  });

  it('list: at the lines of the rules that open the ports', () => {
    expect(findings('fw-list.json', LIST)).toEqual([
      'no-public-database@2 web-ingress',
      'no-public-database@2 web-ingress',
      'no-wide-public-port-range@2 web-ingress',
      'no-wide-public-port-range@2 web-ingress',
      // The disabled RDP rule opens nothing; the database's SSH is denied.
      'no-public-ssh@73 bastion-ssh',
    ]);
  });
});
