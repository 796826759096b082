import { PolicyPack } from '@pulumi/policy';
import { portcullisPolicies } from './policies.js';

// Constructing the pack starts its analyzer server and prints the port for the Pulumi engine:
// this module is the pack's entry point, and the only one that does so.
new PolicyPack('portcullis', {
  description: 'Portcullis: which ports can be reached from where, and which of those should not be.',
  displayName: 'Portcullis network exposure',
  policies: portcullisPolicies(),
});
