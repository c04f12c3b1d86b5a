import { h, status } from './dom.ts';

/** Form parts shared by the pages that write: labelled fields, choices, and errors shown where the form is. */

export const WRITER_ROLES = ['analyst', 'sync', 'admin'];
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const PAPS = ['clear', 'green', 'amber', 'red'];

export function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('span', { id: `${id}-hint`, class: 'hint' }, hint) : null);
}

export function select(id: string, options: Array<string | [string, string]>, selected?: string, attrs: Record<string, string | boolean> = {}): HTMLSelectElement {
  return h(
    'select',
    { id, name: id, ...attrs },
    ...options.map((option) => {
      const [value, label] = typeof option === 'string' ? [option, option] : option;
      return h('option', { value, ...(value === selected ? { selected: true } : {}) }, label);
    }),
  );
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs a form's submission, showing a failure in its feedback region and keeping the button disabled while it runs. */
export function onSubmit(form: HTMLFormElement, feedback: HTMLElement, run: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    feedback.replaceChildren();
    void run()
      .catch((error: unknown) => feedback.replaceChildren(status(errorText(error), 'error')))
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

/** Comma- or line-separated names as a list. */
export function names(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((name) => name.trim())
    .filter(Boolean);
}
