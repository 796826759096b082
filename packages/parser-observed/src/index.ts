import type { FormatParser } from '@portcullis/model';
import { netstatFormat, nmapXmlFormat, ssFormat } from './formats.js';
import { detectNetstat } from './netstat/detect.js';
import { parseNetstat } from './netstat/parser.js';
import { detectNmapXml } from './nmap/detect.js';
import { parseNmapXml } from './nmap/parser.js';
import { detectSs } from './ss/detect.js';
import { parseSs } from './ss/parser.js';

/** nmap's XML report (`nmap -oX`): scanned ports of one or more hosts, with `-sV` versions. */
export const nmapXml: FormatParser = {
  ...nmapXmlFormat,
  parse: parseNmapXml,
};

/** iproute2's `ss` socket table (`ss -tlnp`, `-ulnp`, `-tulpn`, `-a`, `-e`). */
export const ssListing: FormatParser = {
  ...ssFormat,
  parse: parseSs,
};

/** netstat's connection table: Windows `netstat -ano` / `-an` / `-anob`, Linux `netstat -tulpn`. */
export const netstatListing: FormatParser = {
  ...netstatFormat,
  parse: parseNetstat,
};

/** What is actually listening: nmap XML, `ss -tlnp`/`-ulnp`/`-tulpn`, Windows `netstat -ano`. */
export const observedParsers: readonly FormatParser[] = [nmapXml, ssListing, netstatListing];

export { detectNetstat, detectNmapXml, detectSs, parseNetstat, parseNmapXml, parseSs };
