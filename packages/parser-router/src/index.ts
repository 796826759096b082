import type { FormatParser } from '@portcullis/model';

/** Router and firewall configurations: Cisco IOS, Cisco ASA, Juniper Junos, OpenWrt, pfSense/OPNsense, MikroTik. */
export const routerParsers: readonly FormatParser[] = [];
