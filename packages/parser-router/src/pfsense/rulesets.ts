import type { InterfaceMatch } from '@portcullis/model';
import type { RuleSpec as CommonSpec } from '../common/rulesets.js';

export { RulesetBuilder } from '../common/rulesets.js';

/** pfSense states its rules' interfaces as matches (a rule may be for every interface but one). */
export type RuleSpec = CommonSpec & { inInterface?: InterfaceMatch; outInterface?: InterfaceMatch };
