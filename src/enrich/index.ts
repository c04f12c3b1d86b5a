export { readAsnCsv, type AsEntry, type AsnTable } from './asn-csv.ts';
export { COUNTRIES, countryOf, countryOfNumeric, type Country } from './countries.ts';
export { enrichValue, ipOf, lookupIp, type AsnData, type DataSource, type Enrichment, type EnrichmentTables, type GeoTable } from './enricher.ts';
export { ipv4Number, ipv4Text, ipv6Halves } from './ip.ts';
export { asOfRecord, countryOfRecord, rangesFromMmdb, type LabelledRanges } from './mmdb.ts';
export { findV4, findV6, rangeCounts, RangeBuilder, v4Buckets, type IpRanges } from './ranges.ts';
export { RSIT, rsitOf, type RsitClass } from './rsit.ts';
export { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
