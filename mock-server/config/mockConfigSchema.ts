import { z } from 'zod';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and underscores, starting with a letter');

const customColumnSchema = z.strictObject({
  name: identifier,
  type: z.enum(['string', 'memo', 'int', 'decimal', 'money', 'bool', 'datetime', 'guid', 'choice', 'lookup']),
  maxLength: z.int().min(1).max(1_048_576).optional().describe('For string and memo columns. Default 100 (string), 2000 (memo).'),
  options: z.array(z.int()).min(1).optional().describe('For choice columns: the allowed values.'),
  target: identifier.optional().describe('For lookup columns: the logical name of the target table.'),
  navigationProperty: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe('For lookup columns: the single-valued navigation property used in @odata.bind and $expand.'),
});

const customTableSchema = z.strictObject({
  logicalName: identifier,
  entitySetName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid OData identifier'),
  primaryKey: identifier.optional().describe('Default: <logicalName>id.'),
  primaryName: identifier.optional().describe('The primary name column. Default: the first string column.'),
  columns: z.array(customColumnSchema).min(1),
  alternateKeys: z.array(z.array(identifier).min(1)).default([]),
});

const clientSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

const userSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
});

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/**
 * The mock's configuration: one schema, the source of truth for the config file, the
 * `--config` flag and (later) the `mock` block of scenario files. Unknown keys are rejected.
 */
export const mockConfigSchema = z.strictObject({
  auth: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Require a bearer token on the Web API, as Dataverse does.'),
      tokenLifetimeSeconds: z.int().min(1).default(3599).describe('Lifetime of issued access tokens, in seconds.'),
      clients: z
        .array(clientSchema)
        .default([])
        .describe('Accepted client_credentials apps. Empty: any client id and secret is accepted.'),
      users: z
        .array(userSchema)
        .default([])
        .describe('Accepted password-grant users. Empty: any username and password is accepted.'),
    })
    .prefault({}),
  organization: z
    .strictObject({
      organizationId: guid.default('9f5a6a5e-3c1b-4f0e-9a57-2d8c5f0b1a01'),
      businessUnitId: guid.default('2e4d8f10-6b7a-4c3e-8d21-7f9a0b3c5d02'),
      tenantId: guid.default('72f988bf-86f1-41af-91ab-2d7cd011db47'),
    })
    .prefault({}),
  tables: z.array(customTableSchema).default([]).describe('Custom tables, added to the standard ones.'),
  maxBodyBytes: z.int().min(1024).default(16 * 1024 * 1024).describe('Largest accepted request body, in bytes.'),
});

export type MockConfigInput = z.input<typeof mockConfigSchema>;
export type MockConfig = z.output<typeof mockConfigSchema>;
export type CustomTableConfig = z.output<typeof customTableSchema>;
