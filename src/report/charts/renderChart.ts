import { createRequire } from 'node:module';
import type * as CanvasModule from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';

Chart.register(...registerables);

/** The part of a 2D context the background plugin uses (the DOM's type is not in this project's libs). */
interface PaintContext {
  save(): void;
  restore(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  globalCompositeOperation: string;
  fillStyle: string;
}

/** The canvas is transparent by default; slides and dark-mode viewers need an opaque white one. */
const whiteBackground = {
  id: 'dvbenchWhiteBackground',
  beforeDraw(chart: Chart): void {
    const ctx = (chart as unknown as { ctx: PaintContext }).ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

type Canvas = typeof CanvasModule;

let canvasModule: Canvas | null | undefined;

/**
 * @napi-rs/canvas, loaded on the first chart: it is an optional dependency (a native binary of
 * about 35 MB), so `dvbench/mock` users and `npm install --omit=optional` go without it. Without
 * it, charts are left out and one line says so.
 */
function loadCanvas(): Canvas | null {
  if (canvasModule !== undefined) return canvasModule;
  try {
    canvasModule = createRequire(import.meta.url)('@napi-rs/canvas') as Canvas;
  } catch {
    canvasModule = null;
    process.stderr.write(
      'dvbench: PNG charts left out: @napi-rs/canvas is not installed (npm install @napi-rs/canvas adds them)\n',
    );
  }
  return canvasModule;
}

/**
 * Renders a chart.js configuration to a PNG, without a browser (@napi-rs/canvas); undefined
 * when @napi-rs/canvas is not installed.
 */
export function renderChart(config: ChartConfiguration, width = 1200, height = 675): Buffer | undefined {
  const canvasLib = loadCanvas();
  if (canvasLib === null) return undefined;
  const canvas = canvasLib.createCanvas(width, height);
  Chart.defaults.font.size = 18;
  Chart.defaults.color = '#222222';
  // chart.js is typed for the DOM canvas; @napi-rs/canvas implements the same 2D context API.
  const chart = new Chart(canvas.getContext('2d'), {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
    plugins: [...(config.plugins ?? []), whiteBackground],
  });
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
