import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { buildCharts } from '../../src/report/charts/buildCharts.js';
import type { RunResults } from '../../src/runner/RunResults.js';

describe('charts', () => {
  it('every chart renders to a valid, non-empty 1200×675 PNG on a white background', async () => {
    const results = JSON.parse(
      await readFile(new URL('../fixtures/results.json', import.meta.url), 'utf8'),
    ) as RunResults;
    const charts = buildCharts(results);
    expect(charts.map((c) => c.file)).toEqual([
      'speedup-vs-workers.png',
      'throughput-vs-workers.png',
      'throughput-by-strategy.png',
      'latency-percentiles.png',
      'cpu.png',
      'memory.png',
      'throughput-over-time.png',
    ]);
    for (const chart of charts) {
      expect(chart.png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(chart.png.readUInt32BE(16)).toBe(1200);
      expect(chart.png.readUInt32BE(20)).toBe(675);
      expect(chart.png.length).toBeGreaterThan(10_000);
      const image = await loadImage(chart.png);
      const canvas = createCanvas(1200, 675);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      expect([...ctx.getImageData(2, 2, 1, 1).data]).toEqual([255, 255, 255, 255]);
      // Something was drawn: many non-white pixels.
      const data = ctx.getImageData(0, 0, 1200, 675).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 200) ink++;
      expect(ink, chart.file).toBeGreaterThan(2000);
    }
  });

  it('leaves out the worker charts when no pool strategy ran', async () => {
    const results = JSON.parse(
      await readFile(new URL('../fixtures/results.json', import.meta.url), 'utf8'),
    ) as RunResults;
    const onlyBatch = { ...results, strategies: results.strategies.filter((s) => s.kind === 'batch') };
    expect(buildCharts(onlyBatch).map((c) => c.file)).toEqual([
      'throughput-by-strategy.png',
      'latency-percentiles.png',
      'cpu.png',
      'memory.png',
      'throughput-over-time.png',
    ]);
  });
});
