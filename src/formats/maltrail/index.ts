import type { ThreatType } from '../../model/index.ts';
import type { FormatModule } from '../format.ts';
import { emitRecord } from '../common/record.ts';

/**
 * maltrail static trails: a comment header with `# Aliases: a, b`, then
 * blocks of `# Reference: <url>` followed by bare values (domains, IPs,
 * IP:port, scheme-less URLs, `CIDR # comment`). The reference above a value
 * is its provenance; the trail file names the malware and the threat.
 */
export const maltrail: FormatModule = {
  id: 'maltrail',
  title: 'maltrail static trail (text)',
  kind: 'feed',
  defaultTlp: 'clear',
  defaultSource: (fileName) => `maltrail-${fileName.replace(/^.*[\\/]/, '').replace(/\.txt$/i, '').toLowerCase()}`,
  detect: (head) => (/^# Copyright \(c\) 2014-\d{4} Maltrail developers/m.test(head) ? 0.9 : 0),
  createParser(ctx, sink) {
    const base = ctx.file.replace(/^.*[\\/]/, '').replace(/\.txt$/i, '').toLowerCase();
    const threatType: ThreatType = /scanner/.test(base) ? 'scanner' : /^(malware|malicious)[-_]/.test(base) || /^[a-z0-9]+$/.test(base) ? 'malware' : 'unknown';
    const named = /^malware[-_](.+)$/.exec(base)?.[1];
    let malware: string | undefined = named;
    let reference: string | undefined;
    return {
      line(text, no) {
        const trimmed = text.trim();
        if (trimmed === '') return;
        if (trimmed.startsWith('#')) {
          const aliases = /^#\s*Aliases:\s*(.+)$/i.exec(trimmed);
          if (aliases) {
            // The file names the malware (malware-agenttesla.txt, whose aliases start with "aggha"): an
            // alias only gives that name its spelling (Emotet), or names the malware when the file does not.
            const names = aliases[1]!.split(',').map((name) => name.trim()).filter(Boolean);
            malware = named ? names.find((name) => name.toLowerCase() === named) ?? named : names[0] ?? malware;
          }
          const ref = /^#\s*Reference:\s*(\S+)/i.exec(trimmed);
          if (ref) reference = ref[1];
          return;
        }
        const hash = trimmed.indexOf(' #');
        const value = (hash >= 0 ? trimmed.slice(0, hash) : trimmed).trim();
        if (value.startsWith('/')) {
          sink.reject({
            code: 'TIX_INPUT_BAD_VALUE',
            file: ctx.file,
            line: no,
            field: 'trail',
            message: `path-only trail without a host; tix stores URLs with their host (got "${value.slice(0, 60)}")`,
            severity: 'warning',
          });
          return;
        }
        emitRecord(sink, ctx, no, text, { value, field: 'trail', threatType, malware, reference, tags: [] });
      },
      end() {},
    };
  },
};
