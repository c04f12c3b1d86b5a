import { api, ApiError, setCsrf } from './api.ts';
import { h, status } from './dom.ts';
import { renderAdmin } from './pages/admin.ts';
import { renderAudit } from './pages/audit.ts';
import { renderFeeds } from './pages/feeds.ts';
import { renderIndicator } from './pages/indicator.ts';
import { renderOperations } from './pages/operations.ts';
import { renderInvestigations } from './pages/investigations.ts';
import { renderOverview } from './pages/overview.ts';
import { renderReports } from './pages/reports.ts';
import { attentionCount, renderRequests } from './pages/requests.ts';
import { renderSearch } from './pages/search.ts';
import { renderTriage } from './pages/triage.ts';
import type { Session } from './session.ts';

const root = document.getElementById('app')!;
let session: Session | undefined;

/** The pages, by the first part of the location's hash (`#/search?q=…`). */
const PAGES: Record<string, { title: string; render: (main: HTMLElement, session: Session, path: string[], params: URLSearchParams) => Promise<void>; admin?: boolean; operator?: boolean }> = {
  overview: { title: 'Overview', render: renderOverview },
  search: { title: 'Search', render: renderSearch },
  indicator: { title: 'Indicator', render: renderIndicator },
  triage: { title: 'Evidence triage', render: renderTriage },
  operations: { title: 'Operations', render: renderOperations },
  reports: { title: 'Reports', render: renderReports },
  investigations: { title: 'Investigations', render: renderInvestigations },
  requests: { title: 'Requests', render: renderRequests },
  feeds: { title: 'Feeds', render: renderFeeds },
  admin: { title: 'Sharing admin', render: renderAdmin, admin: true },
  audit: { title: 'Audit', render: renderAudit, operator: true },
};

const NAV = ['overview', 'search', 'triage', 'reports', 'investigations', 'requests', 'operations', 'feeds', 'admin', 'audit'];

function visible(name: string, who: Session): boolean {
  const page = PAGES[name]!;
  if (page.admin && who.role !== 'admin') return false;
  if (page.operator && !(who.role === 'admin' && who.org.id === 1)) return false;
  return true;
}

function header(who: Session, current: string): HTMLElement {
  const levels = who.clearance.levels.map((level) => h('span', { class: `tlp tlp-${level.replace('+', '-')}` }, level.toUpperCase()));
  const agreements = who.clearance.agreements.map((agreement) => agreement.name).join(', ');
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/overview' }, 'tix'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        {},
        ...NAV.filter((name) => visible(name, who)).map((name) =>
          h('li', {}, h('a', { href: `#/${name}`, ...(name === current ? { 'aria-current': 'page' } : {}) }, PAGES[name]!.title, name === 'requests' ? h('span', { id: 'requests-badge', 'data-testid': 'requests-badge', hidden: true }) : null)),
        ),
      ),
    ),
    h(
      'div',
      { class: 'who', role: 'group', 'aria-label': 'Signed in as' },
      h('span', { class: 'who-user' }, who.user),
      h('span', { class: 'who-org', 'data-testid': 'org' }, who.org.name, who.org.country ? ` (${who.org.country})` : ''),
      h('span', { class: 'who-role' }, who.role),
      h('span', { class: 'who-clearance', 'data-testid': 'clearance' }, h('span', { class: 'sr-label' }, 'Clearance: '), ...levels, agreements ? h('span', { class: 'who-agreements' }, ` via ${agreements}`) : null, who.clearance.own ? h('span', { class: 'who-agreements' }, ' · own data at every level') : null),
      h('button', { type: 'button', class: 'secondary', onclick: () => void signOut() }, 'Sign out'),
    ),
  );
}

/** The header's badge: open requests asked of the user's organisation, plus its requests answered since the user last looked. */
let attention: { who: string; at: number; counts: { open: number; answered: number } } | undefined;
/** How long the badge's counts are reused between pages (each count is two audited reads). */
const ATTENTION_TTL_MS = 30_000;

async function showAttention(who: Session, fresh = false): Promise<void> {
  const badge = document.getElementById('requests-badge');
  if (!badge) return;
  try {
    const key = `${who.org.id}:${who.user}`;
    if (fresh || !attention || attention.who !== key || Date.now() - attention.at > ATTENTION_TTL_MS) attention = { who: key, at: Date.now(), counts: await attentionCount(who) };
    const { open, answered } = attention.counts;
    const total = open + answered;
    const parts = [open ? `${open} open asked of you` : '', answered ? `${answered} answered since you last looked` : ''].filter(Boolean).join(', ');
    badge.replaceChildren(h('span', { class: 'sr-label' }, ': '), String(total), h('span', { class: 'sr-label' }, ` (${parts})`));
    badge.className = 'badge';
    badge.title = parts;
    badge.hidden = total === 0;
  } catch {
    // the badge is a convenience: without it the page works as before
    badge.className = 'badge';
    badge.hidden = true;
  }
}

function route(): { name: string; path: string[]; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2) as [string, string?];
  const parts = path.split('/').map((part) => decodeURIComponent(part));
  const name = parts[0] && PAGES[parts[0]] ? parts[0] : 'overview';
  return { name, path: parts.slice(1), params: new URLSearchParams(search) };
}

async function show(): Promise<void> {
  if (!session) return renderLogin();
  const { name, path, params } = route();
  const page = visible(name, session) ? PAGES[name]! : PAGES.overview!;
  const main = h('main', { id: 'main', tabindex: '-1' });
  root.replaceChildren(header(session, name), main);
  document.title = `${page.title} · tix`;
  // a new page is announced by moving focus to its heading: at once when the page draws it before its data
  // arrives, else when it appears, unless the user has moved into the page meanwhile
  const focusHeading = (): void => {
    const heading = main.querySelector('h1');
    const active = document.activeElement;
    if (!heading || (active && active !== main && main.contains(active))) return;
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  };
  const rendering = page.render(main, session, path, params);
  focusHeading();
  try {
    await rendering;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session = undefined;
      return renderLogin('Your session has ended; sign in again.');
    }
    main.append(status(error instanceof Error ? error.message : String(error), 'error'));
  }
  focusHeading();
  if (session) void showAttention(session, name === 'requests');
}

function renderLogin(message?: string): void {
  document.title = 'Sign in · tix';
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const feedback = h('div', { 'aria-live': 'polite' }, message ? status(message, 'error') : null);
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to tix'),
    h('label', { for: 'login-user' }, 'User name'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    h('button', { type: 'submit' }, 'Sign in'),
    feedback,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        session = await api<Session>('/session', { body: { user: user.value, password: password.value } });
        setCsrf(session.csrf);
        await show();
      } catch (error) {
        feedback.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error'));
        password.value = '';
        password.focus();
      }
    })();
  });
  root.replaceChildren(h('main', { id: 'main', class: 'login-page' }, form));
  user.focus();
}

async function signOut(): Promise<void> {
  try {
    await api('/session/logout', { method: 'POST' });
  } finally {
    session = undefined;
    setCsrf('');
    location.hash = '#/overview';
    renderLogin();
  }
}

async function start(): Promise<void> {
  try {
    session = await api<Session>('/session');
    setCsrf(session.csrf);
  } catch {
    session = undefined;
  }
  window.addEventListener('hashchange', () => void show());
  window.addEventListener('tix-attention', () => {
    if (session) void showAttention(session, true);
  });
  await show();
}

// the skip link moves focus to the page's content without touching the location (the hash is the page's address)
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
});

void start();
