import { EXPORT_TYPES } from '../formats/misp/index.ts';
import { TIX_NAMESPACE, uuidV5 } from '../formats/common/uuid.ts';
import type { Tlp } from '../model/index.ts';
import type { ReportForStix } from './stix.ts';

/** MISP's tag for a TLP 2.0 level, as the indicator export writes it. */
const tlpTag = (tlp: Tlp): string => `tlp:${tlp}`;

/**
 * A report as a MISP event where MISP is the target: the Markdown body as an
 * `EventReport` (MISP renders event reports as Markdown itself), each linked
 * value as an attribute, malware, actors and campaigns as tags, TLP and PAP
 * as taxonomy tags. Ids are "0" (a MISP instance assigns its own); uuids are
 * derived from the report, so a re-export updates the same event.
 */
export function reportEvent(report: ReportForStix): { Event: Record<string, unknown> } {
  const eventUuid = uuidV5(TIX_NAMESPACE, `misp-event:${report.stixId}`);
  const timestamp = String(Math.floor(report.updatedAt / 1000));
  const tags = [
    tlpTag(report.tlp),
    ...(report.pap ? [`PAP:${report.pap.toUpperCase()}`] : []),
    ...report.links.malware.map((name) => `malware:${name}`),
    ...report.links.actors.map((name) => `threat-actor:${name}`),
    ...report.links.campaigns.map((name) => `campaign:${name}`),
  ];
  return {
    Event: {
      uuid: eventUuid,
      id: '0',
      info: report.title,
      date: new Date(report.publishedAt).toISOString().slice(0, 10),
      timestamp,
      published: false,
      analysis: '2',
      threat_level_id: '4',
      distribution: '0',
      Orgc: { name: report.ownerName, uuid: uuidV5(TIX_NAMESPACE, `org:${report.ownerName}`) },
      Tag: tags.map((name) => ({ name })),
      Attribute: report.links.indicators.map(({ type, value }) => {
        const mapped = EXPORT_TYPES[type];
        const mispValue = type === 'ip-port' ? value.replace(/^\[?(.*?)\]?:(\d+)$/, '$1|$2') : type === 'asn' ? value.replace(/^AS/i, '') : value;
        return { uuid: uuidV5(eventUuid, `${mapped.type}|${mispValue}`), id: '0', event_id: '0', type: mapped.type, category: mapped.category, value: mispValue, to_ids: true, timestamp, distribution: '5' };
      }),
      EventReport: [
        {
          uuid: uuidV5(eventUuid, `report:${report.version}`),
          id: '0',
          event_id: '0',
          name: report.title,
          content: report.summary ? `${report.summary}\n\n${report.body}` : report.body,
          distribution: '5',
          sharing_group_id: '0',
          timestamp,
          deleted: false,
        },
      ],
    },
  };
}
