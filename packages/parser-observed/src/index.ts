import type { FormatParser } from '@portcullis/model';

/** What is actually listening: nmap XML, `ss -tlnp`/`-ulnp`/`-tulpn`, Windows `netstat -ano`. */
export const observedParsers: readonly FormatParser[] = [];
