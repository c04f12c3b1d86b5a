import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { svg } from './dom.ts';

/**
 * A world choropleth drawn offline from the world-atlas dataset (Natural
 * Earth, 1:110m): countries shaded by count. Keys are ISO 3166-1 numeric
 * codes, as the dataset names countries.
 */
export function worldMap(counts: Map<string, number>, title: string): SVGSVGElement {
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const countries = feature(topology, topology.objects.countries);
  const width = 960;
  const height = 480;
  const projection = geoNaturalEarth1().fitSize([width, height], countries);
  const path = geoPath(projection);
  const max = Math.max(1, ...counts.values());
  const map = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'map', role: 'img', 'aria-labelledby': 'map-title' });
  map.append(svg('title', { id: 'map-title' }, title));
  for (const country of countries.features) {
    const n = counts.get(String(country.id)) ?? 0;
    // five steps from none to the most
    const step = n === 0 ? 0 : Math.min(5, 1 + Math.floor((n / max) * 4.999));
    map.append(svg('path', { d: path(country) ?? '', class: `country step-${step}` }, svg('title', {}, `${country.properties.name}: ${n}`)));
  }
  return map;
}
