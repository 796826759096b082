import { describe, expect, it } from 'vitest';
import { detectFormat } from '@portcullis/engine';
import { detectMikrotik } from '../src/mikrotik/index.js';
import { detectsItsOwnFilesOnly } from './mikrotik-helpers.js';

/*
 * Detection is by content: the `# … by RouterOS` header and menu paths, or firewall menus with
 * `add chain=` lines. It must not claim other formats, in the cases below and in every fixture of
 * the repository and file of the shared corpus that is not a RouterOS export.
 */

const detect = (path: string, text: string): number => detectMikrotik({ path, text });

describe('detect mikrotik', () => {
  const claimed: { name: string; text: string; atLeast: number }[] = [
    { name: 'an export with its header', text: '# 2026-01-21 01:17:52 by RouterOS 7.21\n# software id = X\n/interface bridge\nadd name=bridge\n', atLeast: 1 },
    { name: 'a RouterOS 6 header', text: '# dec/08/2017 18:26:17 by RouterOS 6.40.5\n/ip address\nadd address=192.168.115.1/24 interface=ether2\n', atLeast: 1 },
    { name: 'a firewall export without the header', text: '/ip firewall filter\nadd action=drop chain=input in-interface=ether1\n', atLeast: 0.9 },
    { name: 'the one-line style without the header', text: '/ip firewall nat add action=dst-nat chain=dstnat dst-port=3389 protocol=tcp to-addresses=10.0.0.5\n', atLeast: 0.9 },
  ];
  for (const c of claimed) {
    it(`claims ${c.name}`, () => {
      expect(detect('router.rsc', c.text)).toBeGreaterThanOrEqual(c.atLeast);
      expect(detectFormat({ path: 'export', text: c.text })?.format).toBe('mikrotik');
    });
  }

  const others: { name: string; path: string; text: string }[] = [
    { name: 'a shell script', path: 'fw.sh', text: '#!/bin/sh\n/sbin/iptables -A INPUT -j ACCEPT\n/usr/sbin/nft list ruleset\n' },
    { name: 'iptables-save', path: 'gw.iptables-save', text: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n' },
    { name: 'nftables', path: 'fw.nft', text: 'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n  }\n}\n' },
    { name: 'Cisco IOS', path: 'edge.cfg', text: 'hostname edge\n!\ninterface GigabitEthernet0/0\n ip access-group 100 in\n!\naccess-list 100 permit tcp any any eq 22\n' },
    { name: 'Junos', path: 'srx.conf', text: 'set security zones security-zone untrust interfaces ge-0/0/0.0\n' },
    { name: 'OpenWrt', path: 'firewall', text: 'config zone\n\toption name wan\n\toption input REJECT\n' },
    { name: 'YAML', path: 'play.yml', text: '- name: firewall\n  routeros_command:\n    commands: /ip firewall filter print\n' },
    { name: 'JSON', path: 'x.json', text: '{ "path": "/ip/firewall/filter", "chain": "input" }\n' },
    { name: 'XML', path: 'config.xml', text: '<?xml version="1.0"?>\n<pfsense><filter><rule><interface>wan</interface></rule></filter></pfsense>\n' },
    { name: 'a document quoting a command', path: 'notes.md', text: `# Router notes\n\n${'Remember to back up the router.\n'.repeat(10)}/ip firewall filter add chain=input action=drop\n` },
  ];
  for (const o of others) {
    it(`does not claim ${o.name}`, () => {
      expect(detect(o.path, o.text)).toBeLessThan(0.5);
      expect(detectFormat({ path: o.path, text: o.text })?.format).not.toBe('mikrotik');
    });
  }
});

detectsItsOwnFilesOnly('mikrotik', 'RouterOS exports', detect, (p) => /\/(router\/mikrotik|demo-candidate-mikrotik)\//.test(p));
