export { interpretSearch, type SearchTerms } from './interpret.ts';
