import type { DocumentFormat } from '../format.ts';
import { createStixParser } from './parse.ts';

const BUNDLE = /"type"\s*:\s*"bundle"/;
const STIX_ID_PROPERTY = /"id"\s*:\s*"[a-z0-9-]+--[0-9a-fA-F-]{36}"/;

export const stix: DocumentFormat = {
  id: 'stix',
  title: 'STIX 2.0/2.1 bundle or object (JSON), streamed; 2.0 is upgraded to 2.1',
  kind: 'exchange',
  reads: 'document',
  detect(head) {
    const text = head.trimStart();
    if (!text.startsWith('{') && !text.startsWith('[')) return 0;
    if (BUNDLE.test(text) && STIX_ID_PROPERTY.test(text)) return 0.95;
    if (STIX_ID_PROPERTY.test(text) && /"(spec_version|created|pattern)"\s*:/.test(text)) return 0.85;
    return 0;
  },
  createParser: createStixParser,
};

// what other areas build STIX with (research reports): patterns of values and back, TLP 2.0 markings
export { patternOf } from './export.ts';
export { indicatorValues } from './pattern-values.ts';
export { TLP2_MARKINGS, tlpMarkingDefinition, tlpOfMarking } from './vocab.ts';
