import type { FormatParser } from '@portcullis/model';
import { cloudParsers } from '@portcullis/parser-cloud';
import { iptablesSave, nftablesJson, nftablesText } from '@portcullis/parser-netfilter';
import { observedParsers } from '@portcullis/parser-observed';
import { routerParsers } from '@portcullis/parser-router';
import { registerParsers } from './registry.js';

/**
 * Every reader, loaded at once: what `@portcullis/engine` gives its users, so that `scan` reads any
 * format straight away. The command line imports `@portcullis/engine/core` instead and loads only
 * the readers a scan needs (`scanAsync`).
 */
export const PARSERS: readonly FormatParser[] = [iptablesSave, nftablesText, nftablesJson, ...cloudParsers, ...routerParsers, ...observedParsers];

registerParsers(PARSERS);
