import { escapeMarkup as escapeHtml } from '../escapeMarkup.js';
import type { RunResults } from '../../runner/RunResults.js';
import { STYLE, table as htmlTable } from '../renderHtml.js';
import { STRATEGY_HEADER, strategyRows, table as markdownTable } from '../renderMarkdown.js';
import { PREDICTION_HEADER, predictionHeadline, predictionRows, type PredictionCheck } from './checkPrediction.js';

const NOTE =
  'Error = (predicted − measured) ÷ measured. A strategy’s throughput is judged against the ' +
  'prediction’s 90% interval where the profile states one, else against the accuracy the ' +
  'profile states (the largest error its calibration’s validation saw); ' +
  'per-workload figures and latencies are reported, not judged.';

/** prediction.md: the check, then each side's own summary. */
export function renderPredictionMarkdown(check: PredictionCheck, predicted: RunResults, measured: RunResults): string {
  return [
    `# dvbench: prediction check of ${check.scenario}`,
    '',
    `**${predictionHeadline(check)}**`,
    '',
    `- Predicted: the embedded mock with profile ${check.profile} (run ${check.predicted.runId})`,
    `- Measured: ${check.measured.target} (run ${check.measured.runId})`,
    '',
    ...markdownTable(PREDICTION_HEADER, predictionRows(check)),
    '',
    NOTE,
    '',
    '## Predicted (mock)',
    '',
    ...markdownTable(STRATEGY_HEADER, strategyRows(predicted)),
    '',
    '## Measured (org)',
    '',
    ...markdownTable(STRATEGY_HEADER, strategyRows(measured)),
    '',
  ].join('\n');
}

/** report.html of a prediction check: the two runs side by side, and the errors. */
export function renderPredictionHtml(check: PredictionCheck, predicted: RunResults, measured: RunResults): string {
  const ok = check.withinAccuracy !== false;
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dvbench: prediction check of ${escapeHtml(check.scenario)}</title>
<style>${STYLE}
.sides{display:flex;gap:1.5rem;flex-wrap:wrap}.sides>section{flex:1 1 30rem;min-width:0}</style></head><body>
<h1>dvbench: prediction check of ${escapeHtml(check.scenario)}</h1>
<p class="verdict v-${ok ? 'ok' : 'failed'}">${escapeHtml(predictionHeadline(check))}</p>
${htmlTable(PREDICTION_HEADER, predictionRows(check), (i) => (check.rows[i]?.within === false ? 'failed' : ''))}
<p>${escapeHtml(NOTE)}</p>
<div class="sides">
<section><h2>Predicted: the embedded mock, profile ${escapeHtml(check.profile)}</h2>` +
    `${htmlTable(STRATEGY_HEADER, strategyRows(predicted))}</section>
<section><h2>Measured: ${escapeHtml(check.measured.target)}</h2>` +
    `${htmlTable(STRATEGY_HEADER, strategyRows(measured))}</section>
</div>
</body></html>
`
  );
}
