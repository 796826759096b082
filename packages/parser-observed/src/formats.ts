import type { FormatInfo } from '@portcullis/model';
import { detectNetstat } from './netstat/detect.js';
import { detectNmapXml } from './nmap/detect.js';
import { detectSs } from './ss/detect.js';

/*
 * The observed-state formats as detection sees them: names, descriptions and detectors, which need
 * none of the readers. The engine loads a reader only when a file of its format turns up.
 */

export const nmapXmlFormat: FormatInfo = {
  format: 'nmap-xml',
  description: 'nmap XML report (nmap -oX), with -sV service versions',
  detect: detectNmapXml,
};

export const ssFormat: FormatInfo = {
  format: 'ss',
  description: 'ss socket table (ss -tlnp, -ulnp, -tulpn)',
  detect: detectSs,
};

export const netstatFormat: FormatInfo = {
  format: 'netstat',
  description: 'netstat connection table (Windows netstat -ano, Linux netstat -tulpn)',
  detect: detectNetstat,
};

export const observedFormats: readonly FormatInfo[] = [nmapXmlFormat, ssFormat, netstatFormat];
