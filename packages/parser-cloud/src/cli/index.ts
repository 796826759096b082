import type { FormatParser } from '@portcullis/model';
import { awsCliFormat, azureCliFormat, gcloudCliFormat } from '../formats.js';
import { parseAwsCli } from './aws.js';
import { parseAzureCli } from './azure.js';
import { parseGcloud } from './gcloud.js';

/**
 * The CLI outputs are strict JSON, read by JSON.parse and a positions scan within about 6 times the
 * file's size (docs/robustness.md): they may be larger than other inputs.
 */
export const CLI_JSON_MAX_BYTES = 256 * 1024 * 1024;

export const awsCli: FormatParser = {
  ...awsCliFormat,
  parse: parseAwsCli,
  maxBytes: CLI_JSON_MAX_BYTES,
};

export const azureCli: FormatParser = {
  ...azureCliFormat,
  parse: parseAzureCli,
  maxBytes: CLI_JSON_MAX_BYTES,
};

export const gcloudCli: FormatParser = {
  ...gcloudCliFormat,
  parse: parseGcloud,
  maxBytes: CLI_JSON_MAX_BYTES,
};
