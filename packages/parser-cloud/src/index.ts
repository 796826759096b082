import type { FormatParser } from '@portcullis/model';

/** Cloud security boundaries: AWS, Azure and GCP from Terraform, plan JSON, CloudFormation/ARM and CLI JSON. */
export const cloudParsers: readonly FormatParser[] = [];
