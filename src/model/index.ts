export * from './vocab.ts';
export * from './observation.ts';
export * from './indicator.ts';
export * from './stix.ts';
export * from './evaluation.ts';
