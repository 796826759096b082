import type { ParseResult } from '@portcullis/model';
import { Inputs } from '../common/report.js';
import { convertEstate } from '../terraform/parser.js';
import { readPulumiResources, type PulumiResource } from './resources.js';

export { FORMAT as PULUMI_FORMAT, PULUMI_TYPES, PULUMI_UNKNOWN, PULUMI_UNKNOWN_REASON, type PulumiResource } from './resources.js';

/**
 * Pulumi resources (a policy pack's view of a resource or a stack) as model devices, through the
 * same AWS, Azure and GCP converters every other input kind uses. Diagnostics name the resource's
 * origin: its URN (line 1) unless the resource says where it is written.
 */
export function parsePulumiResources(resources: readonly PulumiResource[]): ParseResult {
  const inputs = new Inputs();
  return inputs.finish(convertEstate(readPulumiResources(resources, inputs), inputs));
}
