import { describe, expect, it } from 'vitest';
import { parseTerraformFolder } from '../src/terraform/parser.js';

/*
 * How tree-sitter is driven: what one file's parse leaves behind must not reach the next file.
 */
describe('parsing one file after another', () => {
  it('a file read after one the parser gave up on is read from its own start', () => {
    // 70 KB of `"Z$` takes tree-sitter's error recovery past its budget (as in the fuzz regressions).
    const hopeless = { path: '/m/a.tf', text: `${'"Z$'.repeat(23_250)}\n` };
    const good = { path: '/m/b.tf', text: 'resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n' };
    const r = parseTerraformFolder([hopeless, good]);
    expect(r.diagnostics.filter((d) => d.file === '/m/a.tf').map((d) => d.code)).toEqual(['parse-error']);
    expect(r.diagnostics.filter((d) => d.file === '/m/b.tf')).toEqual([]);
    expect(r.devices.map((d) => d.name)).toEqual(['aws_security_group.web']);
  }, 20_000);
});
