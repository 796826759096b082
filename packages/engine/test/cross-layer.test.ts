import { describe, expect, it } from 'vitest';
import { blockedRows, exposureRows } from '@portcullis/engine';
import { findingKeys, scanFiles } from './helpers.js';

const dir = 'fixtures/cross-layer';
const estate = (): ReturnType<typeof scanFiles> => scanFiles([dir], { inventory: `${dir}/services.yaml` });

describe('a router forward continues into the host behind it', () => {
  it('finds what the estate exposes, at the forward', () => {
    expect(findingKeys(estate())).toEqual([
      'no-forward-to-decommissioned@7',
      'no-public-rdp@8',
      'no-unknown-forward-target@8',
      'no-public-ssh@10',
      'no-public-ssh@9',
    ]);
  });

  it('the forward of 2222 ends at web1, whose own rule lets SSH in', () => {
    const row = exposureRows(estate().exposures).find((r) => r.path[0]?.line === 10);
    expect(row).toEqual({
      target: { host: 'web1' },
      protocol: 'tcp',
      ports: [[22, 22]],
      from: ['0.0.0.0/0'],
      anywhere: true,
      path: [
        { file: `${dir}/gateway.iptables-save`, line: 10, summary: 'DNAT tcp 2222 -> 192.168.1.50:22' },
        { file: `${dir}/gateway.iptables-save`, line: 18, summary: 'FORWARD allow' },
        { file: `${dir}/web1.iptables-save`, line: 9, summary: 'INPUT allow tcp 22' },
      ],
    });
  });

  it('the forward of 8080 is dropped by web1, and the table says by which rule', () => {
    const result = estate();
    expect(exposureRows(result.exposures).some((r) => r.ports.some(([a]) => a === 80))).toBe(false);
    expect(blockedRows(result.blocked)).toEqual([
      {
        target: { host: 'gateway', address: '192.168.1.50' },
        protocol: 'tcp',
        ports: [[80, 80]],
        from: ['0.0.0.0/0'],
        path: [
          { file: `${dir}/gateway.iptables-save`, line: 9, summary: 'DNAT tcp 8080 -> 192.168.1.50:80' },
          { file: `${dir}/gateway.iptables-save`, line: 18, summary: 'FORWARD allow' },
        ],
        blockedBy: { device: 'web1', file: `${dir}/web1.iptables-save`, line: 8, summary: 'INPUT deny tcp 80' },
      },
    ]);
  });

  it('without the inventory the devices are not joined', () => {
    const result = scanFiles([dir]);
    expect(result.blocked).toEqual([]);
    expect(findingKeys(result)).toContain('no-public-ssh@10');
    expect(exposureRows(result.exposures).find((r) => r.path[0]?.line === 10)?.target).toEqual({ host: 'gateway', address: '192.168.1.50' });
  });
});

describe('the same estate behind a Cisco router, with a scan of the wiki', () => {
  const cisco = 'fixtures/cross-layer-cisco';
  const scanEstate = (): ReturnType<typeof scanFiles> => scanFiles([cisco], { inventory: `${cisco}/services.yaml` });

  it('finds the forward to the retired webmail, the unknown forward, SSH on web1 and the wiki that no longer listens', () => {
    expect(scanEstate().findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.file.split('/').pop()}:${f.location.line}`)).toEqual([
      'no-default-accept@edge.cfg:7',
      'no-forward-to-decommissioned@edge.cfg:18',
      'no-public-vnc@edge.cfg:20',
      'no-unknown-forward-target@edge.cfg:20',
      'no-public-ssh@edge.cfg:23',
      'no-forward-without-listener@edge.cfg:25',
      'no-public-ssh@web1.iptables-save:9',
    ]);
  });

  it('says which of web1\'s rules drops the forward of 8080', () => {
    expect(blockedRows(scanEstate().blocked).map((b) => `${b.path[0]!.line} -> ${b.blockedBy.device} ${b.blockedBy.line} ${b.blockedBy.summary}`)).toEqual([
      '22 -> web1 8 INPUT deny tcp 80',
    ]);
  });

  it('routed transit is not listed as a service', () => {
    const rows = exposureRows(scanEstate().exposures);
    expect(rows.map((r) => `${r.target.host} ${r.target.address ?? ''} ${r.protocol} ${r.ports.map((p) => p.join('-')).join(',')}`).sort()).toEqual([
      'edge 192.168.1.100 tcp 443-443',
      'edge 192.168.1.60 tcp 443-443',
      'edge 192.168.1.77 tcp 5900-5900',
      'web1  tcp 22-22',
      'web1  tcp 22-22',
      'web1  tcp 443-443',
    ]);
  });
});
