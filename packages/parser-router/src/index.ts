import type { FormatParser } from '@portcullis/model';
import { ciscoAsa } from './cisco-asa/index.js';
import { ciscoIos } from './cisco-ios/index.js';
import { junos } from './junos/index.js';
import { mikrotik } from './mikrotik/index.js';
import { openwrt } from './openwrt/index.js';
import { opnsense, pfsense } from './pfsense/index.js';

/** Router and firewall configurations: Cisco IOS, Cisco ASA, Juniper Junos, OpenWrt, pfSense/OPNsense, MikroTik. */
export const routerParsers: readonly FormatParser[] = [ciscoIos, ciscoAsa, junos, openwrt, pfsense, opnsense, mikrotik];
