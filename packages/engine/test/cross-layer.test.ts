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
