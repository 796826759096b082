import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '@portcullis/engine';
import { detectAsa } from '../src/cisco-asa/detect.js';
import { detectIos } from '../src/cisco-ios/detect.js';
import { repoRoot } from './cisco-helpers.js';

/*
 * Detection is by content: IOS and ASA configurations are told apart by their own marks, and
 * neither claims iptables-save, Junos, YAML, JSON or prose that quotes a command.
 */

interface Case {
  name: string;
  text: string;
  ios: 'yes' | 'no';
  asa: 'yes' | 'no';
}

const cases: Case[] = [
  {
    name: 'a small IOS router',
    text: 'hostname r1\n!\ninterface GigabitEthernet0/0\n ip address 203.0.113.2 255.255.255.0\n ip nat outside\n!\nend\n',
    ios: 'yes', asa: 'no',
  },
  {
    name: 'IOS access lists only',
    text: '!\naccess-list 10 permit 192.0.2.1\naccess-list 101 permit tcp any any eq 22\naccess-list 101 deny ip any any\n',
    ios: 'yes', asa: 'no',
  },
  {
    name: 'IOS named ACL and NAT',
    text: 'ip access-list extended OUTSIDE_IN\n permit tcp any any eq 443\n!\nip nat inside source static tcp 192.168.1.10 443 interface Dialer0 443\n',
    ios: 'yes', asa: 'no',
  },
  {
    name: 'an ASA',
    text: ': Saved\n:\nASA Version 9.8(4)\n!\nhostname fw\ninterface GigabitEthernet0/0\n nameif outside\n security-level 0\n',
    ios: 'no', asa: 'yes',
  },
  {
    name: 'an ASA without its version line',
    text: 'hostname fw\ninterface Vlan2\n nameif outside\n security-level 0\n ip address dhcp setroute\naccess-list OUT extended permit tcp any any eq 22\naccess-group OUT in interface outside\n',
    ios: 'no', asa: 'yes',
  },
  {
    name: 'iptables-save',
    text: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    ios: 'no', asa: 'no',
  },
  {
    name: 'Junos, hierarchical',
    text: 'system {\n    host-name fw;\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                address 203.0.113.2/24;\n            }\n        }\n    }\n}\n',
    ios: 'no', asa: 'no',
  },
  {
    name: 'Junos, set style',
    text: 'set system host-name fw\nset interfaces ge-0/0/0 unit 0 family inet address 203.0.113.2/24\nset security zones security-zone untrust interfaces ge-0/0/0.0\n',
    ios: 'no', asa: 'no',
  },
  {
    name: 'YAML',
    text: 'services:\n  - name: web\n    host: 192.168.1.10\n    port: 443\n',
    ios: 'no', asa: 'no',
  },
  {
    name: 'JSON',
    text: '{\n  "SecurityGroups": [\n    { "GroupId": "sg-1" }\n  ]\n}\n',
    ios: 'no', asa: 'no',
  },
  {
    name: 'notes that quote a command',
    text: '# How we harden routers\n\nPut `access-list 101 deny ip any any` at the end of every list.\nNever use interface ACLs without a remark.\n',
    ios: 'no', asa: 'no',
  },
];

describe('detection: Cisco IOS and ASA', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ios = detectIos({ path: 'input.cfg', text: c.text });
      const asa = detectAsa({ path: 'input.cfg', text: c.text });
      if (c.ios === 'yes') expect(ios).toBeGreaterThanOrEqual(0.7);
      else expect(ios).toBeLessThan(0.5);
      if (c.asa === 'yes') expect(asa).toBeGreaterThanOrEqual(0.7);
      else expect(asa).toBeLessThan(0.5);
    });
  }
});

describe('detection through the registry: every Cisco fixture is read by its own parser', () => {
  const dirs = { 'cisco-ios': 'fixtures/router/cisco-ios', 'cisco-asa': 'fixtures/router/cisco-asa' } as const;
  for (const [format, dir] of Object.entries(dirs)) {
    it(format, () => {
      const files = [...readdirSync(repoRoot + dir), ...readdirSync(`${repoRoot}${dir}/semantics`).map((f) => `semantics/${f}`)].filter((f) => f.endsWith('.cfg'));
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) {
        const path = `${dir}/${f}`;
        expect(detectFormat({ path, text: readFileSync(repoRoot + path, 'utf8') })?.format, path).toBe(format);
      }
    });
  }
});
