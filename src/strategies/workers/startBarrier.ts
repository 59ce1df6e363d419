/**
 * The workers start together, once each is ready or gone: one that dies while starting (killed,
 * out of memory, a slow start on a loaded machine meeting the OOM killer) must not hold the
 * others at the line forever. Each member arrives once.
 */
export function startBarrier(workers: number, go: () => void): { member: () => () => void } {
  let arrived = 0;
  return {
    member: () => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        if (++arrived === workers) go();
      };
    },
  };
}
