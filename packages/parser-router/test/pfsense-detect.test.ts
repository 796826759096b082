import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '@portcullis/engine';
import { opnsense, pfsense } from '../src/pfsense/index.js';
import { CORPUS, repoRoot } from './pfsense-helpers.js';

const detect = (text: string, path = 'config.xml'): { pfsense: number; opnsense: number } => ({
  pfsense: pfsense.detect({ path, text }),
  opnsense: opnsense.detect({ path, text }),
});

describe('detect pfsense and opnsense', () => {
  const claimed: { name: string; text: string; format: 'pfsense' | 'opnsense' }[] = [
    { name: 'pfSense with the XML declaration', text: '<?xml version="1.0"?>\n<pfsense>\n\t<version>23.3</version>\n</pfsense>\n', format: 'pfsense' },
    { name: 'pfSense without a declaration, with a byte order mark', text: '\uFEFF<pfsense><system/></pfsense>', format: 'pfsense' },
    { name: 'OPNsense', text: '<?xml version="1.0"?>\n<opnsense>\n  <trigger_initial_wizard/>\n</opnsense>\n', format: 'opnsense' },
    { name: 'a comment before the root', text: '<?xml version="1.0"?>\n<!-- exported 2026-01-01 -->\n<opnsense>\n</opnsense>\n', format: 'opnsense' },
    { name: 'a DOCTYPE with an internal subset (read, and reported, rather than passed over)', text: '<?xml version="1.0"?>\n<!DOCTYPE pfsense [\n<!ENTITY a "b">\n]>\n<pfsense></pfsense>\n', format: 'pfsense' },
  ];
  for (const c of claimed) {
    it(`claims ${c.name}`, () => {
      expect(detect(c.text)[c.format]).toBe(1);
      expect(detectFormat({ path: 'config.xml', text: c.text })?.format).toBe(c.format);
    });
  }

  const others: { name: string; path: string; text: string }[] = [
    { name: 'nmap XML', path: 'scan.xml', text: '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>\n<nmaprun scanner="nmap" args="nmap -oX - 192.0.2.1">\n</nmaprun>\n' },
    { name: 'other XML naming pfsense inside', path: 'backup.xml', text: '<?xml version="1.0"?>\n<backup>\n  <pfsense>not the root</pfsense>\n</backup>\n' },
    { name: 'a root whose name starts like it', path: 'config.xml', text: '<pfsensebackup></pfsensebackup>' },
    { name: 'iptables-save', path: 'gw.iptables-save', text: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n' },
    { name: 'Cisco IOS', path: 'edge.cfg', text: 'hostname edge\n!\ninterface GigabitEthernet0/0\n ip access-group 100 in\n!\naccess-list 100 permit tcp any any eq 22\n' },
    { name: 'YAML', path: 'pfsense.yaml', text: 'pfsense:\n  rules: []\n' },
    { name: 'JSON', path: 'config.json', text: '{ "pfsense": { "filter": [] } }\n' },
    { name: 'a document about it', path: 'notes.md', text: '# Notes\n\nThe <pfsense> root element holds it all.\n' },
  ];
  for (const o of others) {
    it(`does not claim ${o.name}`, () => {
      expect(detect(o.text, o.path)).toEqual({ pfsense: 0, opnsense: 0 });
      expect(['pfsense', 'opnsense']).not.toContain(detectFormat({ path: o.path, text: o.text })?.format);
    });
  }

  /** Every file of the repository's fixtures and of the shared corpus: claimed by these parsers exactly when its path names pfsense or opnsense. */
  function filesUnder(root: string): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else out.push(path);
      }
    };
    if (existsSync(root)) walk(root);
    return out;
  }
  const roots = [repoRoot + 'fixtures', CORPUS.replace(/router\/$/, '')];
  for (const root of roots) {
    it(`claims exactly the pfSense and OPNsense files under ${relative(repoRoot, root) || root}`, () => {
      const files = filesUnder(root);
      expect(files.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const file of files) {
        const text = readFileSync(file, 'utf8').slice(0, 64 * 1024);
        const got = detectFormat({ path: relative(root, file), text })?.format;
        // The project keeps these files where a folder or the file's own name says which they are.
        const name = relative(root, file).toLowerCase();
        const want = name.includes('pfsense') ? 'pfsense' : name.includes('opnsense') ? 'opnsense' : undefined;
        const ours = got === 'pfsense' || got === 'opnsense' ? got : undefined;
        if (ours !== want) wrong.push(`${relative(root, file)}: ${got ?? 'nothing'}`);
      }
      expect(wrong).toEqual([]);
    });
  }
});
