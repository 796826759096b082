// Pulumi loads a policy pack with require(). The pack's modules are ES modules, some of them with
// top-level await, which require() cannot load; Pulumi awaits what the module exports, so this
// hands it the import of the pack.
const pack: Promise<unknown> = import('./index.js');
export = pack;
