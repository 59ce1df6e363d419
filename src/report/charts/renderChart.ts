import { createCanvas } from '@napi-rs/canvas';
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

/** Renders a chart.js configuration to a PNG, without a browser (@napi-rs/canvas). */
export function renderChart(config: ChartConfiguration, width = 1200, height = 675): Buffer {
  const canvas = createCanvas(width, height);
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
