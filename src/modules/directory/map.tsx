import { formatNumber } from '../../web/format.js';

/**
 * The search's map (issue 13 §2: « a map, server-rendered …, tiles configurable, works without
 * JavaScript as a list »): an inline SVG in Web Mercator, drawn on the server. The Content Security
 * Policy forbids inline styles and scripts, so every position is an SVG attribute. The list of
 * results stays the accessible content: the map is a complement (role="img", a title and a
 * description), and its marker links are kept out of the tab order (the list's links are the same).
 */

/** The drawing's size in SVG units; the SVG scales to its container (width 100%, viewBox). */
export const MAP_WIDTH = 640;
export const MAP_HEIGHT = 400;
const TILE = 256;
const MAX_ZOOM = 16;
/** Web Mercator's latitude limit. */
const MAX_LATITUDE = 85.051_128_78;
/** Metres per pixel at zoom 0 on the equator (Earth's circumference / 256). */
const METRES_PER_PIXEL_Z0 = 156_543.033_92;

export interface MapMarker {
  /** The result's number in the list (the marker shows it). */
  n: number;
  href: string;
  nom: string;
  latitude: number;
  longitude: number;
}

/** A point's position in world pixels at zoom z (Web Mercator). */
export function project(latitude: number, longitude: number, zoom: number): { x: number; y: number } {
  const lat = (Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude)) * Math.PI) / 180;
  const scale = TILE * 2 ** zoom;
  return {
    x: ((longitude + 180) / 360) * scale,
    y: ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * scale,
  };
}

/** Metres per SVG unit at a latitude and zoom. */
const metresPerPixel = (latitude: number, zoom: number) =>
  (METRES_PER_PIXEL_Z0 * Math.cos((latitude * Math.PI) / 180)) / 2 ** zoom;

/**
 * The view: its centre and the largest zoom at which the radius circle (or, without a centre, every
 * marker) fits with a margin.
 */
export function mapView(p: {
  centre: { latitude: number; longitude: number } | null;
  radiusKm: number | null;
  markers: { latitude: number; longitude: number }[];
}): { latitude: number; longitude: number; zoom: number } | null {
  const points = [...(p.centre ? [p.centre] : []), ...p.markers];
  if (!points.length) return null;
  const lats = points.map((q) => q.latitude);
  const lons = points.map((q) => q.longitude);
  const centre = p.centre ?? {
    latitude: (Math.min(...lats) + Math.max(...lats)) / 2,
    longitude: (Math.min(...lons) + Math.max(...lons)) / 2,
  };
  const margin = 24;
  for (let zoom = MAX_ZOOM; zoom > 0; zoom--) {
    const c = project(centre.latitude, centre.longitude, zoom);
    const fits = points.every((q) => {
      const at = project(q.latitude, q.longitude, zoom);
      return (
        Math.abs(at.x - c.x) <= MAP_WIDTH / 2 - margin && Math.abs(at.y - c.y) <= MAP_HEIGHT / 2 - margin
      );
    });
    const radius = p.radiusKm && p.centre ? (p.radiusKm * 1000) / metresPerPixel(centre.latitude, zoom) : 0;
    if (fits && radius <= MAP_HEIGHT / 2 - margin) return { ...centre, zoom };
  }
  return { ...centre, zoom: 1 };
}

