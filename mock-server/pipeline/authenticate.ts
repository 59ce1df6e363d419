import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';

/** Stage 1: the user behind the bearer token, or a 401 with Dataverse's challenge. */
export function authenticate(exchange: ApiExchange, env: PipelineEnv): string {
  if (!env.authEnabled) return env.anonymousUser;
  const check = env.context.tokens.check(exchange.req.headers.authorization);
  if (check.ok) return check.userId;
  const { host } = exchange;
  const tenant = env.context.config.organization.tenantId;
  throw dataverseErrors.unauthorized(
    `Bearer authorization_uri=http://${host}/${tenant}/oauth2/authorize, resource_id=http://${host}/`,
    check.reason,
  );
}
