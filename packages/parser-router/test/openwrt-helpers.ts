import { openwrt } from '../src/openwrt/index.js';
import { formatKit } from './router-helpers.js';

export * from './router-helpers.js';

/** The OpenWrt fixtures, corpus and readers. */
export const { FIXTURE_DIR, CORPUS, parseText, parseLines, parseFixture } = formatKit(openwrt, 'fixtures/router/openwrt', 'router/openwrt', 'firewall');
