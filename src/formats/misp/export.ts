import { ConfigError } from '../../errors.ts';
import type { Tlp } from '../../model/index.ts';
import type { ExportModule } from '../../export/exporter.ts';
import { EVENT_HEAD, serialiseAttribute, serialiseEventTail, stricterTlp } from './serialise.ts';
import { TIX_NAMESPACE, uuidV5 } from '../common/uuid.ts';
import { isUuid } from './uuid.ts';

/**
 * Indicators as one MISP event, `{"Event":{…,"Attribute":[…]}}`, streamed one
 * attribute per line. Options: `uuid=` to update an event made before (else
 * the uuid derives from the producer and the export time), `info=` for its
 * title. Unpublished, so an analyst reviews it in MISP before it spreads.
 */
export const mispExport: ExportModule = {
  id: 'misp',
  title: 'MISP event (JSON)',
  mediaType: 'application/json',
  extension: 'json',
  options: {
    uuid: 'the event uuid, to update an event exported before (default: derived from the producer and the export time)',
    info: "the event's title (its MISP info field)",
  },
  createExporter(ctx) {
    const uuid = ctx.options.uuid ?? uuidV5(TIX_NAMESPACE, `misp-event:${ctx.producer.name}:${ctx.now}`);
    if (!isUuid(uuid)) throw new ConfigError(`misp export: uuid "${uuid}" is not a UUID`);
    const info = ctx.options.info ?? `tix export by ${ctx.producer.name}, ${new Date(ctx.now).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    let count = 0;
    let newest = 0;
    let tlp: Tlp | undefined;
    return {
      begin: () => EVENT_HEAD,
      indicator(indicator) {
        const attribute = serialiseAttribute(indicator, uuid);
        count++;
        newest = Math.max(newest, attribute.timestamp);
        tlp = stricterTlp(tlp, attribute.tlp);
        return `${count === 1 ? '\n' : ',\n'}${attribute.json}`;
      },
      end: () =>
        `\n${serialiseEventTail({
          uuid,
          info,
          date: ctx.now,
          timestamp: newest || Math.floor(ctx.now / 1000),
          published: false,
          producer: ctx.producer.name,
          attributeCount: count,
          tlp,
        })}\n`,
    };
  },
};
