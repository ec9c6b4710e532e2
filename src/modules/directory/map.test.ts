import { describe, expect, it } from 'vitest';
import { MAP_HEIGHT, MAP_WIDTH, mapView, project, ResultsMap, scaleBar } from './map.js';

const LYON = { latitude: 45.758, longitude: 4.8351, name: 'Lyon' };
const markers = [
  { n: 1, href: '/annuaire/services/a', nom: 'A', latitude: 45.767, longitude: 4.836 },
  { n: 2, href: '/annuaire/services/b', nom: 'B', latitude: 45.7719, longitude: 4.8898 },
];

describe('the results map: server-rendered SVG in Web Mercator (issue 13 §2)', () => {
  it('projects as Web Mercator: (0, 0) at the centre of the world, north up', () => {
    expect(project(0, 0, 0)).toEqual({ x: 128, y: 128 });
    expect(project(45, 0, 0).y).toBeLessThan(128);
    expect(project(0, 90, 1).x).toBe(384);
  });

  it('zooms so that the radius circle fits, and less for a larger radius', () => {
    const near = mapView({ centre: LYON, radiusKm: 5, markers })!;
    const far = mapView({ centre: LYON, radiusKm: 50, markers })!;
    expect(near.zoom).toBeGreaterThan(far.zoom);
    expect(far.latitude).toBe(LYON.latitude);
    // Without a centre: every marker in the view.
    const fitted = mapView({ centre: null, radiusKm: null, markers })!;
    for (const m of markers) {
      const c = project(fitted.latitude, fitted.longitude, fitted.zoom);
      const at = project(m.latitude, m.longitude, fitted.zoom);
      expect(Math.abs(at.x - c.x)).toBeLessThan(MAP_WIDTH / 2);
      expect(Math.abs(at.y - c.y)).toBeLessThan(MAP_HEIGHT / 2);
    }
    expect(mapView({ centre: null, radiusKm: null, markers: [] })).toBeNull();
  });

  it('has a scale bar of a round length', () => {
    const s = scaleBar(45.75, 10);
    expect([1, 2, 5].some((k) => String(s.metres).startsWith(String(k)))).toBe(true);
    expect(s.pixels).toBeLessThanOrEqual(MAP_WIDTH / 5 + 0.001);
    expect(s.text).toMatch(/ k?m$/);
  });

  it('draws numbered markers (no links inside the image: axe nested-interactive), the centre and radius, as attributes only (CSP: no style), scalable', () => {
    const svg = String(ResultsMap({ centre: LYON, radiusKm: 20, markers, tiles: '' }));
    expect(svg).toContain(`viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}"`);
    expect(svg).toContain('width="100%"');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="carte-titre">Carte des résultats</title>');
    expect(svg).toMatch(/<desc id="carte-description">2 services numérotés .* 20 km autour de Lyon/);
    expect(svg).not.toContain('<a ');
    expect(svg).toMatch(/>1<\/text>/);
    expect(svg).toMatch(/>2<\/text>/);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/style=|<script/);
    expect(svg).not.toContain('<image');
  });

  it('lays tiles from the configured template when there is one', () => {
    const svg = String(
      ResultsMap({ centre: LYON, radiusKm: 20, markers, tiles: 'https://tiles.example.fr/{z}/{x}/{y}.png' }),
    );
    expect(svg).toMatch(/<image href="https:\/\/tiles\.example\.fr\/\d+\/\d+\/\d+\.png"/);
  });
});
