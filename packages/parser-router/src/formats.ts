import type { FormatInfo } from '@portcullis/model';
import { detectAsa } from './cisco-asa/detect.js';
import { detectIos } from './cisco-ios/detect.js';
import { detectJunos } from './junos/detect.js';
import { detectMikrotik } from './mikrotik/detect.js';
import { detectOpenwrt } from './openwrt/detect.js';
import { detectOpnsense, detectPfsense } from './pfsense/detect.js';

/*
 * The router formats as detection sees them: names, descriptions and detectors, which need none of
 * the readers. The engine loads a reader only when a file of its format turns up.
 */

export const ciscoAsaFormat: FormatInfo = {
  format: 'cisco-asa',
  description: 'Cisco ASA running-config (access lists, security levels, object and twice NAT)',
  detect: detectAsa,
};

export const ciscoIosFormat: FormatInfo = {
  format: 'cisco-ios',
  description: 'Cisco IOS / IOS XE running-config (ACLs, interfaces, static NAT)',
  detect: detectIos,
};

export const junosFormat: FormatInfo = {
  format: 'junos',
  description: 'Juniper Junos configuration (hierarchical or `set` commands)',
  detect: detectJunos,
};

export const openwrtFormat: FormatInfo = {
  format: 'openwrt',
  description: 'OpenWrt firewall configuration (/etc/config/firewall, uci; fw3 and fw4)',
  detect: detectOpenwrt,
};

export const pfsenseFormat: FormatInfo = {
  format: 'pfsense',
  description: 'pfSense config.xml (interfaces, aliases, port forwards, 1:1 NAT, filter rules)',
  detect: detectPfsense,
};

export const opnsenseFormat: FormatInfo = {
  format: 'opnsense',
  description: 'OPNsense config.xml (interfaces, aliases, port forwards, 1:1 NAT, filter rules, automation rules)',
  detect: detectOpnsense,
};

export const mikrotikFormat: FormatInfo = {
  format: 'mikrotik',
  description: 'MikroTik RouterOS export (/export: /ip firewall filter, nat, raw, address lists)',
  detect: detectMikrotik,
};

export const routerFormats: readonly FormatInfo[] = [ciscoIosFormat, ciscoAsaFormat, junosFormat, openwrtFormat, pfsenseFormat, opnsenseFormat, mikrotikFormat];
