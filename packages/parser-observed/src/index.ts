import type { FormatParser } from '@portcullis/model';
import { detectNetstat } from './netstat/detect.js';
import { parseNetstat } from './netstat/parser.js';
import { detectNmapXml } from './nmap/detect.js';
import { parseNmapXml } from './nmap/parser.js';
import { detectSs } from './ss/detect.js';
import { parseSs } from './ss/parser.js';

/** nmap's XML report (`nmap -oX`): scanned ports of one or more hosts, with `-sV` versions. */
export const nmapXml: FormatParser = {
  format: 'nmap-xml',
  description: 'nmap XML report (nmap -oX), with -sV service versions',
  detect: detectNmapXml,
  parse: parseNmapXml,
};

/** iproute2's `ss` socket table (`ss -tlnp`, `-ulnp`, `-tulpn`, `-a`, `-e`). */
export const ssListing: FormatParser = {
  format: 'ss',
  description: 'ss socket table (ss -tlnp, -ulnp, -tulpn)',
  detect: detectSs,
  parse: parseSs,
};

/** netstat's connection table: Windows `netstat -ano` / `-an` / `-anob`, Linux `netstat -tulpn`. */
export const netstatListing: FormatParser = {
  format: 'netstat',
  description: 'netstat connection table (Windows netstat -ano, Linux netstat -tulpn)',
  detect: detectNetstat,
  parse: parseNetstat,
};

/** What is actually listening: nmap XML, `ss -tlnp`/`-ulnp`/`-tulpn`, Windows `netstat -ano`. */
export const observedParsers: readonly FormatParser[] = [nmapXml, ssListing, netstatListing];

export { detectNetstat, detectNmapXml, detectSs, parseNetstat, parseNmapXml, parseSs };
