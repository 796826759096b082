// A packet's source and destination are of one family. A device whose rules cover both families
// (an nftables `inet` table, a cloud security group, a router with IPv4 and IPv6 lists) is analysed
// as IPv4 packets and IPv6 packets, never as an IPv4 source sending to an IPv6 destination: such
// packets do not exist, and keeping them let a rule for one family leave the other family's half
// of its addresses to the rules after it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addresses } from '@portcullis/model';
import { exposureRows, scan, type ScanResult } from '@portcullis/engine';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scanText(name: string, text: string): ScanResult {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-families-'));
  dirs.push(dir);
  writeFileSync(join(dir, name), text);
  return scan({ paths: [name], cwd: dir, config: false, now: new Date('2026-11-26T00:00:00Z') });
}

const inet = (...rules: string[]): string =>
  ['table inet filter {', '  chain input {', '    type filter hook input priority 0; policy drop;', ...rules.map((r) => `    ${r}`), '  }', '}', ''].join('\n');

describe('packets of one family', () => {
  it('an IPv4 network dropped in a table for both families reaches no later rule for both', () => {
    const result = scanText('fw.nft', inet('ip saddr 198.51.100.0/24 drop', 'tcp dport 22 accept'));
    const ssh = exposureRows(result.exposures).filter((r) => r.protocol === 'tcp');
    expect(ssh).toHaveLength(1);
    const from = addresses(...ssh[0]!.from);
    expect(from.covers(addresses('::/0', '0.0.0.0/1', '198.51.99.0/24', '198.51.101.0/24'))).toBe(true);
    expect(from.intersects(addresses('198.51.100.0/24'))).toBe(false);
    const finding = result.findings.find((f) => f.ruleId === 'no-public-ssh')!;
    expect(finding.message).toContain('except');
  });

  it('a rule after one rule for each family is never reached', () => {
    const result = scanText('fw.nft', inet('meta nfproto ipv4 accept', 'meta nfproto ipv6 accept', 'tcp dport 22 accept'));
    const shadowed = result.findings.filter((f) => f.ruleId === 'no-shadowed-rule');
    expect(shadowed.map((f) => f.location.line)).toEqual([6]);
    expect(shadowed[0]!.message).toContain('lines 4, 5');
  });

  it('a security group rule for every protocol from a private IPv4 network and all of IPv6 opens every port to IPv6', () => {
    const groups = {
      SecurityGroups: [
        {
          GroupId: 'sg-0123456789abcdef0',
          GroupName: 'mixed',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.1.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
            { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.2.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [], UserIdGroupPairs: [] },
          ],
        },
      ],
    };
    const result = scanText('groups.json', JSON.stringify(groups, null, 2));
    const all = result.findings.filter((f) => f.ruleId === 'no-public-all-ports');
    // IPv4's port 443 went to the first rule; IPv6 meets the second rule whole.
    expect(all.map((f) => [f.exposure!.protocol, f.exposure!.ports, f.exposure!.from])).toEqual([['any', 'all', ['::/0']]]);
    expect(result.findings.filter((f) => f.ruleId === 'no-public-ssh')).toEqual([]);
  });
});
