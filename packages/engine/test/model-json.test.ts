import { describe, expect, it } from 'vitest';
import { compileSchema, loadSchema } from '@portcullis/model';
import { modelJson } from '@portcullis/engine';
import { scanFiles } from './helpers.js';

const validate = compileSchema<unknown>(loadSchema('model'));

describe('the normalised model as JSON', () => {
  it.each([
    'fixtures/demo',
    'fixtures/netfilter',
    '../shared/corpus/netfilter',
  ])('%s matches model.schema.json', (path) => {
    const result = scanFiles([path]);
    const json = JSON.parse(JSON.stringify(modelJson(result.devices, result.diagnostics))) as unknown;
    const check = validate(json);
    expect(check.ok ? [] : check.problems.slice(0, 5)).toEqual([]);
  });

  it('writes sets out as CIDRs and port lists', () => {
    const { devices } = scanFiles(['fixtures/netfilter/semantics/dnat-forward-allowed.iptables-save']);
    const json = modelJson(devices) as { devices: { forwards: unknown[] }[] };
    expect(json.devices[0]!.forwards).toEqual([
      {
        ruleId: 'nat/PREROUTING#1',
        protocols: ['tcp'],
        externalPorts: '8443',
        externalAddresses: ['0.0.0.0/0'],
        inInterface: { names: ['eth0'], negated: false },
        sources: ['0.0.0.0/0'],
        internalAddresses: ['192.168.1.100/32'],
        internalPorts: '443',
        enabled: true,
        text: expect.any(String) as string,
        origin: { file: 'fixtures/netfilter/semantics/dnat-forward-allowed.iptables-save', line: 6 },
      },
    ]);
  });
});
