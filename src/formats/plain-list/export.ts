import type { ExportModule } from '../../export/exporter.ts';

/**
 * One value per line, of whatever types the caller selected (`--type` is
 * the caller's filter): the shape firewalls, proxies and `grep -F -f` read.
 * A value holding a line break (no canonical value does) is skipped rather
 * than split into two entries.
 */
export const plainListExport: ExportModule = {
  id: 'plain-list',
  title: 'plain list, one value per line',
  mediaType: 'text/plain',
  extension: 'txt',
  createExporter() {
    let skipped = 0;
    return {
      begin: () => '',
      indicator(indicator) {
        if (/[\r\n]/.test(indicator.value)) {
          skipped++;
          return '';
        }
        return `${indicator.value}\n`;
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};
