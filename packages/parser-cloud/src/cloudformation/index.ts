import type { FormatParser } from '@portcullis/model';
import { FORMAT, detectCloudFormation, parseCloudFormation } from './parser.js';

export const cloudFormation: FormatParser = {
  format: FORMAT,
  description: 'AWS CloudFormation templates (YAML or JSON): security groups, their ingress/egress, network ACLs',
  detect: detectCloudFormation,
  parse: parseCloudFormation,
};
