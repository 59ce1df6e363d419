export const runHelp = `Usage: dvbench run <scenario.yaml|folder>... [options]

Runs each scenario's workloads with every strategy it lists (the same planned operations,
from identical starting data), and reports wall time, speedup, throughput, latency
percentiles, errors, 429s, retries and client/server CPU and memory.

Options:
  --out <dir>           output folder (default reports/<scenario>-<timestamp>/;
                        with several scenarios, one subfolder each)
  --repeat <n>          measured repetitions per strategy (overrides the scenario)
  --warmup <n>          warm-up repetitions per strategy (overrides the scenario)
  --strategies <a,b>    run only these strategies, by name (e.g. sequential,async:4)
  --target <mock|url>   the embedded mock (default) or an org URL (credentials from the
                        environment: see the README)
  --profile <name|file> the embedded mock's costs from this profile, replacing the
                        scenario's: default (published Dataverse figures), zero (no costs,
                        for testing the harness) or a profile file (a path from the current
                        folder); it means the embedded mock even with DATAVERSE_URL set
  --bypass-custom-logic send MSCRM.BypassCustomPluginExecution: true on every request (as the
                        scenario's bypassCustomLogic): custom synchronous plug-ins are skipped;
                        compare with a run without it to see what they cost
  --time-scale <N|auto> run the embedded mock's clock N times faster (every cost, window,
                        Retry-After and token lifetime divided by N) and report the org's
                        times, marked 'time-compressed ×N'; auto picks the largest N this
                        machine holds within about 3% and says why (a load test: its
                        arrivals and stages too). Refused against an org
  --quiet               no progress output
  --allow-writes        against an org: allow what writes there. The scenario's data: is
                        created first (CreateMultiple, ids of the run's own), put back between
                        repetitions, and deleted after the run; update, delete, upsert and
                        mixed work only on those records; inserts are deleted after each
                        repetition. Every record is listed in created-records.json first
  --keep                against an org: keep the data and the last repetition's records
                        ('dvbench cleanup <out>' deletes them later)
  --shard <i/n>         run only slice i of n of the planned operations (disjoint records);
                        combine the shards' results with 'dvbench merge'
  --dry-run             print the planned requests per strategy and the estimated use of the
                        service protection limits and daily API entitlements; send nothing
  --duration <d>        a load test (a scenario with a load section): run its stages scaled
                        to this total length, e.g. 30s, 5m, 1h
  -h, --help            show this help

The target is printed first, and on the mock which costs it runs: the scenario's mock.profile,
its own latency/capacity keys, or else the 'default' profile. A run against DATAVERSE_URL needs its credentials; --target mock
always means the embedded mock. A URL in a scenario file is used only when DATAVERSE_URL or
--target names the same URL: credentials never follow a file.

Every strategy gets a verdict: ok, degraded (some operations failed, within the scenario's
maxErrorRate, default 0) or failed (more failed, the audit found a lost or duplicated write,
or it was aborted: its first failFast operations all failed, or the target is unreachable or
refuses the sign-in). The run's verdict is the worst of them and is printed first.

Writes <out>/results.json (atomically, marked partial until the run ends). The output folder
must be writable and not in use by another run; it is checked before anything runs. Several
scenarios or a folder make a suite, with suite.md and junit.xml in the output folder and one
exit code. Thresholds on strategies left out by --strategies are skipped.

A scenario with a load section instead of strategies is a load test: arrivals at the planned
rates for the stages' time (open model: latency from each intended start; arrivals past
maxInFlight dropped and counted), one progress line per interval, objectives judged per
window (abortOnFail stops at the first window lost). It writes results.json (kind: load, with
the time series), load.md, load.png and junit.xml.

Exit codes: 0 ok or degraded, 1 a strategy failed or a load test missed an objective, a threshold was missed or a report could not
be written, 2 invalid input (nothing runs), 130 interrupted.
`;
