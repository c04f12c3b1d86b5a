import { api, type Json } from '../api.ts';
import { date, h, table } from '../dom.ts';
import { field, onSubmit, select } from '../forms.ts';

/** Outcomes: what came of shared data, told back to its owners, and the form that records one. */

const OUTCOME_KINDS: Array<[string, string]> = [
  ['takedown', 'server taken down'],
  ['arrest', 'arrest'],
  ['site-removed', 'site removed'],
  ['false-positive', 'false positive'],
  ['confirmed', 'confirmed malicious'],
  ['other', 'other'],
];

export function outcomesTable(items: Json[]): HTMLElement {
  return table(
    'What came of it, as those who used it told',
    ['Outcome', 'When', 'Reported by', 'Note'],
    items.map((item) => [h('span', { class: `outcome outcome-${item.kind}` }, item.kind), date(item.occurredAt), item.organisation.name, item.note ?? '']),
  );
}

/** Recording what came of a value or a report: a takedown, an arrest, a false positive… */
export function outcomeForm(target: { type: string; value: string } | { report: number }, done: (message: string) => Promise<void>): HTMLElement {
  const kind = select('outcome-kind', OUTCOME_KINDS);
  const when = h('input', { id: 'outcome-date', type: 'date', value: new Date().toISOString().slice(0, 10) });
  const country = h('input', { id: 'outcome-country', size: 4, maxlength: '2', pattern: '[A-Za-z]{2}' });
  const note = h('input', { id: 'outcome-note', size: 40, maxlength: '4900' });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Record an outcome' },
    field('outcome-kind', 'Outcome', kind),
    field('outcome-date', 'Date', when),
    field('outcome-country', 'Country', country, 'ISO code'),
    field('outcome-note', 'Note', note),
    h('button', { type: 'submit' }, 'Record outcome'),
    feedback,
  );
  onSubmit(form, feedback, async () => {
    // the country travels in the note: outcomes carry no field of their own for it
    const text = [country.value.trim() ? `Country: ${country.value.trim().toUpperCase()}.` : '', note.value.trim()].filter(Boolean).join(' ');
    await api('/outcomes', {
      body: { kind: kind.value, ...target, ...(text ? { note: text } : {}), ...(when.value ? { occurredAt: `${when.value}T12:00:00Z` } : {}) },
    });
    await done(`Outcome recorded: ${kind.selectedOptions[0]?.textContent ?? kind.value}.`);
  });
  return form;
}