/** A round length for the scale bar, about a fifth of the map's width: 1, 2 or 5 × 10ⁿ metres. */
export function scaleBar(latitude: number, zoom: number): { metres: number; pixels: number; text: string } {
  const perPixel = metresPerPixel(latitude, zoom);
  const target = (MAP_WIDTH / 5) * perPixel;
  const power = 10 ** Math.floor(Math.log10(target));
  const metres = [5, 2, 1].map((k) => k * power).find((m) => m <= target) ?? power;
  return {
    metres,
    pixels: metres / perPixel,
    text: metres >= 1000 ? `${formatNumber(metres / 1000)} km` : `${formatNumber(metres)} m`,
  };
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The tiles under the view, from a {z}/{x}/{y} template (config DIRECTORY_MAP_TILES). */
function tilesUnder(template: string, origin: { x: number; y: number }, zoom: number) {
  const count = 2 ** zoom;
  const tiles: { href: string; x: number; y: number }[] = [];
  for (let tx = Math.floor(origin.x / TILE); tx * TILE < origin.x + MAP_WIDTH; tx++)
    for (let ty = Math.floor(origin.y / TILE); ty * TILE < origin.y + MAP_HEIGHT; ty++) {
      if (ty < 0 || ty >= count) continue;
      const wrapped = ((tx % count) + count) % count;
      tiles.push({
        href: template
          .replace('{z}', String(zoom))
          .replace('{x}', String(wrapped))
          .replace('{y}', String(ty)),
        x: r1(tx * TILE - origin.x),
        y: r1(ty * TILE - origin.y),
      });
    }
  return tiles;
}

/**
 * Markers at the same place (two services of one structure) drawn side by side instead of one
 * under the other: each marker closer than a marker's width to one already placed moves round it.
 */
function spread<T extends { x: number; y: number }>(points: T[]): T[] {
  const placed: T[] = [];
  for (const point of points) {
    let p = point;
    for (let i = 1; placed.some((q) => Math.hypot(q.x - p.x, q.y - p.y) < 22) && i < 24; i++) {
      const angle = (i * Math.PI) / 3;
      const ring = 24 * Math.ceil(i / 6);
      p = { ...point, x: r1(point.x + ring * Math.cos(angle)), y: r1(point.y + ring * Math.sin(angle)) };
    }
    placed.push(p);
  }
  return placed;
}

/** The results' map: the search centre and its radius, numbered markers as in the list, a scale bar. */
export function ResultsMap(p: {
  centre: { latitude: number; longitude: number; name: string } | null;
  radiusKm: number | null;
  markers: MapMarker[];
  /** DIRECTORY_MAP_TILES; empty: a plain background. */
  tiles: string;
}) {
  const view = mapView(p);
  if (!view) return '';
  const c = project(view.latitude, view.longitude, view.zoom);
  const origin = { x: c.x - MAP_WIDTH / 2, y: c.y - MAP_HEIGHT / 2 };
  const at = (latitude: number, longitude: number) => {
    const q = project(latitude, longitude, view.zoom);
    return { x: r1(q.x - origin.x), y: r1(q.y - origin.y) };
  };
  const scale = scaleBar(view.latitude, view.zoom);
  const centre = p.centre ? at(p.centre.latitude, p.centre.longitude) : null;
  const radius =
    p.centre && p.radiusKm ? r1((p.radiusKm * 1000) / metresPerPixel(p.centre.latitude, view.zoom)) : 0;
  const description = `${p.markers.length} service${p.markers.length > 1 ? 's' : ''} numéroté${p.markers.length > 1 ? 's' : ''} comme dans la liste des résultats${
    p.centre && p.radiusKm ? `, dans un cercle de ${p.radiusKm} km autour de ${p.centre.name}` : ''
  }. La liste ci-dessous donne les mêmes services.`;
  return (
    <figure class="fr-mb-3w psl-map">
      <svg
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby="carte-titre carte-description"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="carte-titre">Carte des résultats</title>
        <desc id="carte-description" safe>
          {description}
        </desc>
        <rect x="0" y="0" width={MAP_WIDTH} height={MAP_HEIGHT} fill="#eef1ea" />
        {p.tiles
          ? tilesUnder(p.tiles, origin, view.zoom).map((t) => (
              <image href={t.href} x={t.x} y={t.y} width={TILE} height={TILE} />
            ))
          : ''}
        {centre && radius ? (
          <circle
            cx={centre.x}
            cy={centre.y}
            r={radius}
            fill="#000091"
            fill-opacity="0.06"
            stroke="#000091"
            stroke-width="2"
            stroke-dasharray="8 5"
          />
        ) : (
          ''
        )}
        {centre ? (
          <g>
            <line
              x1={centre.x - 8}
              y1={centre.y}
              x2={centre.x + 8}
              y2={centre.y}
              stroke="#161616"
              stroke-width="2"
            />
            <line
              x1={centre.x}
              y1={centre.y - 8}
              x2={centre.x}
              y2={centre.y + 8}
              stroke="#161616"
              stroke-width="2"
            />
          </g>
        ) : (
          ''
        )}
        {spread(p.markers.map((m) => ({ m, ...at(m.latitude, m.longitude) })))
          .reverse()
          .map(({ m, x, y }) => (
            // Not a link: inside role="img" a link is an interactive control nested in an image (axe
            // nested-interactive); the numbered list below carries the same links.
            <g>
              <circle cx={x} cy={y} r="12" fill="#000091" stroke="#ffffff" stroke-width="2" />
              <text
                x={x}
                y={y}
                text-anchor="middle"
                dominant-baseline="central"
                font-size="12"
                font-weight="bold"
                fill="#ffffff"
                safe
              >
                {String(m.n)}
              </text>
            </g>
          ))}
        <g>
          <rect
            x="8"
            y={MAP_HEIGHT - 34}
            width={r1(scale.pixels + 16)}
            height="26"
            fill="#ffffff"
            fill-opacity="0.85"
          />
          <line
            x1="16"
            y1={MAP_HEIGHT - 14}
            x2={r1(16 + scale.pixels)}
            y2={MAP_HEIGHT - 14}
            stroke="#161616"
            stroke-width="3"
          />
          <text x="16" y={MAP_HEIGHT - 20} font-size="12" fill="#161616" safe>
            {scale.text}
          </text>
        </g>
      </svg>
      <figcaption class="fr-text--xs fr-mt-1w">
        Carte indicative : la liste des résultats donne les mêmes services, dans le même ordre.
      </figcaption>
    </figure>
  );
}
