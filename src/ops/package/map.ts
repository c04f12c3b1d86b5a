import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { countryOfNumeric } from '../../enrich/countries.ts';

const WIDTH = 960;
const HEIGHT = 500;

/** Country outlines as SVG path data, keyed by alpha-2 code: projected once per topology. */
const projected = new WeakMap<object, Array<{ code?: string; name: string; d: string }>>();

function outlines(topology: Topology): Array<{ code?: string; name: string; d: string }> {
  const held = projected.get(topology);
  if (held) return held;
  const countries = feature(topology, topology.objects.countries as GeometryCollection<{ name: string }>);
  const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], countries);
  const path = geoPath(projection);
  const shapes = countries.features.map((country) => ({
    ...(country.id !== undefined && countryOfNumeric(String(country.id)) ? { code: countryOfNumeric(String(country.id))!.code } : {}),
    name: country.properties?.name ?? '',
    d: path(country) ?? '',
  }));
  projected.set(topology, shapes);
  return shapes;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A world map as inline SVG: the package's country in a strong colour, the
 * operation's other countries in a light one, shaded by how many items each
 * holds (world-atlas outlines, Natural Earth projection, drawn with d3-geo).
 */
export function worldMapSvg(topology: Topology, focus: string, counts: ReadonlyMap<string, number>): string {
  const max = Math.max(1, ...counts.values());
  const paths = outlines(topology)
    .filter((shape) => shape.d)
    .map((shape) => {
      const count = shape.code ? counts.get(shape.code) : undefined;
      const fill = shape.code === focus ? '#c0392b' : count ? `rgba(230,126,34,${(0.25 + (0.6 * count) / max).toFixed(2)})` : '#e5e8ec';
      const title = `${shape.name}${count ? `: ${count}` : ''}`;
      return `<path d="${shape.d}" fill="${fill}" stroke="#fff" stroke-width="0.4"><title>${escape(title)}</title></path>`;
    });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="World map">${paths.join('')}</svg>`;
}

/** A horizontal bar chart as inline SVG. */
export function barChartSvg(rows: ReadonlyArray<readonly [string, number]>, title: string): string {
  const barHeight = 18;
  const labelWidth = 220;
  const width = 640;
  const max = Math.max(1, ...rows.map(([, value]) => value));
  const height = 28 + rows.length * (barHeight + 6);
  const bars = rows.map(([label, value], i) => {
    const y = 28 + i * (barHeight + 6);
    const w = Math.max(1, ((width - labelWidth - 60) * value) / max);
    return (
      `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end" font-size="12">${escape(label.length > 30 ? `${label.slice(0, 29)}…` : label)}</text>` +
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#2c7fb8"/>` +
      `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 13}" font-size="12">${value}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" role="img" aria-label="${escape(title)}"><text x="0" y="16" font-size="14" font-weight="bold">${escape(title)}</text>${bars.join('')}</svg>`;
}
