import { ApiError, query, upload, type Json } from '../api.ts';
import { fmt, h, section, status, table, tlpBadge } from '../dom.ts';
import { addReport, emptyReport, reportCsv, type CombinedReport } from '../scan-report.ts';
import type { Session } from '../session.ts';
import { indicatorHref } from './search.ts';

/** Hits listed on the page; the downloads hold every one. */
const SHOWN = 1000;
const WRITERS = ['analyst', 'sync', 'admin'];

interface Chosen {
  file: File;
  /** The path inside a chosen or dropped folder, or the file's name. */
  name: string;
}

const bytes = (n: number): string => (n < 1024 ? `${n} B` : n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/** Every file below a dropped folder, hidden ones left out (as `tix scan` does). */
async function filesOf(entry: FileSystemEntry): Promise<Chosen[]> {
  if (entry.name.startsWith('.')) return [];
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, name: entry.fullPath.replace(/^\//, '') }];
  }
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const out: Chosen[] = [];
  // a directory reader hands out its entries in batches, until an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch.sort((a, b) => (a.name < b.name ? -1 : 1))) out.push(...(await filesOf(child)));
  }
  return out;
}

function verdictBadge(verdict: string): HTMLElement {
  const label = verdict === 'hit' ? 'hit' : verdict === 'weak-hit' ? 'weak hit (host only)' : 'known benign';
  return h('span', { class: `verdict verdict-${verdict}` }, label);
}

function download(name: string, type: string, text: string): HTMLAnchorElement {
  const link = h('a', { class: 'button', download: name }, `Download ${name.split('.').pop()!.toUpperCase()}`);
  link.setAttribute('href', URL.createObjectURL(new Blob([text], { type })));
  return link;
}

/**
 * Evidence triage: log files or whole folders chosen or dropped, uploaded one
 * by one (with progress) to be scanned against the intel the caller may
 * read; the hits, the summary per file and the chain of custody of the
 * combined report, downloadable as JSON and CSV.
 */
