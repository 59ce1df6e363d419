/** `×10`, `×2.5`: a time scale as every output writes it. */
export function formatTimeScale(timeScale: number): string {
  return `×${Number(timeScale.toPrecision(4))}`;
}

/**
 * What every output says of a time-compressed run, so no figure is read as measured at the org's
 * pace: undefined for a run in real time.
 */
export function timeCompressionNote(results: { readonly timeScale: number }): string | undefined {
  if (results.timeScale === 1) return undefined;
  const x = formatTimeScale(results.timeScale);
  return (
    `time-compressed ${x}: the mock's clock ran ${x} faster than the org's; times, rates and ` +
    `latencies are the org's (measured, then multiplied back); CPU and memory are this machine's`
  );
}
