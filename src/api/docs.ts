type Json = Record<string, unknown>;

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The little Markdown the descriptions use (`code`, **bold**, `- ` lists, paragraphs), over escaped text. */
function prose(text: string): string {
  const inline = (line: string): string =>
    escape(line)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => line.startsWith('- '))) return `<ul>${lines.map((line) => `<li>${inline(line.slice(2))}</li>`).join('')}</ul>`;
      const [head, ...rest] = lines;
      if (rest.length && rest.every((line) => line.startsWith('- '))) {
        return `<p>${inline(head!)}</p><ul>${rest.map((line) => `<li>${inline(line.slice(2))}</li>`).join('')}</ul>`;
      }
      return `<p>${lines.map(inline).join('<br>')}</p>`;
    })
    .join('\n');
}

/** A schema in one line where it is short (`string`, `integer 1–1000`, one of …). */
function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(' or ');
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ''}–${schema.maximum ?? ''}` : '';
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  const fallback = typeof schema.default === 'undefined' ? '' : `, default ${JSON.stringify(schema.default)}`;
  return `${String(schema.type ?? 'any')}${format}${range}${fallback}`;
}

const json = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

function operationHtml(path: string, method: string, op: Json): string {
  const parameters = (op.parameters ?? []) as Json[];
  const table = parameters.length
    ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(String(p.name))}</code>${p.required ? ' <em>required</em>' : ''}</td><td>${escape(String(p.in))}</td><td>${escape(typeOf(p.schema as Json))}</td><td>${escape(String(p.description ?? ''))}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody as Json | undefined;
  const bodyMedia = body ? Object.keys(body.content as Json)[0]! : undefined;
  const bodySchema = body && bodyMedia === 'application/json' ? ((body.content as Json)[bodyMedia] as Json).schema : undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
    .map(([status, response]) => {
      const content = (response.content ?? {}) as Record<string, Json>;
      const media = Object.keys(content);
      const schema = media.length ? content[media[0]!]!.schema : undefined;
      const shown = schema && !('$ref' in (schema as Json)) ? `<details><summary>schema</summary>${json(schema)}</details>` : '';
      return `<li><strong>${escape(status)}</strong> ${escape(String(response.description ?? ''))}${media.length ? ` <code>${escape(media.join(', '))}</code>` : ''}${shown}</li>`;
    })
    .join('');
  return `<details class="op" id="${escape(String(op.operationId))}">
<summary><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code> ${escape(String(op.summary ?? ''))}</summary>
${prose(String(op.description ?? ''))}
${table}
${bodySchema ? `<h4>Request body</h4>${json(bodySchema)}` : bodyMedia ? `<h4>Request body</h4><p><code>${escape(bodyMedia)}</code> ${escape(String(body!.description ?? ''))}</p>` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</details>`;
}

/**
 * The API documentation as one self-contained HTML page, rendered on the
 * server from the OpenAPI document: no script, no stylesheet or font from
 * elsewhere (the server may have no network, and neither may its users).
 */
export function docsPage(document: Json, specUrl: string): string {
  const info = document.info as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String(((op.tags ?? ['other']) as string[])[0]);
      const list = byTag.get(tag) ?? [];
      list.push(operationHtml(path, method, op));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<section id="tag-${escape(tag)}"><h2>${escape(tag)}</h2>${ops.join('\n')}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(String(info.title))}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f5f7;padding:.6rem;overflow:auto;max-height:24rem}
.op{border:1px solid #d0d4da;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}.op>summary{cursor:pointer}
.method{display:inline-block;min-width:3.4rem;text-align:center;font-weight:600;color:#fff;border-radius:4px;padding:0 .3rem}
.get{background:#1f6feb}.post{background:#1a7f37}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d4da;padding:.2rem .5rem;text-align:left;vertical-align:top}
nav a{margin-right:1rem}
</style></head><body>
<h1>${escape(String(info.title))} <small>${escape(String(info.version))}</small></h1>
<p>The machine-readable document: <a href="${escape(specUrl)}">${escape(specUrl)}</a> (OpenAPI ${escape(String(document.openapi))}).</p>
${prose(String(info.description ?? ''))}
<nav>${[...byTag.keys()].map((tag) => `<a href="#tag-${escape(tag)}">${escape(tag)}</a>`).join('')}</nav>
${sections}
</body></html>`;
}
