import { clip } from '../../errors.ts';
import { TLP_LEVELS, timestampKey, type Issue, type Observation, type StixObject, type Tlp } from '../../model/index.ts';
import type { DocumentSink, ParseContext, TextParser } from '../format.ts';
import { JsonStream } from '../common/json-stream.ts';
import { observablesOf, valuesOfIndicator } from './values.ts';
import { isStix20, upgradeTo21 } from './upgrade.ts';
import { STIX_ID, kindOf, tlpOfMarking } from './vocab.ts';

/**
 * Observables held back at a time. Bundles put an observable near the indicator that names it, so
 * a window of this many (and the indicator values of the last two windows) catches the repeats
 * while memory stays bounded however large the bundle.
 */
const MAX_PENDING_OBSERVABLES = 20_000;

/**
 * Reads a STIX 2.0 or 2.1 document: a bundle (streamed object by object), a
 * single object, or a JSON array of objects. Every object is kept for the
 * object store (2.0 objects upgraded to 2.1 first); indicators and
 * observables also yield values for the indicator index. A bad object is
 * reported with its position in the bundle and its id, and skipped.
 */
export function createStixParser(ctx: ParseContext, sink: DocumentSink): TextParser {
  /** Marking definitions seen so far that carry a TLP level under their own id (2.0-style, or producers' copies). */
  const tlpMarkings = new Map<string, Tlp>();
  let bundleVersion: string | undefined;

  const issue = (line: number, field: string, code: string, message: string, severity: Issue['severity'] = 'error'): void =>
    sink.reject({ code, file: ctx.file, line, field, message, severity });

  const handle = (candidate: unknown, line: number, path: string): void => {
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
      issue(line, path, 'TIX_STIX_INVALID', 'not a STIX object (expected a JSON object)');
      return;
    }
    const raw = candidate as Record<string, unknown>;
    const label = typeof raw.id === 'string' ? `${path} (${clip(raw.id, 80)})` : path;
    if (typeof raw.type !== 'string' || raw.type === '') {
      issue(line, `${label}.type`, 'TIX_STIX_INVALID', 'missing "type"');
      return;
    }
    if (raw.type === 'bundle') {
      issue(line, label, 'TIX_STIX_INVALID', 'a bundle inside a bundle is not allowed; skipped');
      return;
    }
    if (typeof raw.id !== 'string' || !STIX_ID.test(raw.id) || !raw.id.startsWith(`${raw.type}--`)) {
      issue(line, `${label}.id`, 'TIX_STIX_INVALID', `"id" must be "${raw.type}--" followed by a UUID (got ${JSON.stringify(clip(String(raw.id), 80))})`);
      return;
    }
    let object = raw as StixObject;
    const declared = object.spec_version ?? bundleVersion;
    if (declared !== undefined && declared !== '2.0' && declared !== '2.1') {
      issue(line, `${label}.spec_version`, 'TIX_STIX_VERSION', `spec_version "${clip(String(declared), 20)}" is not 2.0 or 2.1; skipped`);
      return;
    }
    if (isStix20(object) || (object.spec_version === undefined && bundleVersion === '2.0')) object = upgradeTo21(object);
    const kind = kindOf(object.type);
    if (kind === 'unknown') {
      issue(line, `${label}.type`, 'TIX_STIX_UNKNOWN_TYPE', `"${clip(object.type, 60)}" is not a STIX 2.1 type nor a custom x- type; kept as it is`, 'warning');
    }
    if (kind === 'sdo' || kind === 'sro' || (kind === 'custom' && object.modified !== undefined)) {
      for (const property of ['created', 'modified'] as const) {
        const stamp = object[property];
        if (typeof stamp !== 'string' || !timestampKey(stamp)) {
          issue(line, `${label}.${property}`, 'TIX_STIX_INVALID', `"${property}" must be a STIX timestamp (got ${JSON.stringify(clip(String(stamp), 40))})`);
          return;
        }
      }
    }
    const problem = checkProperties(object);
    if (problem) {
      issue(line, `${label}.${problem.property}`, 'TIX_STIX_INVALID', problem.message);
      return;
    }
    if (object.type === 'marking-definition') {
      const tlp = markingTlp(object);
      if (tlp) tlpMarkings.set(object.id, tlp);
    }
    const tlp = objectTlp(object, tlpMarkings);
    sink.object(object, line, tlp);
    if (object.type === 'indicator') valuesOfIndicator(object, { ctx, sink: indicatorSink, line, path: label, tlp });
    else if (object.type === 'observed-data') observablesOf(object, { ctx, sink, line, path: label, tlp });
    else if (kind === 'sco') {
      observablesOf(object, { ctx, sink: observableSink, line, path: label, tlp });
      if (pending.length > MAX_PENDING_OBSERVABLES) flushObservables();
    }
  };

  // A bare SCO carries no date and often repeats what an indicator of the same bundle says with dates:
  // its values are held back and land only if no indicator near it named them.
  let named = new Set<string>();
  let namedBefore = new Set<string>();
  const pending: Observation[] = [];
  const indicatorSink: DocumentSink = {
    ...sink,
    accept(observation) {
      named.add(`${observation.type}\0${observation.value}`);
      sink.accept(observation);
      if (named.size > 4 * MAX_PENDING_OBSERVABLES) flushObservables();
    },
  };
  const observableSink: DocumentSink = { ...sink, accept: (observation) => void pending.push(observation) };
  const flushObservables = (): void => {
    for (const observation of pending) {
      const key = `${observation.type}\0${observation.value}`;
      if (!named.has(key) && !namedBefore.has(key)) sink.accept(observation);
    }
    pending.length = 0;
    namedBefore = named;
    named = new Set();
  };

  let objects = 0;
  const stream = new JsonStream('objects', {
    element(text, line, index) {
      objects++;
      if (objects === 1) bundleVersion = declaredVersion(stream.member('spec_version')?.text);
      const path = `objects[${index}]`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        issue(line, path, 'TIX_JSON_SYNTAX', `malformed JSON: ${(error as Error).message}; object skipped`);
        return;
      }
      handle(parsed, line, path);
    },
  });

  return {
    write(chunk) {
      stream.write(chunk);
    },
    end() {
      finish();
      flushObservables();
    },
  };

  function finish(): void {
    const result = stream.end();
    if (result.damage) {
      issue(result.damage.line, `column ${result.damage.column}`, 'TIX_JSON_SYNTAX', `malformed JSON: ${result.damage.message}`);
      return;
    }
    if (result.shape === 'object') {
      const members: Record<string, unknown> = {};
      for (const [key, member] of result.members) {
        try {
          members[key] = JSON.parse(member.text);
        } catch (error) {
          issue(member.line, key, 'TIX_JSON_SYNTAX', `malformed JSON: ${(error as Error).message}`);
          return;
        }
      }
      if (members.type === 'bundle') {
        // objects were streamed before the bundle's own members were all known; a bundle of 2.0 says so in spec_version
        if (members.spec_version !== undefined && members.spec_version !== '2.0' && members.spec_version !== '2.1') {
          issue(1, 'spec_version', 'TIX_STIX_VERSION', `bundle spec_version "${clip(String(members.spec_version), 20)}" is not 2.0 or 2.1`);
        }
        if (objects === 0) issue(1, 'objects', 'TIX_INPUT_EMPTY', 'the bundle holds no objects', 'warning');
        return;
      }
      handle(members, 1, '$');
    } else if (result.shape === 'value') {
      issue(1, '$', 'TIX_STIX_INVALID', 'not a STIX bundle or object (the document is a bare JSON value)');
    }
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function declaredVersion(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Type checks of the properties tix reads, so a wrong type is a clear message and not a crash further on. */
function checkProperties(object: StixObject): { property: string; message: string } | undefined {
  const strings = ['pattern', 'valid_from', 'valid_until', 'name', 'value'];
  for (const property of strings) {
    if (object[property] !== undefined && typeof object[property] !== 'string' && !(property === 'value' && typeof object[property] === 'number')) {
      return { property, message: `"${property}" must be a string` };
    }
  }
  for (const property of ['valid_from', 'valid_until']) {
    const stamp = object[property];
    if (typeof stamp === 'string' && !timestampKey(stamp)) return { property, message: `"${property}" must be a STIX timestamp (got "${clip(stamp, 40)}")` };
  }
  if (object.confidence !== undefined && (typeof object.confidence !== 'number' || !Number.isInteger(object.confidence) || object.confidence < 0 || object.confidence > 100)) {
    return { property: 'confidence', message: '"confidence" must be an integer from 0 to 100' };
  }
  if (object.object_marking_refs !== undefined && !(Array.isArray(object.object_marking_refs) && object.object_marking_refs.every((ref) => typeof ref === 'string'))) {
    return { property: 'object_marking_refs', message: '"object_marking_refs" must be a list of marking-definition ids' };
  }
  if (object.type === 'indicator' && typeof object.pattern !== 'string') return { property: 'pattern', message: 'an indicator needs a "pattern"' };
  if (object.type === 'artifact' && object.payload_bin !== undefined && !(typeof object.payload_bin === 'string' && BASE64.test(object.payload_bin))) {
    return { property: 'payload_bin', message: '"payload_bin" is not valid base64 (STIX 2.1 §6.1)' };
  }
  return undefined;
}

/** A marking definition's TLP level: the official ids, a TLP 2.0 extension, or a 2.0-style `definition: {tlp}`. */
function markingTlp(object: StixObject): Tlp | undefined {
  const known = tlpOfMarking(object.id);
  if (known) return known;
  const definition = object.definition as { tlp?: unknown } | undefined;
  const extensions = object.extensions as Record<string, { tlp_2_0?: unknown }> | undefined;
  const level = object.definition_type === 'tlp' ? definition?.tlp : Object.values(extensions ?? {}).find((extension) => extension?.tlp_2_0)?.tlp_2_0;
  if (typeof level !== 'string') return undefined;
  const name = level.toLowerCase() === 'white' ? 'clear' : level.toLowerCase();
  return (TLP_LEVELS as readonly string[]).includes(name) ? (name as Tlp) : undefined;
}

/** The most restrictive TLP among an object's markings. */
function objectTlp(object: StixObject, local: ReadonlyMap<string, Tlp>): Tlp | undefined {
  let tlp: Tlp | undefined;
  for (const ref of (object.object_marking_refs as string[] | undefined) ?? []) {
    const level = tlpOfMarking(ref) ?? local.get(ref);
    if (level && (tlp === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(tlp))) tlp = level;
  }
  return tlp;
}

export { objectTlp as tlpOfObject };
