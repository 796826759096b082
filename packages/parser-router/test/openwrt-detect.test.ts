import { describe, expect, it } from 'vitest';
import { detectFormat } from '@portcullis/engine';
import { detectOpenwrt } from '../src/openwrt/index.js';
import { detectsItsOwnFilesOnly } from './openwrt-helpers.js';

/*
 * Detection is by content: uci firewall sections with their options, whatever the file is called.
 * It must not claim other formats, in the cases below and in every fixture of the repository and
 * file of the shared corpus that is not an OpenWrt firewall.
 */

const detect = (path: string, text: string): number => detectOpenwrt({ path, text });

describe('detect openwrt', () => {
  const claimed: { name: string; text: string; atLeast: number }[] = [
    { name: 'zones and a rule', text: "config zone\n\toption name 'wan'\n\toption input 'REJECT'\n\nconfig rule\n\toption src 'wan'\n\toption target 'ACCEPT'\n", atLeast: 0.95 },
    { name: 'uci export, quoted types', text: "package firewall\n\nconfig 'redirect'\n\toption 'src' 'wan'\n\toption 'dest_ip' '192.168.1.2'\n", atLeast: 1 },
    { name: 'one redirect', text: 'config redirect\n\toption src wan\n\toption src_dport 3389\n\toption dest_ip 192.168.1.20\n', atLeast: 0.8 },
    { name: 'defaults only', text: 'config defaults\n\toption input REJECT\n\toption forward REJECT\n', atLeast: 0.8 },
  ];
  for (const c of claimed) {
    it(`claims ${c.name}`, () => {
      expect(detect('firewall', c.text)).toBeGreaterThanOrEqual(c.atLeast);
      expect(detectFormat({ path: 'firewall', text: c.text })?.format).toBe('openwrt');
    });
  }

  const others: { name: string; path: string; text: string }[] = [
    { name: 'another uci file (network)', path: 'network', text: "config interface 'lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n" },
    { name: 'FortiOS', path: 'fgt.conf', text: 'config firewall policy\n    edit 1\n        set srcintf "wan1"\n        set action accept\n    next\nend\n' },
    { name: 'FortiOS with a rule block', path: 'fgt.conf', text: 'config rule\n    edit 1\n        set action pass\n    next\nend\n' },
    { name: 'iptables-save', path: 'gw.iptables-save', text: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n' },
    { name: 'nftables', path: 'fw.nft', text: 'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n  }\n}\n' },
    { name: 'Cisco IOS', path: 'edge.cfg', text: 'hostname edge\n!\ninterface GigabitEthernet0/0\n ip access-group 100 in\n!\naccess-list 100 permit tcp any any eq 22\n' },
    { name: 'Junos', path: 'srx.conf', text: 'set security zones security-zone untrust interfaces ge-0/0/0.0\n' },
    { name: 'RouterOS', path: 'r.rsc', text: '# by RouterOS 7.16\n/ip firewall filter\nadd action=accept chain=input\n' },
    { name: 'YAML', path: 'portcullis.yaml', text: 'config:\n  zone: wan\n  option: 1\n' },
    { name: 'JSON', path: 'x.json', text: '{ "config": "zone", "option": "name" }\n' },
    { name: 'XML', path: 'config.xml', text: '<?xml version="1.0"?>\n<pfsense><nat><rule><interface>wan</interface></rule></nat></pfsense>\n' },
    { name: 'a document quoting a section', path: 'notes.md', text: `# Router notes\n\n${'We forward RDP to the office PC.\n'.repeat(10)}config redirect\n\toption src wan\n` },
  ];
  for (const o of others) {
    it(`does not claim ${o.name}`, () => {
      expect(detect(o.path, o.text)).toBeLessThan(0.5);
      expect(detectFormat({ path: o.path, text: o.text })?.format).not.toBe('openwrt');
    });
  }
});

detectsItsOwnFilesOnly('openwrt', 'OpenWrt files', detect, (p) => /\/(router\/openwrt|demo-candidate-openwrt)\//.test(p));
