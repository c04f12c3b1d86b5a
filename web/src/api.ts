/** Calls to the REST API with the session cookie; POSTs carry the session's CSRF token. */

let csrf = '';

export function setCsrf(token: string): void {
  csrf = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Json = Record<string, any>;

export async function api<T = Json>(path: string, options: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') headers['x-tix-csrf'] = csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  if (response.status === 204) return {} as T;
  const text = await response.text();
  let body: Json = {};
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, String(body.detail ?? response.statusText));
  return body as T;
}

/** A query string of the filled-in fields only. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * POSTs raw bytes (a file) with the CSRF token, reporting upload progress,
 * which fetch cannot; resolves with the JSON answer or rejects with an
 * ApiError carrying the problem's detail.
 */
export function upload<T = Json>(path: string, file: Blob, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1${path}`);
    request.withCredentials = true;
    request.setRequestHeader('accept', 'application/json');
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.setRequestHeader('x-tix-csrf', csrf);
    request.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    request.addEventListener('load', () => {
      let body: Json = {};
      try {
        body = request.responseText ? (JSON.parse(request.responseText) as Json) : {};
      } catch {
        body = { detail: request.responseText.slice(0, 200) };
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(new ApiError(request.status, String(body.detail ?? request.statusText)));
    });
    request.addEventListener('error', () => reject(new ApiError(0, 'the upload failed: the server could not be reached')));
    request.addEventListener('abort', () => reject(new ApiError(0, 'the upload was cancelled')));
    request.send(file);
  });
}