export async function renderTriage(main: HTMLElement, session: Session): Promise<void> {
  let chosen: Chosen[] = [];
  const files = h('input', { id: 'triage-files', type: 'file', multiple: true });
  const folder = h('input', { id: 'triage-folder', type: 'file', multiple: true });
  // a whole folder, where the browser can (webkitdirectory); otherwise the control is left out
  const folders = 'webkitdirectory' in folder;
  if (folders) folder.setAttribute('webkitdirectory', '');
  const record = h('input', { id: 'triage-sightings', type: 'checkbox' });
  const guard = h('input', { id: 'triage-warninglists', type: 'checkbox', checked: true });
  const list = h('div', { id: 'triage-chosen', 'aria-live': 'polite' });
  const progress = h('div', { id: 'triage-progress', 'aria-live': 'polite' });
  const output = h('div', { id: 'triage-report' });
  const scanButton = h('button', { type: 'submit', disabled: true }, 'Scan');
  const clear = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Clear');

  const showChosen = (): void => {
    scanButton.disabled = clear.disabled = chosen.length === 0;
    if (!chosen.length) {
      list.replaceChildren(h('p', { class: 'empty' }, 'No files chosen yet.'));
      return;
    }
    const total = chosen.reduce((sum, c) => sum + c.file.size, 0);
    list.replaceChildren(
      table(
        `${chosen.length} file${chosen.length === 1 ? '' : 's'} chosen, ${bytes(total)}`,
        ['File', 'Size', 'Upload'],
        chosen.map((c, i) => [h('span', { class: 'value' }, c.name), bytes(c.file.size), h('progress', { id: `upload-${i}`, max: 1, value: 0, 'aria-label': `Upload of ${c.name}` })]),
      ),
    );
  };
  const add = (more: Chosen[]): void => {
    const known = new Set(chosen.map((c) => c.name));
    chosen = [...chosen, ...more.filter((c) => !known.has(c.name) && c.file.size >= 0)];
    showChosen();
  };
  files.addEventListener('change', () => {
    add([...(files.files ?? [])].map((file) => ({ file, name: file.name })));
    files.value = '';
  });
  folder.addEventListener('change', () => {
    add([...(folder.files ?? [])].filter((file) => !file.name.startsWith('.')).map((file) => ({ file, name: file.webkitRelativePath || file.name })));
    folder.value = '';
  });
  clear.addEventListener('click', () => {
    chosen = [];
    showChosen();
    files.focus();
  });

  const drop = h(
    'div',
    { class: 'drop', id: 'triage-drop' },
    h('p', {}, 'Drop log files or folders here, or choose them:'),
    h('div', { class: 'inline-form' }, h('div', { class: 'field' }, h('label', { for: 'triage-files' }, 'Log files'), files), folders ? h('div', { class: 'field' }, h('label', { for: 'triage-folder' }, 'A folder of logs'), folder) : null),
  );
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('drop-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('drop-over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('drop-over');
    const items = [...(event.dataTransfer?.items ?? [])];
    const entries = items.map((item) => item.webkitGetAsEntry?.()).filter((entry): entry is FileSystemEntry => !!entry);
    if (entries.length) void Promise.all(entries.map(filesOf)).then((found) => add(found.flat()));
    else add([...(event.dataTransfer?.files ?? [])].map((file) => ({ file, name: file.name })));
  });

  const form = h(
    'form',
    { class: 'triage', 'aria-label': 'Evidence to scan' },
    drop,
    list,
    h(
      'fieldset',
      { class: 'filters' },
      h('legend', {}, 'Options'),
      h('div', { class: 'field check' }, guard, h('label', { for: 'triage-warninglists' }, 'Report warninglisted values as known benign')),
      WRITERS.includes(session.role) ? h('div', { class: 'field check' }, record, h('label', { for: 'triage-sightings' }, `Record hits as sightings of ${session.org.name}`)) : null,
    ),
    h('div', { class: 'export' }, scanButton, clear),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void scan();
  });

  async function scan(): Promise<void> {
    const id = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const combined = emptyReport(id, new Date().toISOString());
    scanButton.disabled = clear.disabled = true;
    output.replaceChildren();
    for (const [i, c] of chosen.entries()) {
      const bar = document.getElementById(`upload-${i}`) as HTMLProgressElement | null;
      progress.replaceChildren(status(`Scanning ${c.name} (${i + 1} of ${chosen.length})…`));
      try {
        const path = `/scans${query({ name: c.name, scan: id, warninglists: guard.checked ? 'true' : 'false', recordSightings: record.checked ? 'true' : undefined })}`;
        const answer = await upload<Json>(path, c.file, (sent, total) => {
          if (bar) bar.value = total ? sent / total : 1;
        });
        if (bar) bar.value = 1;
        addReport(combined, answer);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw error;
        combined.problems.push({ file: c.name, code: error instanceof ApiError ? `HTTP ${error.status}` : 'upload', message: error instanceof Error ? error.message : String(error) });
      }
    }
    combined.finishedAt = new Date().toISOString();
    const hits = combined.findings.filter((f) => f.verdict !== 'known-benign').length;
    progress.replaceChildren(status(`Scanned ${combined.files.length} of ${chosen.length} file${chosen.length === 1 ? '' : 's'}: ${hits} hit${hits === 1 ? '' : 's'}, ${combined.problems.length} problem${combined.problems.length === 1 ? '' : 's'}.`));
    scanButton.disabled = clear.disabled = false;
    showReport(combined);
  }

  function showReport(report: CombinedReport): void {
    const counts = { hit: 0, 'weak-hit': 0, 'known-benign': 0 };
    for (const f of report.findings) counts[f.verdict]++;
    const shown = report.findings.slice(0, SHOWN);
    output.replaceChildren(
      section(
        'Hits',
        h('p', { class: 'headline' }, `${fmt.format(counts.hit)} hits, ${fmt.format(counts['weak-hit'])} weak hits, ${fmt.format(counts['known-benign'])} known benign${report.sightings ? `; ${report.sightings.recorded} sightings recorded` : ''}`),
        shown.length
          ? table(
              `${shown.length < report.findings.length ? `The first ${shown.length} of ${report.findings.length}` : `${report.findings.length}`} findings${report.findingsDropped ? ` (${report.findingsDropped} more counted, not listed)` : ''}`,
              ['File', 'Line', 'Field', 'Value', 'Indicator', 'Verdict', 'TLP', 'Malware', 'Sources'],
              shown.map((f) => [
                f.file,
                f.line,
                f.field,
                h('span', { class: 'value' }, f.value),
                f.indicatorType === 'stix-pattern' ? h('span', { class: 'value' }, f.indicator) : h('a', { class: 'value', href: indicatorHref(f.indicatorType, f.indicator) }, f.indicator),
                verdictBadge(f.verdict),
                tlpBadge(f.tlp),
                f.malware.join(', '),
                f.sources.join(', '),
              ]),
            )
          : h('p', { class: 'empty' }, 'Nothing in the evidence matches the intel you may read.'),
        h('div', { class: 'export downloads' }, download(`tix-scan-${report.scan}.json`, 'application/json', `${JSON.stringify(report, null, 2)}\n`), download(`tix-scan-${report.scan}.csv`, 'text/csv', reportCsv(report))),
      ),
      section(
        'Indicators seen',
        report.indicators.length
          ? table(
              'Each indicator with how often and when it was seen in the evidence',
              ['Indicator', 'Verdict', 'Count', 'First seen', 'Last seen', 'Files', 'Malware'],
              report.indicators.map((s) => [h('span', { class: 'value' }, s.indicator), verdictBadge(s.verdict), fmt.format(s.count), s.firstTime ?? '', s.lastTime ?? '', s.files.join(', '), s.malware.join(', ')]),
            )
          : h('p', { class: 'empty' }, 'None.'),
      ),
      section(
        'Per file',
        table(
          'What each evidence file gave',
          ['File', 'Format', 'Lines', 'Hits', 'Weak hits', 'Known benign', 'Problems'],
          report.files.map((file) => [h('span', { class: 'value' }, file.path), `${file.format}${file.compressed ? ' (gzip)' : ''}`, fmt.format(file.lines), fmt.format(file.hits), fmt.format(file.weakHits), fmt.format(file.knownBenign), `${file.problems}${file.incomplete ? ` (incomplete: ${file.incomplete})` : ''}`]),
        ),
        report.problems.length
          ? table('Problems', ['File', 'Line', 'Code', 'Message'], report.problems.map((p) => [p.file, p.line ?? '', h('code', {}, p.code), p.message]))
          : null,
      ),
      section(
        'Chain of custody',
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Tool'),
          h('dd', {}, `tix ${report.tool?.version ?? ''}`),
          h('dt', {}, 'Scan'),
          h('dd', {}, `${report.scan}, ${report.startedAt} to ${report.finishedAt}`),
          ...report.intel.flatMap((intel) => [h('dt', {}, 'Intel'), h('dd', {}, h('code', {}, intel.id), ` ${intel.origin}, ${intel.createdAt}, ${fmt.format(intel.indicators)} indicators`)]),
        ),
        table(
          'Each evidence file as the server received it',
          ['File', 'Size (bytes)', 'SHA-256', 'Scanned'],
          report.files.map((file) => [h('span', { class: 'value' }, file.path), fmt.format(file.size), h('code', {}, file.sha256), `${file.startedAt ?? ''} to ${file.finishedAt ?? ''}`]),
        ),
      ),
    );
  }

  main.append(
    h('h1', {}, 'Evidence triage'),
    h('p', { class: 'note' }, 'Logs are scanned on the server against the intel you may read, then deleted there; the report stays in this page until you download it.'),
    form,
    progress,
    output,
  );
  showChosen();
}
