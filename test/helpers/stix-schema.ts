import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SCHEMAS = fileURLToPath(new URL('../fixtures/stix/schemas/', import.meta.url));
const BUNDLE_ID = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/bundle.json';

function schemaFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

let validateBundle: ValidateFunction | undefined;

/**
 * The OASIS STIX 2.1 JSON schemas (draft 2020-12), every `$ref` resolved
 * from the local copies: each schema is registered under its own `$id`, so
 * the relative references between them resolve without the network. The
 * schemas write `\-` in patterns, valid only without the `u` flag.
 */
export function stixBundleValidator(): ValidateFunction {
  if (validateBundle) return validateBundle;
  const ajv = new Ajv2020.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  // ajv-formats has no IDN host names; domain-name values are checked by tix's own normaliser
  ajv.addFormat('idn-hostname', true);
  for (const file of schemaFiles(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object);
  validateBundle = ajv.getSchema(BUNDLE_ID);
  if (!validateBundle) throw new Error('the bundle schema did not load');
  return validateBundle;
}

/** Schema errors of a bundle, readable in an assertion message; [] when it validates. */
export function bundleErrors(bundle: unknown): string[] {
  const validate = stixBundleValidator();
  if (validate(bundle)) return [];
  return (validate.errors ?? []).slice(0, 20).map((error: ErrorObject) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
}
