// The part of autocannon's API the bench uses. autocannon lives in bench/package.json, so the
// root typecheck and lint hold without it installed; `npm run bench` installs it.
declare module 'autocannon' {
  interface Request {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Options {
    url: string;
    connections: number;
    duration: number;
    requests: Request[];
  }
  interface Result {
    requests: { total: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
