import type { Device, InputFile, ParseResult } from '@portcullis/model';
import { convertNetworkAcl, convertSecurityGroup } from '../aws/convert.js';
import { convertNsg } from '../azure/convert.js';
import { Inputs, type Reporter } from '../common/report.js';
import { convertFirewallRules } from '../gcp/convert.js';
import { TerraformModule } from './module.js';
import { readResources, type CloudEstate } from './schema.js';

/*
 * Terraform HCL: the `.tf` and `.tfvars` files of a folder are one module. Parse (tree-sitter) →
 * module (variables, locals, resources' instances) → the shared resource schema → the clouds'
 * representations → the clouds' converters.
 */

export const FORMAT = 'terraform';

export function parseTerraformFolder(files: InputFile[]): ParseResult {
  const inputs = new Inputs();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) inputs.add(f);
  const module = new TerraformModule(sorted, inputs);
  let devices: Device[] = [];
  try {
    devices = convertEstate(readResources(module.readResources(), FORMAT, inputs, (a, attr) => module.staticAttribute(a, attr)), inputs);
  } finally {
    module.dispose();
  }
  return inputs.finish(devices);
}

export function parseTerraform(file: InputFile): ParseResult {
  return parseTerraformFolder([file]);
}

/** The clouds' converters over everything one module or plan declares. */
export function convertEstate(estate: CloudEstate, reporter: Reporter): Device[] {
  return [
    ...estate.groups.map((g) => convertSecurityGroup(g, reporter)),
    ...estate.acls.map((a) => convertNetworkAcl(a, reporter)),
    ...estate.nsgs.map((n) => convertNsg(n, reporter)),
    ...convertFirewallRules(estate.firewalls, reporter),
  ];
}
