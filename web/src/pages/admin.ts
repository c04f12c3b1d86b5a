import { api, type Json } from '../api.ts';
import { date, h, section, status, table } from '../dom.ts';
import type { Session } from '../session.ts';

const ROLES = ['reader', 'analyst', 'sync', 'admin'];

function form(label: string, fields: HTMLElement[], onSubmit: (form: HTMLFormElement) => Promise<void>, feedback: HTMLElement): HTMLFormElement {
  const element = h('form', { class: 'inline-form', 'aria-label': label }, ...fields, h('button', { type: 'submit' }, label));
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    void onSubmit(element).catch((error: unknown) => feedback.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error')));
  });
  return element;
}

function input(id: string, label: string, attrs: Record<string, string | boolean> = {}): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, ...attrs }));
}

function choice(id: string, label: string, options: string[]): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('select', { id, name: id }, ...options.map((option) => h('option', { value: option }, option))));
}

const value = (form: HTMLFormElement, name: string): string => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();

/** Sharing administration: organisations, users, agreements and API keys (a new key is shown once). */
export async function renderAdmin(main: HTMLElement, session: Session): Promise<void> {
  const operator = session.org.id === 1;
  const [orgs, users, agreements, keys] = await Promise.all([
    api<{ items: Json[] }>('/organisations'),
    api<{ items: Json[] }>('/users'),
    api<{ items: Json[] }>('/agreements'),
    api<{ items: Json[] }>('/keys'),
  ]);
  const feedback = h('div', { 'aria-live': 'polite', class: 'feedback' });
  const reload = async (message?: HTMLElement): Promise<void> => {
    main.replaceChildren();
    await renderAdmin(main, session);
    if (message) main.querySelector('.feedback')?.replaceChildren(message);
  };

  const keyForm = form(
    'Create API key',
    [choice('key-role', 'Role', ROLES), input('key-label', 'Label'), ...(operator ? [choice('key-org', 'Organisation', orgs.items.map((org) => org.name))] : [])],
    async (element) => {
      const created = await api<Json>('/keys', {
        body: { role: value(element, 'key-role'), ...(value(element, 'key-label') ? { label: value(element, 'key-label') } : {}), ...(operator ? { org: value(element, 'key-org') } : {}) },
      });
      const shown = h(
        'div',
        { class: 'secret', role: 'alert' },
        h('p', {}, 'The new key, shown this once only (tix keeps only its hash). Copy it now:'),
        h('code', { 'data-testid': 'new-key', tabindex: '0' }, String(created.key)),
      );
      await reload(shown);
    },
    feedback,
  );

  const userForm = form(
    'Add user',
    [
      input('user-name', 'Name', { required: true }),
      choice('user-role', 'Role', ROLES),
      input('user-email', 'E-mail (told of requests when the server sends mail)', { type: 'email' }),
      ...(operator ? [choice('user-org', 'Organisation', orgs.items.map((org) => org.name))] : []),
    ],
    async (element) => {
      const email = value(element, 'user-email');
      const created = await api<Json>('/users', { body: { name: value(element, 'user-name'), role: value(element, 'user-role'), ...(email ? { email } : {}), ...(operator ? { org: value(element, 'user-org') } : {}) } });
      await reload(h('div', { class: 'secret', role: 'alert' }, h('p', {}, `User ${created.user.name} added. Their password, shown this once only:`), h('code', { tabindex: '0' }, String(created.password ?? ''))));
    },
    feedback,
  );

  const orgForm = operator
    ? form(
        'Add organisation',
        [input('org-name', 'Name', { required: true }), choice('org-kind', 'Kind', ['vendor', 'international-police', 'regional-police', 'national-police', 'cert', 'isp', 'other']), input('org-country', 'Country (ISO alpha-2)', { pattern: '[A-Z]{2}', maxlength: '2' })],
        async (element) => {
          await api('/organisations', { body: { name: value(element, 'org-name'), kind: value(element, 'org-kind'), ...(value(element, 'org-country') ? { country: value(element, 'org-country') } : {}) } });
          await reload(status('Organisation added.'));
        },
        feedback,
      )
    : null;

  main.append(
    h('h1', {}, 'Sharing admin'),
    feedback,
    section(
      'API keys',
      table(
        'Keys (secrets are never shown again)',
        ['Prefix', 'Organisation', 'Role', 'Label', 'Created', 'Expires', 'Last used', 'State', ''],
        keys.items.map((key) => [
          h('code', {}, key.prefix),
          key.org.name,
          key.role,
          key.label ?? '',
          date(key.createdAt),
          date(key.expiresAt) || 'never',
          date(key.lastUsedAt),
          key.revokedAt ? `revoked ${date(key.revokedAt)}` : 'active',
          key.revokedAt
            ? ''
            : h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onclick: () =>
                    void api(`/keys/${key.prefix}/revoke`, { method: 'POST' })
                      .then(() => reload(status(`Key ${key.prefix} revoked.`)))
                      .catch((error: unknown) => feedback.replaceChildren(status(String(error), 'error'))),
                },
                `Revoke ${key.prefix}`,
              ),
        ]),
      ),
      keyForm,
    ),
    section(
      'Users',
      table('Users', ['Name', 'Organisation', 'Role', 'E-mail', 'Created', 'State'], users.items.map((user) => [user.name, user.org.name, user.role, user.email ?? '', date(user.createdAt), user.disabledAt ? 'disabled' : 'active'])),
      userForm,
    ),
    section(
      'Organisations',
      table('Organisations', ['Name', 'Kind', 'Country', 'Created'], orgs.items.map((org) => [org.name, org.kind, org.country ?? '', date(org.createdAt)])),
      orgForm,
    ),
    section(
      'Agreements',
      table(
        'Sharing agreements',
        ['Name', 'Members', 'Countries', 'Carries up to', 'From', 'Until', 'Purpose'],
        agreements.items.map((agreement) => [
          agreement.name,
          (agreement.members as Json[]).map((member) => member.name).join(', '),
          (agreement.countries as string[]).join(', '),
          String(agreement.maxTlp).toUpperCase(),
          date(agreement.startsAt),
          date(agreement.endsAt) || 'open-ended',
          agreement.purpose,
        ]),
      ),
      operator
        ? form(
            'Add agreement',
            [
              input('agreement-name', 'Name', { required: true }),
              h(
                'div',
                { class: 'field' },
                h('label', { for: 'agreement-members' }, 'Members'),
                h('select', { id: 'agreement-members', name: 'agreement-members', multiple: true, size: 4 }, ...orgs.items.map((org) => h('option', { value: org.name }, org.name))),
              ),
              input('agreement-countries', 'Countries (NG,GH)'),
              choice('agreement-tlp', 'Carries up to', ['amber', 'green', 'clear']),
              input('agreement-until', 'Until', { type: 'date' }),
              input('agreement-purpose', 'Purpose'),
            ],
            async (element) => {
              const members = [...(element.elements.namedItem('agreement-members') as HTMLSelectElement).selectedOptions].map((option) => option.value);
              const countries = value(element, 'agreement-countries').toUpperCase().split(/[\s,]+/).filter(Boolean);
              const until = value(element, 'agreement-until');
              await api('/agreements', {
                body: {
                  name: value(element, 'agreement-name'),
                  members,
                  countries,
                  maxTlp: value(element, 'agreement-tlp'),
                  purpose: value(element, 'agreement-purpose'),
                  ...(until ? { endsAt: `${until}T23:59:59Z` } : {}),
                },
              });
              await reload(status('Agreement added.'));
            },
            feedback,
          )
        : null,
    ),
  );
}
